package schema

import (
	"context"
	"fmt"
	"strings"

	"entgo.io/ent"

	gen "sscgraph/ent"
	"sscgraph/ent/auditevent"
	"sscgraph/internal/audit"
	"sscgraph/internal/reqctx"
	"sscgraph/internal/viewer"
)

// privateFields are redacted in audit events: personal data, the hash
// of an API key, and a webhook's (sealed) signing secret.
var privateFields = map[string]bool{"email": true, "hash": true, "secret": true}

// How audit events name who wrote: through the API (with a key and its
// role), or one of sscgraph's commands (viewer.System's name, role SYSTEM).
const (
	viaAPI     = "API"
	systemRole = "SYSTEM"
)

// audited records every successful write of a type in the write's
// transaction: writes through the API under their key, writes by
// sscgraph's commands (viewer.System) under the command's name. Loading
// the initial dataset is not audited (its System marker says so).
func audited(typ string) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			sys, isSystem := viewer.SystemFrom(ctx)
			if isSystem && !sys.Audited {
				return next.Mutate(ctx, m)
			}
			op, changes, err := describe(ctx, m)
			if err != nil {
				return nil, err
			}
			value, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			id, ok := idOf(m, value)
			if !ok {
				return value, nil
			}
			client := m.(interface{ Client() *gen.Client }).Client()
			event := client.AuditEvent.Create().
				SetType(typ).SetNodeID(id).SetOperation(op).SetChanges(changes)
			if isSystem {
				event.SetVia(sys.Name).SetRole(systemRole)
			} else {
				v := viewer.From(ctx)
				event.SetVia(viaAPI).SetRole(v.Role)
				if v.KeyID != 0 {
					event.SetKeyID(v.KeyID)
				}
				if v.Subject != "" {
					// A signed-in person: who the provider says, never the token.
					event.SetTokenIssuer(v.Issuer).SetTokenSubject(v.Subject)
				}
			}
			// The request's ID lets a client that lost the answer (a
			// COMMIT_UNKNOWN, a dropped connection) find what it wrote.
			if info := reqctx.From(ctx); info != nil && info.ID != "" {
				event.SetRequestID(info.ID)
			}
			// Package audit writes the trail (at once, or with a bulk
			// writer's other events).
			if err := audit.Record(ctx, event); err != nil {
				return nil, err
			}
			return value, nil
		})
	}
}

// idOf returns the written row's key; after a create ent has set it on
// the mutation.
func idOf(m ent.Mutation, _ ent.Value) (int, bool) {
	if idm, ok := m.(interface{ ID() (int, bool) }); ok {
		return idm.ID()
	}
	return 0, false
}

// describe returns the operation and the changes a mutation makes, with
// old values read before it runs.
func describe(ctx context.Context, m ent.Mutation) (auditevent.Operation, map[string]any, error) {
	changes := map[string]any{}
	var op auditevent.Operation
	switch {
	case m.Op().Is(ent.OpCreate):
		op = auditevent.OperationCREATE
	case m.Op().Is(ent.OpDeleteOne):
		deleted, err := deletedChanges(ctx, m)
		return auditevent.OperationDELETE, deleted, err
	default:
		op = auditevent.OperationUPDATE
	}
	for _, f := range m.Fields() {
		nv, _ := m.Field(f)
		change := map[string]any{"new": nv}
		if op == auditevent.OperationUPDATE {
			ov, err := m.OldField(ctx, f)
			if err != nil {
				return "", nil, fmt.Errorf("reading old %s: %w", f, err)
			}
			change["old"] = ov
		}
		if privateFields[f] {
			change = map[string]any{"new": "[redacted]"}
			if op == auditevent.OperationUPDATE {
				change["old"] = "[redacted]"
			}
		}
		changes[camelCase(f)] = change
	}
	for _, f := range m.ClearedFields() {
		changes[camelCase(f)] = map[string]any{"new": nil}
	}
	for _, e := range m.AddedEdges() {
		ids, err := storedIDs(m.AddedIDs(e))
		if err != nil {
			return "", nil, fmt.Errorf("edge %s: %w", e, err)
		}
		edgeChange(changes, e)["added"] = ids
	}
	for _, e := range m.RemovedEdges() {
		ids, err := storedIDs(m.RemovedIDs(e))
		if err != nil {
			return "", nil, fmt.Errorf("edge %s: %w", e, err)
		}
		edgeChange(changes, e)["removed"] = ids
	}
	for _, e := range m.ClearedEdges() {
		edgeChange(changes, e)["cleared"] = true
	}
	return op, changes, nil
}

func edgeChange(changes map[string]any, edge string) map[string]any {
	name := camelCase(edge)
	if c, ok := changes[name].(map[string]any); ok {
		return c
	}
	c := map[string]any{}
	changes[name] = c
	return c
}

// storedIDs records the keys of an edge's rows as the trail stores IDs
// (audit.Key): raw keys, which readers see as global IDs under their own
// secret. Every sscgraph key is an int; anything else is a bug, not an ID
// to leave out.
func storedIDs(ids []ent.Value) ([]any, error) {
	out := make([]any, 0, len(ids))
	for _, id := range ids {
		n, ok := id.(int)
		if !ok {
			return nil, fmt.Errorf("audit: an ID is %T, not an int key", id)
		}
		out = append(out, audit.Key(n))
	}
	return out, nil
}

func camelCase(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// auditedWrites is when audit events are recorded.
const auditedWrites = ent.OpCreate | ent.OpUpdateOne | ent.OpDeleteOne
