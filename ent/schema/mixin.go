// Package schema holds the sscgraph model: one hand-written file per entity.
// Everything else under ent/ is generated from these files by ent/entc.go.
package schema

import (
	"sscgraph/ent/schemadesc"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"

	"sscgraph/ent/schema/schematype"
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

// PostingMixin holds the fields a Match offer and a Match need share, in
// the order their columns and GraphQL fields have always had, so that both
// keep the same validation and ordering and cannot drift apart. What
// differs between them is its parameters: the noun in their comments and
// their statuses (only an offer expires).
type PostingMixin struct {
	mixin.Schema
	// Noun names the posting in comments: "offer" or "need".
	Noun string
	// Description, Kind and Status are the comments of those fields.
	Description, Kind, Status string
	// Statuses are the values of the status enum, and StatusValues
	// their descriptions in the API.
	Statuses     []string
	StatusValues schemadesc.EnumValues
}

// Fields of the PostingMixin. The fields after posted_at (an offer's
// expires_at, then languages) stay in each schema, so that the columns'
// order is what it was.
func (m PostingMixin) Fields() []ent.Field {
	return []ent.Field{
		field.String("title").
			Comment("Title of the " + m.Noun + ". At most 500 characters.").
			Validate(validate.NotBlank).Validate(validate.MaxRunes(500)).MaxRuneLen(500).
			Annotations(entgql.OrderField("TITLE")),
		field.Text("description").
			Validate(validate.MaxRunes(validate.MaxLongText)).
			Comment(m.Description).
			Optional(),
		field.Enum("kind").
			Comment(m.Kind).
			GoType(schematype.MatchKind("")).
			Annotations(entgql.Type("MatchKind"), entgql.OrderField("KIND"), schemadesc.EnumValues{
				"FINANCIAL":                  "Funding.",
				"TECHNICAL":                  "Expertise, training or technical assistance.",
				"PUBLIC_PRIVATE_PARTNERSHIP": "A partnership between public bodies and private companies.",
			}),
		field.Enum("status").
			Comment(m.Status).
			Values(m.Statuses...).
			Annotations(entgql.OrderField("STATUS"), m.StatusValues),
		field.Time("posted_at").
			Default(time.Now).
			Comment("When the " + m.Noun + " was published: now unless given, never in the future.").
			Annotations(entgql.OrderField("POSTED_AT")),
	}
}
