package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"sscgraph/ent/schemadesc"

	"sscgraph/ent/hook"
	"sscgraph/ent/schema/schematype"
	"sscgraph/internal/validate"
)

// Project is a Development Agenda project approved by the CDIP.
type Project struct{ ent.Schema }

// Fields of the Project.
func (Project) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").
			Unique().Validate(validate.NotBlank).Validate(validate.MaxRunes(64)).MaxRuneLen(64).
			Comment("Project code, e.g. DA_1_10_12_40. At most 64 characters.").
			Annotations(entgql.OrderField("CODE")),
		field.String("title").
			Comment("Title of the project. At most 500 characters.").
			Validate(validate.NotBlank).Validate(validate.MaxRunes(500)).MaxRuneLen(500).
			Annotations(entgql.OrderField("TITLE")),
		field.Text("summary").
			Validate(validate.MaxRunes(validate.MaxLongText)).
			Comment("What the project does, in a few sentences. At most 20,000 characters.").
			Optional(),
		field.Enum("status").
			Comment("Where the project is in its life: PROPOSED, APPROVED, ONGOING, COMPLETED, MAINSTREAMED (absorbed into regular programmes), PHASED_OUT, or UNKNOWN where no source says.").
			Values("PROPOSED", "APPROVED", "ONGOING", "COMPLETED", "MAINSTREAMED", "PHASED_OUT", "UNKNOWN").
			Annotations(entgql.OrderField("STATUS"), schemadesc.EnumValues{
				"PROPOSED":     "Proposed; not yet approved.",
				"APPROVED":     "Approved; not yet begun.",
				"ONGOING":      "Under way.",
				"COMPLETED":    "Finished.",
				"MAINSTREAMED": "Absorbed into regular programmes.",
				"PHASED_OUT":   "Phased out: wound down.",
				"UNKNOWN":      "No source says where the project is.",
			}),
		field.Time("start_date").
			Comment("When the project started (the first of January where only the year is known).").
			Optional().Nillable().
			Annotations(entgql.OrderField("START_DATE")),
		field.Time("end_date").
			Comment("When the project ended or ends (the last day of December where only the year is known).").
			Optional().Nillable().
			Annotations(entgql.OrderField("END_DATE")),
		field.Float("budget").
			Optional().Nillable().Min(0).
			Comment("Budget in Swiss francs, where known.").
			Annotations(entgql.OrderField("BUDGET")),
		field.Strings("documents").
			Optional().
			Comment("CDIP document symbols (project document, progress reports, evaluations). At most 200 entries of at most 500 characters each."),
		field.Text("note").
			Validate(validate.MaxRunes(validate.MaxLongText)).
			Optional().
			Comment("Provenance remarks, e.g. which facts could not be verified. At most 20,000 characters."),
		// Not Optional, so that GraphQL shows [String!]! (an empty list,
		// never null); the default keeps it out of what creates must give.
		field.Strings("sources").
			Default([]string{}).
			// The database's own default fills the rows written before
			// the column existed.
			Annotations(entsql.Default("[]")).
			Comment("What supports the record: CDIP document symbols and public addresses. Every real project has at least one. At most 200 entries of at most 500 characters each."),
		field.Bool("demo").
			Default(false).
			Comment("True when the record is invented demonstration data, not a fact from the programme's documents.").
			Annotations(notInput()),
		// Set by the dataset, not through the API: each fact must come
		// with its sources, which the inputs could not enforce.
		field.JSON("facts", []schematype.SourcedFact{}).
			Default([]schematype.SourcedFact{}).
			Annotations(entsql.Default("[]"), entgql.Type("[SourcedFact!]"), notInput()).
			Comment("Figures and statements about the project, each with the sources that give it; where sources disagree (two end years, say), both are here rather than one chosen."),
	}
}

// Edges of the Project.
func (Project) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("recommendations", Recommendation.Type).
			Comment("DA recommendations the project implements.").
			Annotations(connection()),
		edge.To("countries", Country.Type).
			Comment("Beneficiary and pilot countries.").
			Annotations(connection()),
		edge.To("topics", Topic.Type).
			Comment("IP areas and sectors the project addresses (sscgraph's classification).").Annotations(connection()),
		edge.To("activities", Activity.Type).
			Comment("Activities carried out under the project.").
			Annotations(connection()),
	}
}

// Indexes of the Project.
func (Project) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("status"),
		index.Fields("start_date"),
	}
}

// Annotations of the Project.
func (Project) Annotations() []schema.Annotation {
	return graphAnnotations("A Development Agenda project approved by the Committee on Development and IP (CDIP).")
}

// Policy of the Project: who may change it (see policy.go).
func (Project) Policy() ent.Policy { return programmePolicy() }

// Hooks of the Project: its value rules (see rules.go).
func (Project) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(audited("Project"), auditedWrites), hook.On(edgesExist, writes), hook.On(projectRules, writes)}
}
