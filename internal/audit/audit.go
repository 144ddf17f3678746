// Package audit writes the audit trail, and only it does: every audit
// event (audit_events row) is inserted through Record, or through a
// Buffer's Flush for bulk writers, which are the only code that bypasses
// the AuditEvent privacy policy (ADMIN keys read the trail, no one writes
// it through the API).
//
// The changes an event records hold the IDs of rows (the rows an edge
// gained or lost, the rows a deleted row linked to) as raw database keys,
// written {"$id": key} (Key), not as the global IDs clients see: a global
// ID depends on the ID secret, and a trail written with one secret would
// be unreadable after a rotation. ClientChanges turns them into global IDs
// with the codec of the request that reads them.
package audit

import (
	"context"
	"fmt"

	"sscgraph/ent"
	"sscgraph/ent/privacy"
	"sscgraph/internal/gid"
)

// Record writes event through its client (the write's transaction), or
// leaves it in the Buffer of ctx for the bulk writer to Flush.
func Record(ctx context.Context, event *ent.AuditEventCreate) error {
	if buf := From(ctx); buf != nil {
		buf.Add(event)
		return nil
	}
	if _, err := event.Save(writing(ctx)); err != nil {
		return fmt.Errorf("recording the audit event: %w", err)
	}
	return nil
}

// writing lets ctx write audit events past their privacy policy, which
// refuses writes to everyone else.
func writing(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// idKey names the one field of a stored ID.
const idKey = "$id"

// Key is how an event's changes store the ID of a row: its raw key.
func Key(key int) map[string]any { return map[string]any{idKey: key} }

// Keys stores a list of IDs.
func Keys(keys []int) []any {
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = Key(k)
	}
	return out
}

// ClientChanges returns the changes of an event as clients read them: every
// stored ID ({"$id": key}) replaced by its global ID under the codec of
// ctx. A context without a codec is an error (gid.ErrNoCodec), never
// changes with their IDs left out.
func ClientChanges(ctx context.Context, changes map[string]any) (map[string]any, error) {
	if changes == nil {
		return nil, nil
	}
	codec, err := gid.FromContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading an audit event's changes: %w", err)
	}
	out, err := encode(codec, changes)
	if err != nil {
		return nil, err
	}
	return out.(map[string]any), nil
}

// encode copies v with its stored IDs encoded; the stored map is left as
// ent read it.
func encode(codec *gid.Codec, v any) (any, error) {
	switch v := v.(type) {
	case map[string]any:
		if key, ok := storedKey(v); ok {
			return codec.Encode(key), nil
		}
		out := make(map[string]any, len(v))
		for k, e := range v {
			enc, err := encode(codec, e)
			if err != nil {
				return nil, err
			}
			out[k] = enc
		}
		return out, nil
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			enc, err := encode(codec, e)
			if err != nil {
				return nil, err
			}
			out[i] = enc
		}
		return out, nil
	}
	return v, nil
}

// storedKey reports whether m is a stored ID, and its key. Read back from
// JSON, the key is a float64 (keys stay below 2^53) or a json.Number; as
// written, an int.
func storedKey(m map[string]any) (int, bool) {
	if len(m) != 1 {
		return 0, false
	}
	switch k := m[idKey].(type) {
	case int:
		return k, true
	case int64:
		return int(k), true
	case float64:
		return int(k), float64(int(k)) == k
	case interface{ Int64() (int64, error) }:
		n, err := k.Int64()
		return int(n), err == nil
	}
	return 0, false
}
