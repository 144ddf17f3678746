// Package schema holds the sscgraph model: one hand-written file per entity.
// Everything else under ent/ is generated from these files by ent/entc.go.
package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"

	"sscgraph/internal/validate"
)

// DemoMixin marks records that are invented demonstration data rather than
// facts from the programme's public documents. Clients filter on it
// (`where: {demo: false}`) to see only real data.
type DemoMixin struct{ mixin.Schema }

// Fields of the DemoMixin.
func (DemoMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Bool("demo").
			Default(false).
			Comment("True when the record is invented demonstration data, not a fact from the programme's documents.").
			Annotations(notInput()),
	}
}

// RefMixin gives a record the spreadsheet's own ID for it, so that
// `sscgraph import` matches rows to records: importing the same sheet
// twice changes nothing, and a changed row updates its record.
type RefMixin struct{ mixin.Schema }

// Fields of the RefMixin.
func (RefMixin) Fields() []ent.Field {
	return []ent.Field{
		field.String("ref").
			Optional().Nillable().Unique().Validate(validate.NotBlank).Validate(validate.MaxRunes(200)).MaxRuneLen(200).
			Comment("The importing spreadsheet's own ID for the record (column ref of sscgraph import); unique per type. At most 200 characters."),
	}
}

// graphAnnotations are the annotations every entity shares: its
// description for the GraphQL schema and a top-level Relay connection with
// filters and multi-field ordering.
func graphAnnotations(description string) []schema.Annotation {
	return []schema.Annotation{
		schema.Comment(description),
		entgql.QueryField(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
		entgql.RelayConnection(),
		entgql.MultiOrder(),
	}
}

// connection annotates a to-many edge so that GraphQL serves it as a Relay
// connection with the same paging, filter and order arguments as the
// top-level one.
func connection() schema.Annotation { return entgql.RelayConnection() }

// notInput keeps a field out of the create and update inputs: the server
// sets it (demo marks, derived values).
func notInput() schema.Annotation {
	return entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)
}
