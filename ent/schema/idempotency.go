package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// IdempotencyRecord is the outcome of a mutation sent with an
// Idempotency-Key header (see graph.Transactions): a retry with the same
// key is answered from it instead of writing again. It is written in the
// mutation's own transaction, so the record and the write commit together
// or not at all, and its key is unique, so of two requests with one key
// the second waits for the first and then reads its outcome. It is
// written by package graph alone, not through ent's GraphQL.
type IdempotencyRecord struct{ ent.Schema }

// Fields of the IdempotencyRecord.
func (IdempotencyRecord) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").
			MaxLen(64).NotEmpty().Immutable().
			Comment("SHA-256, hex, of the client (key:<id> or ip:<address>) and the Idempotency-Key: keys of different clients never meet."),
		field.String("request_hash").
			MaxLen(64).NotEmpty().Immutable().
			Comment("SHA-256, hex, of the request (query, operation name, variables): the same key with another request is refused."),
		field.String("request_id").
			MaxLen(64).Immutable().
			Comment("The request that made the write, as its audit events record it."),
		field.Text("response").
			Optional().
			Comment("The mutation's data as answered, JSON; set before the transaction commits."),
		field.Time("created_at").
			Default(time.Now).Immutable(),
		field.Time("expires_at").
			Comment("When the record may be forgotten and the key used again."),
	}
}

// Indexes of the IdempotencyRecord: expired records are deleted by age.
func (IdempotencyRecord) Indexes() []ent.Index {
	return []ent.Index{index.Fields("expires_at")}
}

// Annotations of the IdempotencyRecord.
func (IdempotencyRecord) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.Annotation{Table: "idempotency_records"},
		entgql.Skip(entgql.SkipAll),
	}
}

// Policy of the IdempotencyRecord: not for API keys of any role; package
// graph reads and writes it as sscgraph's own business.
func (IdempotencyRecord) Policy() ent.Policy { return adminPolicy() }
