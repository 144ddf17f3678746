package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
	"sscgraph/internal/gid"
	"sscgraph/internal/server"
)

// withSecret is the default configuration with another ID secret.
func withSecret(secret string) server.Config {
	cfg := server.DefaultConfig()
	cfg.IDSecret = secret
	return cfg
}

// TestTwoSecretsInOneProcess: the codec belongs to each server, not to the
// process. Two APIs over the same data with different secrets give the
// same row different IDs, each reads its own IDs and cursors, and each
// refuses the other's.
func TestTwoSecretsInOneProcess(t *testing.T) {
	one, two := apitest.NewWith(t, apitest.SQLiteCopy(t), withSecret("the first secret")), apitest.NewWith(t, apitest.SQLiteCopy(t), withSecret("the second secret"))
	const page = `{ regions(first: 1, orderBy: [{field: CODE}]) { pageInfo { endCursor } edges { node { id code } } } }`
	r1, r2 := one.Query(t, page, nil), two.Query(t, page, nil)
	id1, id2 := r1.Str("regions.edges.0.node.id"), r2.Str("regions.edges.0.node.id")
	if r1.Str("regions.edges.0.node.code") != r2.Str("regions.edges.0.node.code") {
		t.Fatalf("the two copies differ: %v, %v", r1.Data, r2.Data)
	}
	if id1 == id2 || id1 == "" {
		t.Fatalf("both servers call the region %q and %q, want two different IDs", id1, id2)
	}
	key1, err1 := one.Codec.Decode(id1)
	key2, err2 := two.Codec.Decode(id2)
	if err1 != nil || err2 != nil || key1 != key2 {
		t.Fatalf("the IDs name keys %d (%v) and %d (%v), want the same row", key1, err1, key2, err2)
	}
	const node = `query($id: ID!) { node(id: $id) { ... on Region { code } } }`
	const after = `query($after: Cursor) { regions(first: 1, after: $after, orderBy: [{field: CODE}]) { totalCount } }`
	for _, tc := range []struct {
		name       string
		a          *apitest.API
		own, other apitest.Response
	}{
		{"the first", one, r1, r2},
		{"the second", two, r2, r1},
	} {
		if r := tc.a.Post(t, node, map[string]any{"id": tc.own.Str("regions.edges.0.node.id")}); len(r.Errors) > 0 || r.Str("node.code") == "" {
			t.Errorf("%s server does not read its own ID: %+v", tc.name, r.Errors)
		}
		if r := tc.a.Post(t, node, map[string]any{"id": tc.other.Str("regions.edges.0.node.id")}); apitest.ErrCode(r) != "BAD_USER_INPUT" {
			t.Errorf("%s server reads the other's ID: %v %+v, want BAD_USER_INPUT", tc.name, r.Data, r.Errors)
		}
		if r := tc.a.Post(t, after, map[string]any{"after": tc.own.Str("regions.pageInfo.endCursor")}); len(r.Errors) > 0 {
			t.Errorf("%s server does not read its own cursor: %+v", tc.name, r.Errors)
		}
		if r := tc.a.Post(t, after, map[string]any{"after": tc.other.Str("regions.pageInfo.endCursor")}); apitest.ErrCode(r) != "BAD_USER_INPUT" {
			t.Errorf("%s server reads the other's cursor: %v %+v, want BAD_USER_INPUT", tc.name, r.Data, r.Errors)
		}
	}
}

// auditRawKeysVersion is the migration that rewrites the audit trail's
// global IDs into raw keys (internal/migrations/auditids.go).
const auditRawKeysVersion = 20261207150000

// TestAuditTrailSurvivesSecretRotation: an audit event written when the
// trail stored global IDs reads back, after the migration, with the IDs of
// the reading server's secret: the old secret's server sees the IDs it
// issued, a server with a new secret sees its own. What is no ID of the
// old secret is left as it was, and the migration refuses to run without
// the secret rather than drop IDs.
func TestAuditTrailSurvivesSecretRotation(t *testing.T) {
	for _, b := range apitest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			dsn := b.Fresh(t)
			old := apitest.NewWith(t, dsn, withSecret("the old secret"))
			ctx := context.Background()
			keys := old.Column(t, `SELECT id FROM organizations ORDER BY id LIMIT 2`)
			country := old.Column(t, `SELECT id FROM countries ORDER BY id LIMIT 1`)[0]
			org, member := atoi(t, keys[0]), atoi(t, keys[1])
			countryKey := atoi(t, country)
			foreign, err := server.NewCodec("a secret from before an earlier rotation")
			if err != nil {
				t.Fatal(err)
			}
			lookalike := "Looks_" + strings.Repeat("x", 22)
			// The changes as the audit hook wrote them before: global IDs
			// under the old secret.
			changes, _ := json.Marshal(map[string]any{
				"members": map[string]any{"added": []string{old.Codec.Encode(member)}, "removed": []string{foreign.Encode(member)}},
				"country": map[string]any{"old": old.Codec.Encode(countryKey)},
				"name":    map[string]any{"old": "Before", "new": "After"},
				"note":    map[string]any{"new": lookalike},
			})
			exec := func(q string) {
				t.Helper()
				if _, err := old.DB.SQL.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			exec(fmt.Sprintf(`DELETE FROM sscgraph_migrations WHERE version_id = %d`, auditRawKeysVersion))
			exec(fmt.Sprintf(`INSERT INTO audit_events (at, role, via, type, node_id, operation, changes) VALUES (CURRENT_TIMESTAMP, 'SYSTEM', 'CLI', 'Organization', %d, 'UPDATE', '%s')`,
				org, strings.ReplaceAll(string(changes), "'", "''")))

			if _, err := old.DB.Migrate(ctx); err == nil || !strings.Contains(err.Error(), "--id-secret") {
				t.Fatalf("migrating without the secret: %v, want a refusal naming --id-secret", err)
			}
			if _, err := old.DB.Migrate(gid.NewContext(ctx, old.Codec)); err != nil {
				t.Fatalf("migrating with the old secret: %v", err)
			}
			stored := old.Column(t, `SELECT changes FROM audit_events WHERE type = 'Organization'`)
			if len(stored) != 1 || !strings.Contains(strings.ReplaceAll(stored[0], " ", ""), fmt.Sprintf(`{"$id":%d}`, member)) {
				t.Fatalf("stored changes after the migration: %v, want the member's raw key", stored)
			}

			rotated := apitest.NewWith(t, dsn, withSecret("the new secret"))
			for _, a := range []*apitest.API{old, rotated} {
				_, adminKey, err := auth.Create(ctx, a.DB.Client, auth.CreateOptions{Role: auth.RoleAdmin})
				if err != nil {
					t.Fatal(err)
				}
				r := apitest.Caller{A: a, Key: adminKey}.Do(t, `{ auditEvents(where: {type: "Organization"}) { edges { node { nodeID changes } } } }`, nil)
				if len(r.Errors) > 0 || len(r.List("auditEvents.edges")) != 1 {
					t.Fatalf("reading the event: %v %+v", r.Data, r.Errors)
				}
				ev := "auditEvents.edges.0.node."
				if got := r.Str(ev + "nodeID"); got != a.Codec.Encode(org) {
					t.Errorf("nodeID %s, want %s", got, a.Codec.Encode(org))
				}
				want := map[string]any{
					"members": map[string]any{"added": []any{a.Codec.Encode(member)}, "removed": []any{foreign.Encode(member)}},
					"country": map[string]any{"old": a.Codec.Encode(countryKey)},
					"name":    map[string]any{"old": "Before", "new": "After"},
					"note":    map[string]any{"new": lookalike},
				}
				got, _ := json.Marshal(r.Get(ev + "changes"))
				if w, _ := json.Marshal(want); string(got) != string(w) {
					t.Errorf("changes read\n%s\nwant\n%s", got, w)
				}
			}
		})
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
