package schema

import (
	"sscgraph/ent/schemadesc"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// AuditEvent records one successful write through the API: who made it,
// when, to what, and which fields changed from what to what. Events are
// written in the write's own transaction, so a failed write leaves none.
type AuditEvent struct{ ent.Schema }

// Fields of the AuditEvent.
func (AuditEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Time("at").
			Immutable().Default(time.Now).
			Comment("When the write happened.").
			Annotations(entgql.OrderField("AT")),
		field.Int("key_id").
			Optional().Nillable().Immutable().
			Comment("The API key that made the write; null for writes by sscgraph's commands (see via).").
			Annotations(entgql.Type("ID")),
		field.String("token_issuer").
			Optional().Nillable().Immutable().
			Comment("The OpenID Connect issuer of the token that made the write; null for writes with an API key or by sscgraph's commands.").
			Annotations(entgql.Type("String")),
		field.String("token_subject").
			Optional().Nillable().Immutable().
			Comment("The subject (sub) of the token that made the write, as its issuer names the person; null for writes with an API key or by sscgraph's commands. The token itself is never recorded.").
			Annotations(entgql.Type("String")),
		field.String("role").
			Immutable().
			Comment("The key's or token's role at the time, or SYSTEM for writes by sscgraph's commands."),
		field.String("via").
			Immutable().Default("API").
			Comment("How the write came: API, or the sscgraph command that made it (CLI for `sscgraph key`)."),
		field.String("type").
			Immutable().
			Comment("The type of the changed object, e.g. Project.").
			Annotations(entgql.OrderField("TYPE")),
		field.Int("node_id").
			Immutable().
			Comment("The changed object's ID.").
			Annotations(entgql.Type("ID")),
		field.Enum("operation").
			Values("CREATE", "UPDATE", "DELETE").
			Immutable().
			Comment("What the write did to the object.").
			Annotations(schemadesc.EnumValues{
				"CREATE": "The object was created.",
				"UPDATE": "The object was changed.",
				"DELETE": "The object was deleted.",
			}),
		field.JSON("changes", map[string]any{}).
			Optional().Immutable().
			Comment("Changed fields as {field: {old, new}} and edges as {edge: {added, removed, cleared}}; personal data is redacted.").
			Annotations(entgql.Type("Map")),
		field.String("request_id").
			Optional().Nillable().Immutable().MaxLen(64).
			Comment("The ID of the request that made the write (its X-Request-ID, as the response echoed it); null for writes by sscgraph's commands. All the events of one mutation share it.").
			Annotations(entgql.Type("String")),
	}
}

// Indexes of the AuditEvent.
func (AuditEvent) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("at"),
		index.Fields("type", "at"),
		index.Fields("node_id", "at"),
		index.Fields("key_id", "at"),
		index.Fields("request_id"),
	}
}

// Annotations of the AuditEvent: a connection for ADMIN keys, no writes.
func (AuditEvent) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A successful write through the API, for ADMIN keys to read."),
		entgql.QueryField().Description("The audit log, a page at a time (ADMIN keys only), filtered by where, in the order of orderBy (by ID when not given)."),
		entgql.RelayConnection(),
		entgql.MultiOrder(),
	}
}

// Policy of the AuditEvent: ADMIN keys read it; only package audit (for
// the audit hook and bulk writers) writes it, past this policy.
func (AuditEvent) Policy() ent.Policy { return adminPolicy() }
