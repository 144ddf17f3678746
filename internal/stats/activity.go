package stats

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"entgo.io/ent/dialect/sql"

	"sscgraph/ent"
	"sscgraph/ent/activity"
	"sscgraph/ent/predicate"
)

// ActivityDimension is a dimension activityStats groups by.
type ActivityDimension string

// The dimensions of activities.
const (
	ActivityDimensionRegion          ActivityDimension = "REGION"
	ActivityDimensionCountry         ActivityDimension = "COUNTRY"
	ActivityDimensionProviderCountry ActivityDimension = "PROVIDER_COUNTRY"
	ActivityDimensionTopic           ActivityDimension = "TOPIC"
	ActivityDimensionProject         ActivityDimension = "PROJECT"
	ActivityDimensionYear            ActivityDimension = "YEAR"
	ActivityDimensionMonth           ActivityDimension = "MONTH"
	ActivityDimensionKind            ActivityDimension = "KIND"
	ActivityDimensionType            ActivityDimension = "TYPE"
	ActivityDimensionStatus          ActivityDimension = "STATUS"
	ActivityDimensionLdc             ActivityDimension = "LDC"
)

// MarshalGQL writes the enum value.
func (d ActivityDimension) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(string(d)))
}

// UnmarshalGQL reads the enum value.
func (d *ActivityDimension) UnmarshalGQL(v any) error {
	return unmarshalEnum(d, v, ActivityDimensionRegion, ActivityDimensionCountry, ActivityDimensionProviderCountry,
		ActivityDimensionTopic, ActivityDimensionProject, ActivityDimensionYear, ActivityDimensionMonth,
		ActivityDimensionKind, ActivityDimensionType, ActivityDimensionStatus, ActivityDimensionLdc)
}

// ActivityMeasures are the measures of a set of activities.
//
// NULLs (issue 19: a source may give no number of participants, no date):
// Count counts every activity, known or not. Participants is the SUM of
// the participants that are known, NULL ones left out (never taken as 0
// people, never guessed), and ParticipantsKnown says how many activities
// that sum covers: Participants/ParticipantsKnown is the mean over the
// activities with a number, and Count-ParticipantsKnown the activities
// without one. Budget and BudgetKnown are the same for budgets. An
// approximate number ("around 60") is summed as given.
type ActivityMeasures struct {
	Count             int
	Participants      int
	ParticipantsKnown int
	Budget            *float64
	BudgetKnown       int
}

// ActivityBucket is one group of activities: its keys (only those of the
// dimensions grouped by are set) and its measures.
type ActivityBucket struct {
	Region          *ent.Region
	Country         *ent.Country
	ProviderCountry *ent.Country
	Topic           *ent.Topic
	Project         *ent.Project
	Year            *int
	Month           *int
	Kind            *activity.Kind
	Type            *activity.Type
	Status          *activity.Status
	Ldc             *bool
	ActivityMeasures
}

// ActivityStats is the answer of activityStats.
type ActivityStats struct {
	Total   *ActivityMeasures
	Buckets []*ActivityBucket
}

// Join paths from activities. Beneficiary and provider countries are
// joined under different aliases, so that grouping by both pairs each
// activity's beneficiaries with its providers. The link tables' primary
// keys are (activity_id, country_id) and (activity_id, topic_id): an
// activity names a country or topic once (Step.Unique).
var (
	beneficiaryLink = Step{Alias: "bl", Table: "activity_beneficiary_countries", FromColumn: "id", Column: "activity_id", ToMany: true, Unique: "country_id"}
	beneficiary     = Step{Alias: "bc", Table: "countries", From: "bl", FromColumn: "country_id", Column: "id"}
	providerLink    = Step{Alias: "pl", Table: "activity_provider_countries", FromColumn: "id", Column: "activity_id", ToMany: true, Unique: "country_id"}
	activityTopic   = Step{Alias: "tl", Table: "activity_topics", FromColumn: "id", Column: "activity_id", ToMany: true, Unique: "topic_id"}
)

// activityStatistic describes activityStats.
var activityStatistic = &statistic[ActivityBucket]{
	field: "activityStats", statsType: "ActivityStats", bucketType: "ActivityBucket",
	table:     activity.Table,
	sums:      []string{activity.FieldParticipants, activity.FieldBudget},
	sumFields: []string{"participants", "budget"},
	keys: map[string]key[ActivityBucket]{
		string(ActivityDimensionRegion): {Dim: Dim{Path: []Step{beneficiaryLink, beneficiary}, Column: "region_id"},
			field: "region", node: "Region", setNode: func(b *ActivityBucket, n any) { b.Region = n.(*ent.Region) }},
		string(ActivityDimensionCountry): {Dim: Dim{Path: []Step{beneficiaryLink}, Column: "country_id"},
			field: "country", node: "Country", setNode: func(b *ActivityBucket, n any) { b.Country = n.(*ent.Country) }},
		string(ActivityDimensionLdc): {Dim: Dim{Path: []Step{beneficiaryLink, beneficiary}, Column: "ldc"},
			field: "ldc", set: func(b *ActivityBucket, k Key) error { return setBool(&b.Ldc, k) }},
		string(ActivityDimensionProviderCountry): {Dim: Dim{Path: []Step{providerLink}, Column: "country_id"},
			field: "providerCountry", node: "Country", setNode: func(b *ActivityBucket, n any) { b.ProviderCountry = n.(*ent.Country) }},
		string(ActivityDimensionTopic): {Dim: Dim{Path: []Step{activityTopic}, Column: "topic_id"},
			field: "topic", node: "Topic", setNode: func(b *ActivityBucket, n any) { b.Topic = n.(*ent.Topic) }},
		string(ActivityDimensionProject): {Dim: Dim{Column: activity.FieldProjectID},
			field: "project", node: "Project", setNode: func(b *ActivityBucket, n any) { b.Project = n.(*ent.Project) }},
		// YEAR and MONTH are those of startDate. An activity without a
		// start date is in the bucket whose year (and month) is null; one
		// whose start is known only to the year is in its year's bucket
		// and, grouped by MONTH, in the null month's (see Dim.Precision).
		string(ActivityDimensionYear): {Dim: Dim{Column: activity.FieldStartDate, Part: Year, Precision: activity.FieldStartDatePrecision},
			field: "year", set: func(b *ActivityBucket, k Key) error { return setInt(&b.Year, k) }},
		string(ActivityDimensionMonth): {Dim: Dim{Column: activity.FieldStartDate, Part: Month, Precision: activity.FieldStartDatePrecision},
			field: "month", set: func(b *ActivityBucket, k Key) error { return setInt(&b.Month, k) }},
		string(ActivityDimensionKind): {Dim: Dim{Column: activity.FieldKind},
			field: "kind", set: func(b *ActivityBucket, k Key) error { return setEnum(&b.Kind, k, activity.KindValidator) }},
		string(ActivityDimensionType): {Dim: Dim{Column: activity.FieldType},
			field: "type", set: func(b *ActivityBucket, k Key) error { return setEnum(&b.Type, k, activity.TypeValidator) }},
		string(ActivityDimensionStatus): {Dim: Dim{Column: activity.FieldStatus},
			field: "status", set: func(b *ActivityBucket, k Key) error { return setEnum(&b.Status, k, activity.StatusValidator) }},
	},
	bucket: func(r *row) *ActivityBucket { return &ActivityBucket{ActivityMeasures: activityMeasures(r)} },
}

func activityMeasures(r *row) ActivityMeasures {
	m := ActivityMeasures{Count: int(r.N), Participants: int(r.S0.Float64), ParticipantsKnown: int(r.C0), BudgetKnown: int(r.C1)}
	if r.S1.Valid {
		m.Budget = &r.S1.Float64
	}
	return m
}

// Activities answers activityStats: the activities where selects (as the
// activities connection filters them), grouped by groupBy.
func Activities(ctx context.Context, client *ent.Client, where *ent.ActivityWhereInput, groupBy []ActivityDimension, orderBy *StatsOrder, first *int) (*ActivityStats, error) {
	var pred func() (predicate.Activity, error)
	if where != nil {
		pred = where.P
	}
	res, err := answer(ctx, activityStatistic, client, pred, ent.ErrEmptyActivityWhereInput, groupBy, orderBy, first,
		func(ctx context.Context, mod func(*sql.Selector), rows *[]row) error {
			return client.Activity.Query().Modify(mod).Scan(ctx, rows)
		})
	if err != nil {
		return nil, err
	}
	out := &ActivityStats{Buckets: res.buckets}
	if res.total != nil {
		m := activityMeasures(res.total)
		out.Total = &m
	}
	return out, nil
}

func setInt(dst **int, k Key) error {
	n, err := k.Int()
	if err != nil {
		return err
	}
	*dst = &n
	return nil
}

func setBool(dst **bool, k Key) error {
	b, err := k.Bool()
	if err != nil {
		return err
	}
	*dst = &b
	return nil
}

// setEnum stores an enum key after checking it is one of the enum's
// values: a value the schema does not know must fail here, not produce an
// answer the GraphQL layer cannot write.
func setEnum[T ~string](dst **T, k Key, valid func(T) error) error {
	v := T(k.String())
	if err := valid(v); err != nil {
		return fmt.Errorf("checking enum key: %w", err)
	}
	*dst = &v
	return nil
}
