package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"sscgraph/internal/validate"
)

// The tables below hold state that replicas of sscgraph share on
// PostgreSQL, so that a limit is the same whichever replica answers:
// the rate-limit buckets and the automatic persisted queries. They are
// read and written by internal/limits and internal/server in single SQL
// statements, not through ent or GraphQL; they are ent schemas so that the
// migrations generated from the model hold them. On SQLite (one process)
// they stay empty.

// RateBucket is one client's token bucket (see limits.Store).
type RateBucket struct{ ent.Schema }

// Fields of the RateBucket.
func (RateBucket) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").
			MaxLen(300).Validate(validate.NotBlank).Immutable().
			Comment("The client: key:<id>, ip:<address>, auth:ip:<address>."),
		field.Float("tokens").
			Comment("Cost points left at updated_at."),
		field.Time("updated_at").
			Default(time.Now).
			Comment("When tokens was computed; the bucket refills from there."),
		field.Bool("granted").
			Default(true).
			Comment("Whether the last take was charged: the upsert that takes reports it back."),
	}
}

// Indexes of the RateBucket: full buckets are deleted by age.
func (RateBucket) Indexes() []ent.Index {
	return []ent.Index{index.Fields("updated_at")}
}

// Annotations of the RateBucket.
func (RateBucket) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.Annotation{Table: "rate_buckets"},
		entgql.Skip(entgql.SkipAll),
	}
}

// Policy of the RateBucket: not for API keys of any role.
func (RateBucket) Policy() ent.Policy { return adminPolicy() }

// PersistedQuery is an automatic persisted query: a query's text under
// its SHA-256 hash, as a client registered it.
type PersistedQuery struct{ ent.Schema }

// Fields of the PersistedQuery.
func (PersistedQuery) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").
			MaxLen(64).Validate(validate.NotBlank).Immutable().
			Comment("The SHA-256 hash of the query, hex."),
		field.Text("query").
			Immutable(),
		field.Time("used_at").
			Default(time.Now).
			Comment("When the query was last run: the least recently used are evicted."),
	}
}

// Indexes of the PersistedQuery: eviction reads the least recently used.
func (PersistedQuery) Indexes() []ent.Index {
	return []ent.Index{index.Fields("used_at")}
}

// Annotations of the PersistedQuery.
func (PersistedQuery) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.Annotation{Table: "persisted_queries"},
		entgql.Skip(entgql.SkipAll),
	}
}

// Policy of the PersistedQuery: not for API keys of any role.
func (PersistedQuery) Policy() ent.Policy { return adminPolicy() }
