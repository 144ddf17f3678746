package stats

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"entgo.io/ent/dialect/sql"

	"sscgraph/ent"
	"sscgraph/ent/match"
	"sscgraph/ent/matchneed"
	"sscgraph/ent/matchoffer"
	"sscgraph/ent/predicate"
	"sscgraph/ent/schema/schematype"
)

// MatchDimension is a dimension offerStats, needStats and matchStats
// group by; each statistic takes those that apply to it.
type MatchDimension string

// The dimensions of the Match platform.
const (
	MatchDimensionStatus      MatchDimension = "STATUS"
	MatchDimensionKind        MatchDimension = "KIND"
	MatchDimensionTopic       MatchDimension = "TOPIC"
	MatchDimensionRegion      MatchDimension = "REGION"
	MatchDimensionCountry     MatchDimension = "COUNTRY"
	MatchDimensionYear        MatchDimension = "YEAR"
	MatchDimensionMonth       MatchDimension = "MONTH"
	MatchDimensionCooperation MatchDimension = "COOPERATION"
)

// MarshalGQL writes the enum value.
func (d MatchDimension) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(string(d)))
}

// UnmarshalGQL reads the enum value.
func (d *MatchDimension) UnmarshalGQL(v any) error {
	return unmarshalEnum(d, v, MatchDimensionStatus, MatchDimensionKind, MatchDimensionTopic, MatchDimensionRegion,
		MatchDimensionCountry, MatchDimensionYear, MatchDimensionMonth, MatchDimensionCooperation)
}

// OfferBucket is one group of offers.
type OfferBucket struct {
	Status  *matchoffer.Status
	Kind    *schematype.MatchKind
	Topic   *ent.Topic
	Region  *ent.Region
	Country *ent.Country
	Year    *int
	Month   *int
	Counts
}

// OfferStats is the answer of offerStats.
type OfferStats struct {
	Total   *Counts
	Buckets []*OfferBucket
}

// NeedBucket is one group of needs.
type NeedBucket struct {
	Status  *matchneed.Status
	Kind    *schematype.MatchKind
	Topic   *ent.Topic
	Region  *ent.Region
	Country *ent.Country
	Year    *int
	Month   *int
	Counts
}

// NeedStats is the answer of needStats.
type NeedStats struct {
	Total   *Counts
	Buckets []*NeedBucket
}

// MatchBucket is one group of matches.
type MatchBucket struct {
	Status      *match.Status
	Kind        *schematype.MatchKind
	Region      *ent.Region
	Country     *ent.Country
	Year        *int
	Month       *int
	Cooperation *match.Cooperation
	Counts
}

// MatchStats is the answer of matchStats.
type MatchStats struct {
	Total   *Counts
	Buckets []*MatchBucket
}

// offerStatusKey is an offer's status as everyone reads it: OPEN past its
// expiresAt is EXPIRED (lifecycle.Effective), decided when the statement
// is built, as the status filters are (lifecycle.OfferStatusEQ).
func offerStatusKey(c func(string) string) sql.Querier {
	now := time.Now()
	// Qualified now: the builder writes the expression later, when the
	// inner statement has become the aliased subquery.
	status, expires := c(matchoffer.FieldStatus), c(matchoffer.FieldExpiresAt)
	return sql.ExprFunc(func(b *sql.Builder) {
		b.WriteString(fmt.Sprintf("CASE WHEN %s = '%s' AND %s <= ", status, matchoffer.StatusOPEN, expires))
		b.Arg(now)
		b.WriteString(fmt.Sprintf(" THEN '%s' ELSE %s END", matchoffer.StatusEXPIRED, status))
	})
}

// Join paths of the Match platform. The topic links' primary keys are
// (match_offer_id, topic_id) and (match_need_id, topic_id) (Step.Unique).
var (
	offerProvider    = Step{Alias: "po", Table: "organizations", FromColumn: matchoffer.ProviderColumn, Column: "id"}
	offerCountry     = Step{Alias: "oc", Table: "countries", From: "po", FromColumn: "country_id", Column: "id"}
	offerTopicLink   = Step{Alias: "tl", Table: matchoffer.TopicsTable, FromColumn: "id", Column: "match_offer_id", ToMany: true, Unique: "topic_id"}
	needCountry      = Step{Alias: "nc", Table: "countries", FromColumn: matchneed.CountryColumn, Column: "id"}
	needTopicLink    = Step{Alias: "tl", Table: matchneed.TopicsTable, FromColumn: "id", Column: "match_need_id", ToMany: true, Unique: "topic_id"}
	matchNeed        = Step{Alias: "mn", Table: matchneed.Table, FromColumn: match.NeedColumn, Column: "id"}
	matchNeedCountry = Step{Alias: "nc", Table: "countries", From: "mn", FromColumn: matchneed.CountryColumn, Column: "id"}
	matchOffer       = Step{Alias: "mo", Table: matchoffer.Table, FromColumn: match.OfferColumn, Column: "id"}
)

var offerStatistic = &statistic[OfferBucket]{
	field: "offerStats", statsType: "OfferStats", bucketType: "OfferBucket",
	table: matchoffer.Table,
	keys: map[string]key[OfferBucket]{
		string(MatchDimensionStatus): {Dim: Dim{Expr: offerStatusKey},
			field: "status", set: func(b *OfferBucket, k Key) error { return setEnum(&b.Status, k, matchoffer.StatusValidator) }},
		string(MatchDimensionKind): {Dim: Dim{Column: matchoffer.FieldKind},
			field: "kind", set: func(b *OfferBucket, k Key) error { return setEnum(&b.Kind, k, matchoffer.KindValidator) }},
		string(MatchDimensionTopic): {Dim: Dim{Path: []Step{offerTopicLink}, Column: "topic_id"},
			field: "topic", node: "Topic", setNode: func(b *OfferBucket, n any) { b.Topic = n.(*ent.Topic) }},
		string(MatchDimensionCountry): {Dim: Dim{Path: []Step{offerProvider}, Column: "country_id"},
			field: "country", node: "Country", setNode: func(b *OfferBucket, n any) { b.Country = n.(*ent.Country) }},
		string(MatchDimensionRegion): {Dim: Dim{Path: []Step{offerProvider, offerCountry}, Column: "region_id"},
			field: "region", node: "Region", setNode: func(b *OfferBucket, n any) { b.Region = n.(*ent.Region) }},
		string(MatchDimensionYear): {Dim: Dim{Column: matchoffer.FieldPostedAt, Part: Year},
			field: "year", set: func(b *OfferBucket, k Key) error { return setInt(&b.Year, k) }},
		string(MatchDimensionMonth): {Dim: Dim{Column: matchoffer.FieldPostedAt, Part: Month},
			field: "month", set: func(b *OfferBucket, k Key) error { return setInt(&b.Month, k) }},
	},
	bucket: func(r *row) *OfferBucket { return &OfferBucket{Counts: Counts{Count: int(r.N)}} },
}

var needStatistic = &statistic[NeedBucket]{
	field: "needStats", statsType: "NeedStats", bucketType: "NeedBucket",
	table: matchneed.Table,
	keys: map[string]key[NeedBucket]{
		string(MatchDimensionStatus): {Dim: Dim{Column: matchneed.FieldStatus},
			field: "status", set: func(b *NeedBucket, k Key) error { return setEnum(&b.Status, k, matchneed.StatusValidator) }},
		string(MatchDimensionKind): {Dim: Dim{Column: matchneed.FieldKind},
			field: "kind", set: func(b *NeedBucket, k Key) error { return setEnum(&b.Kind, k, matchneed.KindValidator) }},
		string(MatchDimensionTopic): {Dim: Dim{Path: []Step{needTopicLink}, Column: "topic_id"},
			field: "topic", node: "Topic", setNode: func(b *NeedBucket, n any) { b.Topic = n.(*ent.Topic) }},
		string(MatchDimensionCountry): {Dim: Dim{Column: matchneed.CountryColumn},
			field: "country", node: "Country", setNode: func(b *NeedBucket, n any) { b.Country = n.(*ent.Country) }},
		string(MatchDimensionRegion): {Dim: Dim{Path: []Step{needCountry}, Column: "region_id"},
			field: "region", node: "Region", setNode: func(b *NeedBucket, n any) { b.Region = n.(*ent.Region) }},
		string(MatchDimensionYear): {Dim: Dim{Column: matchneed.FieldPostedAt, Part: Year},
			field: "year", set: func(b *NeedBucket, k Key) error { return setInt(&b.Year, k) }},
		string(MatchDimensionMonth): {Dim: Dim{Column: matchneed.FieldPostedAt, Part: Month},
			field: "month", set: func(b *NeedBucket, k Key) error { return setInt(&b.Month, k) }},
	},
	bucket: func(r *row) *NeedBucket { return &NeedBucket{Counts: Counts{Count: int(r.N)}} },
}

var matchStatistic = &statistic[MatchBucket]{
	field: "matchStats", statsType: "MatchStats", bucketType: "MatchBucket",
	table: match.Table,
	keys: map[string]key[MatchBucket]{
		string(MatchDimensionStatus): {Dim: Dim{Column: match.FieldStatus},
			field: "status", set: func(b *MatchBucket, k Key) error { return setEnum(&b.Status, k, match.StatusValidator) }},
		string(MatchDimensionCooperation): {Dim: Dim{Column: match.FieldCooperation},
			field: "cooperation", set: func(b *MatchBucket, k Key) error {
				return setEnum(&b.Cooperation, k, match.CooperationValidator)
			}},
		string(MatchDimensionKind): {Dim: Dim{Path: []Step{matchOffer}, Column: matchoffer.FieldKind},
			field: "kind", set: func(b *MatchBucket, k Key) error { return setEnum(&b.Kind, k, matchoffer.KindValidator) }},
		string(MatchDimensionCountry): {Dim: Dim{Path: []Step{matchNeed}, Column: matchneed.CountryColumn},
			field: "country", node: "Country", setNode: func(b *MatchBucket, n any) { b.Country = n.(*ent.Country) }},
		string(MatchDimensionRegion): {Dim: Dim{Path: []Step{matchNeed, matchNeedCountry}, Column: "region_id"},
			field: "region", node: "Region", setNode: func(b *MatchBucket, n any) { b.Region = n.(*ent.Region) }},
		string(MatchDimensionYear): {Dim: Dim{Column: match.FieldCreatedAt, Part: Year},
			field: "year", set: func(b *MatchBucket, k Key) error { return setInt(&b.Year, k) }},
		string(MatchDimensionMonth): {Dim: Dim{Column: match.FieldCreatedAt, Part: Month},
			field: "month", set: func(b *MatchBucket, k Key) error { return setInt(&b.Month, k) }},
	},
	bucket: func(r *row) *MatchBucket { return &MatchBucket{Counts: Counts{Count: int(r.N)}} },
}

// Offers answers offerStats.
func Offers(ctx context.Context, client *ent.Client, where *ent.MatchOfferWhereInput, groupBy []MatchDimension, orderBy *StatsOrder, first *int) (*OfferStats, error) {
	var pred func() (predicate.MatchOffer, error)
	if where != nil {
		pred = where.P
	}
	res, err := answer(ctx, offerStatistic, client, pred, ent.ErrEmptyMatchOfferWhereInput, groupBy, orderBy, first,
		func(ctx context.Context, mod func(*sql.Selector), rows *[]row) error {
			return client.MatchOffer.Query().Modify(mod).Scan(ctx, rows)
		})
	if err != nil {
		return nil, err
	}
	return &OfferStats{Total: counts(res.total), Buckets: res.buckets}, nil
}

// Needs answers needStats.
func Needs(ctx context.Context, client *ent.Client, where *ent.MatchNeedWhereInput, groupBy []MatchDimension, orderBy *StatsOrder, first *int) (*NeedStats, error) {
	var pred func() (predicate.MatchNeed, error)
	if where != nil {
		pred = where.P
	}
	res, err := answer(ctx, needStatistic, client, pred, ent.ErrEmptyMatchNeedWhereInput, groupBy, orderBy, first,
		func(ctx context.Context, mod func(*sql.Selector), rows *[]row) error {
			return client.MatchNeed.Query().Modify(mod).Scan(ctx, rows)
		})
	if err != nil {
		return nil, err
	}
	return &NeedStats{Total: counts(res.total), Buckets: res.buckets}, nil
}

// Matches answers matchStats.
func Matches(ctx context.Context, client *ent.Client, where *ent.MatchWhereInput, groupBy []MatchDimension, orderBy *StatsOrder, first *int) (*MatchStats, error) {
	var pred func() (predicate.Match, error)
	if where != nil {
		pred = where.P
	}
	res, err := answer(ctx, matchStatistic, client, pred, ent.ErrEmptyMatchWhereInput, groupBy, orderBy, first,
		func(ctx context.Context, mod func(*sql.Selector), rows *[]row) error {
			return client.Match.Query().Modify(mod).Scan(ctx, rows)
		})
	if err != nil {
		return nil, err
	}
	return &MatchStats{Total: counts(res.total), Buckets: res.buckets}, nil
}

// counts is the total of a statistic that only counts; nil when the
// total was not asked for.
func counts(r *row) *Counts {
	if r == nil {
		return nil
	}
	return &Counts{Count: int(r.N)}
}
