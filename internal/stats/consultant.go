package stats

import (
	"context"
	"io"
	"strconv"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"sscgraph/ent"
	"sscgraph/ent/consultant"
	"sscgraph/ent/predicate"
)

// ConsultantDimension is a dimension consultantStats groups by. Only
// public fields are dimensions: nothing is derived from a consultant's
// e-mail address, which only EDITOR and ADMIN keys may read.
type ConsultantDimension string

// The dimensions of the roster.
const (
	ConsultantDimensionNationality  ConsultantDimension = "NATIONALITY"
	ConsultantDimensionRegion       ConsultantDimension = "REGION"
	ConsultantDimensionExpertise    ConsultantDimension = "EXPERTISE"
	ConsultantDimensionLanguage     ConsultantDimension = "LANGUAGE"
	ConsultantDimensionAvailability ConsultantDimension = "AVAILABILITY"
)

// MarshalGQL writes the enum value.
func (d ConsultantDimension) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(string(d)))
}

// UnmarshalGQL reads the enum value.
func (d *ConsultantDimension) UnmarshalGQL(v any) error {
	return unmarshalEnum(d, v, ConsultantDimensionNationality, ConsultantDimensionRegion, ConsultantDimensionExpertise,
		ConsultantDimensionLanguage, ConsultantDimensionAvailability)
}

// ConsultantBucket is one group of consultants.
type ConsultantBucket struct {
	Nationality *ent.Country
	Region      *ent.Region
	Expertise   *ent.Topic
	Language    *string
	Available   *bool
	Counts
}

// ConsultantStats is the answer of consultantStats.
type ConsultantStats struct {
	Total   *Counts
	Buckets []*ConsultantBucket
}

// consultantLanguages is the derived table of (consultant, language)
// pairs: languages is a JSON array, unnested by each database's own table
// function.
func consultantLanguages(b *sql.DialectBuilder) *sql.Selector {
	v := b.Select().From(b.Table(consultant.Table))
	// SQLite's json_each answers a value column; PostgreSQL's function is
	// given one by the column list (SQLite takes none).
	elements := "json_each(" + v.C(consultant.FieldLanguages) + ") AS lang"
	if v.Dialect() == dialect.Postgres {
		elements = "jsonb_array_elements_text(" + v.C(consultant.FieldLanguages) + ") AS lang(value)"
	}
	v.AppendFromExpr(sql.Expr(elements))
	v.AppendSelectAs(v.C("id"), "consultant_id")
	v.AppendSelectExprAs(sql.Expr("lang.value"), "language")
	return v
}

// Join paths from consultants. The expertise link's primary key is
// (consultant_id, topic_id) (Step.Unique); a languages array may name a
// language twice, so its elements are not unique and LANGUAGE keeps the
// DISTINCT.
var (
	consultantCountry   = Step{Alias: "nc", Table: "countries", FromColumn: consultant.NationalityColumn, Column: "id"}
	consultantTopicLink = Step{Alias: "tl", Table: consultant.ExpertiseTable, FromColumn: "id", Column: "consultant_id", ToMany: true, Unique: "topic_id"}
	consultantLanguage  = Step{Alias: "cl", View: consultantLanguages, FromColumn: "id", Column: "consultant_id", ToMany: true}
)

var consultantStatistic = &statistic[ConsultantBucket]{
	field: "consultantStats", statsType: "ConsultantStats", bucketType: "ConsultantBucket",
	table: consultant.Table,
	keys: map[string]key[ConsultantBucket]{
		string(ConsultantDimensionNationality): {Dim: Dim{Column: consultant.NationalityColumn},
			field: "nationality", node: "Country", setNode: func(b *ConsultantBucket, n any) { b.Nationality = n.(*ent.Country) }},
		string(ConsultantDimensionRegion): {Dim: Dim{Path: []Step{consultantCountry}, Column: "region_id"},
			field: "region", node: "Region", setNode: func(b *ConsultantBucket, n any) { b.Region = n.(*ent.Region) }},
		string(ConsultantDimensionExpertise): {Dim: Dim{Path: []Step{consultantTopicLink}, Column: "topic_id"},
			field: "expertise", node: "Topic", setNode: func(b *ConsultantBucket, n any) { b.Expertise = n.(*ent.Topic) }},
		string(ConsultantDimensionLanguage): {Dim: Dim{Path: []Step{consultantLanguage}, Column: "language"},
			field: "language", set: func(b *ConsultantBucket, k Key) error { s := k.String(); b.Language = &s; return nil }},
		string(ConsultantDimensionAvailability): {Dim: Dim{Column: consultant.FieldAvailable},
			field: "available", set: func(b *ConsultantBucket, k Key) error { return setBool(&b.Available, k) }},
	},
	bucket: func(r *row) *ConsultantBucket { return &ConsultantBucket{Counts: Counts{Count: int(r.N)}} },
}

// Consultants answers consultantStats.
func Consultants(ctx context.Context, client *ent.Client, where *ent.ConsultantWhereInput, groupBy []ConsultantDimension, orderBy *StatsOrder, first *int) (*ConsultantStats, error) {
	var pred func() (predicate.Consultant, error)
	if where != nil {
		pred = where.P
	}
	res, err := answer(ctx, consultantStatistic, client, pred, ent.ErrEmptyConsultantWhereInput, groupBy, orderBy, first,
		func(ctx context.Context, mod func(*sql.Selector), rows *[]row) error {
			return client.Consultant.Query().Modify(mod).Scan(ctx, rows)
		})
	if err != nil {
		return nil, err
	}
	return &ConsultantStats{Total: counts(res.total), Buckets: res.buckets}, nil
}
