package schema

import (
	"sscgraph/ent/schemadesc"
	"time"

	"sscgraph/ent/hook"
	"sscgraph/internal/validate"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// APIKey is a credential clients send as "Authorization: Bearer <key>".
// Only a hash of the key is stored: the key itself is shown once, when it
// is created. Keys are not part of the GraphQL schema.
type APIKey struct{ ent.Schema }

// Fields of the APIKey.
func (APIKey) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			Optional().Validate(validate.MaxRunes(200)).MaxRuneLen(200).
			Comment("What the key is for, for people managing keys. At most 200 characters."),
		field.Enum("role").
			Values("ADMIN", "EDITOR", "MEMBER").
			Comment("ADMIN may do everything; EDITOR edits the programme's data; MEMBER acts for one organization on Match.").
			Annotations(schemadesc.EnumValues{
				"ADMIN":  "May do everything, including managing API keys and reading the audit log.",
				"EDITOR": "Writes the programme's data (projects, activities, countries, consultants, organizations…) and any Match offer, need or match.",
				"MEMBER": "Acts for one organization (the key's organization) on Match: its offers, needs and matches.",
			}),
		field.String("hash").
			Unique().Immutable().Sensitive().
			Comment("SHA-256 of the key, hex: keys are 256 random bits, so a fast hash cannot be reversed."),
		field.String("hint").
			Immutable().MaxLen(16).
			Comment("The key's first characters, to tell keys apart in listings.").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		field.Time("created_at").
			Immutable().Default(time.Now).
			Comment("When the key was made.").
			Annotations(entgql.OrderField("CREATED_AT")),
		field.Time("expires_at").
			Optional().Nillable().
			Comment("When the key stops working; null when it never expires."),
		field.Time("revoked_at").
			Optional().Nillable().
			Comment("When the key was revoked (revokeAPIKey); null while it is not."),
	}
}

// Edges of the APIKey.
func (APIKey) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("organization", Organization.Type).
			Unique().
			StorageKey(edge.Column("organization_id")).
			Comment("For MEMBER keys: the organization the key acts for."),
	}
}

// Indexes of the APIKey.
func (APIKey) Indexes() []ent.Index {
	return []ent.Index{
		index.Edges("organization"),
	}
}

// Annotations of the APIKey: a connection for ADMIN keys (the policy
// refuses everyone else); keys are made and revoked by dedicated
// mutations, not generic inputs, so that the secret is made by sscgraph.
func (APIKey) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("An API key, as ADMIN keys see it: never the key itself, which is shown once when it is made."),
		entgql.QueryField().Description("The API keys, a page at a time (ADMIN keys only), filtered by where, in the order of orderBy (by ID when not given)."),
		entgql.RelayConnection(),
	}
}

// Hooks of the APIKey: making and revoking keys is audited like every
// other write (the hash is redacted, see audit.go).
func (APIKey) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(audited("APIKey"), auditedWrites)}
}

// Policy of the APIKey: who may change it (see policy.go).
func (APIKey) Policy() ent.Policy { return adminPolicy() }
