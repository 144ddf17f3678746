package schema

import (
	"regexp"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"sscgraph/ent/hook"
	"sscgraph/internal/validate"
)

// numericCode is the form of an ISO 3166-1 numeric code: three digits, with
// the leading zeros ISO writes (Andorra is 020, not 20), so that it matches
// the keys of map data such as Natural Earth's world-atlas.
var numericCode = regexp.MustCompile(`^[0-9]{3}$`)

// Country is an ISO 3166-1 country or territory.
type Country struct{ ent.Schema }

// Fields of the Country.
func (Country) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").
			Unique().MinLen(2).MaxLen(2).
			Comment("ISO 3166-1 alpha-2 code.").
			Annotations(entgql.OrderField("CODE")),
		field.String("iso3").
			Unique().MinLen(3).MaxLen(3).
			Comment("ISO 3166-1 alpha-3 code.").
			Annotations(entgql.OrderField("ISO3")),
		field.String("numeric_code").
			Optional().Nillable().Unique().MaxLen(3).Match(numericCode).
			Comment("ISO 3166-1 numeric code (3 digits, e.g. 818), as Debian iso-codes gives it; maps use it to join Natural Earth shapes."),
		field.String("name").
			Validate(validate.NotBlank).Validate(validate.MaxRunes(200)).MaxRuneLen(200).
			Comment("Short English name (ISO 3166-1 common name where one exists). At most 200 characters.").
			// GraphQL serves name(lang:) instead (graph/schema/languages.graphqls);
			// filters and ordering stay on the English name.
			Annotations(entgql.OrderField("NAME"), entgql.Skip(entgql.SkipType)),
		// The name in the other five UN languages, from the translations
		// of Debian's iso-codes (the English name's source).
		localName("name_ar", "Arabic"),
		localName("name_es", "Spanish"),
		localName("name_fr", "French"),
		localName("name_ru", "Russian"),
		localName("name_zh", "Chinese"),
		field.String("official_name").
			Optional().Validate(validate.MaxRunes(300)).MaxRuneLen(300).
			Comment("Official English name, where ISO 3166-1 gives one. At most 300 characters."),
		field.Bool("ldc").
			Default(false).
			Comment("On the UN list of least developed countries.").
			Annotations(entgql.OrderField("LDC")),
		field.Bool("sovereign").
			Default(true).
			Comment("False for dependent territories and uninhabited areas."),
		field.Float("latitude").
			Range(-90, 90).
			Comment("Latitude of the centroid, for maps.").
			Annotations(entgql.OrderField("LATITUDE")),
		field.Float("longitude").
			Range(-180, 180).
			Comment("Longitude of the centroid, for maps.").
			Annotations(entgql.OrderField("LONGITUDE")),
		field.Text("note").
			Validate(validate.MaxRunes(validate.MaxLongText)).
			Optional().
			Comment("Provenance remarks, e.g. where the bureau assignment is sscgraph's own judgement. At most 20,000 characters."),
	}
}

// localName is the country's short name in one of the UN languages other
// than English; GraphQL serves them through name(lang:) and names.
func localName(column, language string) ent.Field {
	return field.String(column).
		Optional().MaxLen(200).
		Comment("Short name in " + language + ", from iso-codes' translations; empty where it has none.").
		Annotations(entgql.Skip(entgql.SkipAll))
}

// Edges of the Country.
func (Country) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("region", Region.Type).
			Ref("countries").Unique().Required().
			Comment("The regional bureau responsible for the country."),
		edge.From("projects", Project.Type).
			Ref("countries").
			Comment("DA projects the country benefits from.").
			Annotations(connection()),
		edge.From("activities", Activity.Type).
			Ref("beneficiary_countries").
			Comment("Activities the country benefits from.").
			Annotations(connection()),
		edge.From("provided_activities", Activity.Type).
			Ref("provider_countries").
			Comment("South-South and triangular activities the country provides.").
			Annotations(connection()),
		edge.To("hosted_activities", Activity.Type).
			Comment("Activities held in the country.").
			Annotations(connection()),
		edge.To("consultants", Consultant.Type).
			StorageKey(edge.Column("nationality_id")).
			Comment("Consultants of this nationality.").
			Annotations(connection()),
		edge.To("organizations", Organization.Type).
			StorageKey(edge.Column("country_id")).
			Comment("Organizations based in the country.").
			Annotations(connection()),
		edge.To("needs", MatchNeed.Type).
			Comment("Match needs posted for the country.").
			Annotations(connection()),
		edge.From("targeting_offers", MatchOffer.Type).
			Ref("target_countries").
			Comment("Match offers that target the country.").
			Annotations(connection()),
	}
}

// Indexes of the Country.
func (Country) Indexes() []ent.Index {
	return []ent.Index{
		index.Edges("region"),
		index.Fields("name"),
	}
}

// Annotations of the Country.
func (Country) Annotations() []schema.Annotation {
	return graphAnnotations("A country or territory of ISO 3166-1, with its regional bureau, LDC status and centroid.")
}

// Policy of the Country: who may change it (see policy.go).
func (Country) Policy() ent.Policy { return programmePolicy() }

// Hooks of the Country: its value rules (see rules.go).
func (Country) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(audited("Country"), auditedWrites), hook.On(edgesExist, writes), hook.On(countryRules, writes), countryDeletes()}
}
