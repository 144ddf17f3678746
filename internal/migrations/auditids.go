package migrations

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pressly/goose/v3"

	"sscgraph/internal/gid"
)

// Steps written in Go, not SQL: what SQL alone cannot do. Each is a
// version between the SQL files' and is recorded like them.

// auditRawKeysVersion rewrites the IDs that audit events' changes held as
// global IDs (encrypted with the ID secret, so unreadable after a secret
// rotation) into raw keys, {"$id": key}, as the audit trail now stores
// them (package audit), which the API encodes when events are read.
//
// Decoding needs the secret the IDs were issued with: the step reads the
// codec from its context (gid.NewContext), which `serve`, `migrate`,
// `import` and `key` install from --id-secret. A database with no such
// IDs (every new one) migrates without a codec; one that holds some and
// gets no codec fails, naming the secret, rather than dropping them. A
// string that does not decode with the secret (an ID from before an
// earlier rotation, or text that only looks like an ID) is left as it was.
const auditRawKeysVersion = 20261207150000

// goSteps are the Go steps, by version, with the names Plan and Up give
// them.
var goSteps = map[int64]string{
	auditRawKeysVersion: "20261207150000_audit_raw_keys.go",
}

// goMigrations returns the Go steps for dialect.
func goMigrations(dialect string) []*goose.Migration {
	return []*goose.Migration{
		goose.NewGoMigration(auditRawKeysVersion, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			return auditRawKeys(ctx, tx, dialect)
		}}, nil),
	}
}

// auditIDKey is the one field of an ID as audit changes store it (package
// audit's idKey; a migration keeps its own copy, since the step must do
// what it did when it was written).
const auditIDKey = "$id"

func auditRawKeys(ctx context.Context, tx *sql.Tx, dialect string) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, changes FROM audit_events WHERE changes IS NOT NULL`)
	if err != nil {
		return fmt.Errorf("reading audit events: %w", err)
	}
	type rewrite struct {
		id      int64
		changes []byte
	}
	var rewrites []rewrite
	var codec *gid.Codec
	for rows.Next() {
		var id int64
		var raw []byte
		if err := rows.Scan(&id, &raw); err != nil {
			rows.Close()
			return fmt.Errorf("reading audit events: %w", err)
		}
		var changes map[string]any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber() // every other value is written back as it was
		if err := dec.Decode(&changes); err != nil {
			rows.Close()
			return fmt.Errorf("audit event %d: decoding its changes: %w", id, err)
		}
		if !holdsGlobalIDs(changes) {
			continue
		}
		if codec == nil {
			if codec, err = gid.FromContext(ctx); err != nil {
				rows.Close()
				return fmt.Errorf("audit event %d holds global IDs, which this migration turns into raw keys with the ID secret: "+
					"run it with the secret the IDs were issued with (--id-secret, env SSCGRAPH_ID_SECRET): %w", id, err)
			}
		}
		if !rawKeys(codec, changes) {
			continue
		}
		b, err := json.Marshal(changes)
		if err != nil {
			rows.Close()
			return fmt.Errorf("audit event %d: encoding its changes: %w", id, err)
		}
		rewrites = append(rewrites, rewrite{id, b})
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("reading audit events: %w", err)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading audit events: %w", err)
	}
	update := `UPDATE audit_events SET changes = ? WHERE id = ?`
	if dialect == Postgres {
		update = `UPDATE audit_events SET changes = $1 WHERE id = $2`
	}
	for _, r := range rewrites {
		if _, err := tx.ExecContext(ctx, update, string(r.changes), r.id); err != nil {
			return fmt.Errorf("audit event %d: writing its changes: %w", r.id, err)
		}
	}
	return nil
}

// idPlaces calls f with every place where audit changes held global IDs:
// the rows an edge gained or lost ({edge: {added: [...], removed: [...]}})
// and the rows a deleted row linked to ({link: {old: ...}}); "new" too,
// which no event wrote an ID into, for safety. f returns the value to put
// in the place.
func idPlaces(changes map[string]any, f func(v any) any) {
	for _, c := range changes {
		m, ok := c.(map[string]any)
		if !ok {
			continue
		}
		for _, k := range []string{"added", "removed"} {
			if list, ok := m[k].([]any); ok {
				for i, v := range list {
					list[i] = f(v)
				}
			}
		}
		for _, k := range []string{"old", "new"} {
			if v, ok := m[k]; ok {
				m[k] = f(v)
			}
		}
	}
}

// looksLikeGlobalID is a cheap test that s may be a global ID: a type
// name, an underscore and 22 characters.
func looksLikeGlobalID(s string) bool {
	_, body, ok := strings.Cut(s, "_")
	return ok && len(body) == 22
}

func holdsGlobalIDs(changes map[string]any) bool {
	found := false
	idPlaces(changes, func(v any) any {
		if s, ok := v.(string); ok && looksLikeGlobalID(s) {
			found = true
		}
		return v
	})
	return found
}

// rawKeys replaces, in place, the global IDs of changes that decode with
// codec by their keys, and reports whether it replaced any.
func rawKeys(codec *gid.Codec, changes map[string]any) bool {
	changed := false
	idPlaces(changes, func(v any) any {
		s, ok := v.(string)
		if !ok || !looksLikeGlobalID(s) {
			return v
		}
		key, err := codec.Decode(s)
		if err != nil {
			return v
		}
		changed = true
		return map[string]any{auditIDKey: key}
	})
	return changed
}
