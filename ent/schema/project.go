package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Project is a Development Agenda project approved by the CDIP.
type Project struct{ ent.Schema }

// Fields of the Project.
func (Project) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").
			Unique().NotEmpty().MaxLen(64).
			Comment("Project code, e.g. DA_1_10_12_40.").
			Annotations(entgql.OrderField("CODE")),
		field.String("title").
			NotEmpty().MaxLen(500).
			Annotations(entgql.OrderField("TITLE")),
		field.Text("summary").
			Optional(),
		field.Enum("status").
			Values("PROPOSED", "APPROVED", "ONGOING", "COMPLETED", "MAINSTREAMED", "PHASED_OUT").
			Annotations(entgql.OrderField("STATUS")),
		field.Time("start_date").
			Optional().Nillable().
			Annotations(entgql.OrderField("START_DATE")),
		field.Time("end_date").
			Optional().Nillable().
			Annotations(entgql.OrderField("END_DATE")),
		field.Float("budget").
			Optional().Nillable().Min(0).
			Comment("Budget in Swiss francs, where known.").
			Annotations(entgql.OrderField("BUDGET")),
		field.Strings("documents").
			Optional().
			Comment("CDIP document symbols (project document, progress reports, evaluations)."),
		field.Text("note").
			Optional().
			Comment("Provenance remarks, e.g. which facts could not be verified."),
		field.Bool("demo").
			Default(false).
			Comment("True when the record is invented demonstration data, not a fact from the programme's documents."),
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
		edge.To("topics", Topic.Type).Annotations(connection()),
		edge.To("activities", Activity.Type).
			StorageKey(edge.Column("project_id")).Annotations(connection()),
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
