package stats

import (
	"context"
	"io"
	"strconv"

	"entgo.io/ent/dialect/sql"

	"sscgraph/ent"
	"sscgraph/ent/predicate"
	"sscgraph/ent/project"
	"sscgraph/ent/recommendation"
)

// ProjectDimension is a dimension projectStats groups by.
type ProjectDimension string

// The dimensions of projects.
const (
	ProjectDimensionStatus         ProjectDimension = "STATUS"
	ProjectDimensionCountry        ProjectDimension = "COUNTRY"
	ProjectDimensionRegion         ProjectDimension = "REGION"
	ProjectDimensionRecommendation ProjectDimension = "RECOMMENDATION"
	ProjectDimensionCluster        ProjectDimension = "CLUSTER"
	ProjectDimensionTopic          ProjectDimension = "TOPIC"
	ProjectDimensionStartYear      ProjectDimension = "START_YEAR"
)

// MarshalGQL writes the enum value.
func (d ProjectDimension) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(d))) }

// UnmarshalGQL reads the enum value.
func (d *ProjectDimension) UnmarshalGQL(v any) error {
	return unmarshalEnum(d, v, ProjectDimensionStatus, ProjectDimensionCountry, ProjectDimensionRegion,
		ProjectDimensionRecommendation, ProjectDimensionCluster, ProjectDimensionTopic, ProjectDimensionStartYear)
}

// ProjectBucket is one group of projects.
type ProjectBucket struct {
	Status         *project.Status
	Country        *ent.Country
	Region         *ent.Region
	Recommendation *ent.Recommendation
	Cluster        *recommendation.Cluster
	Topic          *ent.Topic
	StartYear      *int
	Counts
}

// ProjectStats is the answer of projectStats.
type ProjectStats struct {
	Total   *Counts
	Buckets []*ProjectBucket
}

// Join paths from projects. The link tables' primary keys are
// (project_id, country_id), (project_id, recommendation_id) and
// (project_id, topic_id) (Step.Unique).
var (
	projectCountryLink = Step{Alias: "cl", Table: project.CountriesTable, FromColumn: "id", Column: "project_id", ToMany: true, Unique: "country_id"}
	projectCountry     = Step{Alias: "pc", Table: "countries", From: "cl", FromColumn: "country_id", Column: "id"}
	projectRecLink     = Step{Alias: "rl", Table: project.RecommendationsTable, FromColumn: "id", Column: "project_id", ToMany: true, Unique: "recommendation_id"}
	projectRec         = Step{Alias: "pr", Table: recommendation.Table, From: "rl", FromColumn: "recommendation_id", Column: "id"}
	projectTopicLink   = Step{Alias: "tl", Table: project.TopicsTable, FromColumn: "id", Column: "project_id", ToMany: true, Unique: "topic_id"}
)

// projectStatistic describes projectStats.
var projectStatistic = &statistic[ProjectBucket]{
	field: "projectStats", statsType: "ProjectStats", bucketType: "ProjectBucket",
	table: project.Table,
	keys: map[string]key[ProjectBucket]{
		string(ProjectDimensionStatus): {Dim: Dim{Column: project.FieldStatus},
			field: "status", set: func(b *ProjectBucket, k Key) error { return setEnum(&b.Status, k, project.StatusValidator) }},
		string(ProjectDimensionCountry): {Dim: Dim{Path: []Step{projectCountryLink}, Column: "country_id"},
			field: "country", node: "Country", setNode: func(b *ProjectBucket, n any) { b.Country = n.(*ent.Country) }},
		string(ProjectDimensionRegion): {Dim: Dim{Path: []Step{projectCountryLink, projectCountry}, Column: "region_id"},
			field: "region", node: "Region", setNode: func(b *ProjectBucket, n any) { b.Region = n.(*ent.Region) }},
		string(ProjectDimensionRecommendation): {Dim: Dim{Path: []Step{projectRecLink}, Column: "recommendation_id"},
			field: "recommendation", node: "Recommendation", setNode: func(b *ProjectBucket, n any) { b.Recommendation = n.(*ent.Recommendation) }},
		string(ProjectDimensionCluster): {Dim: Dim{Path: []Step{projectRecLink, projectRec}, Column: recommendation.FieldCluster},
			field: "cluster", set: func(b *ProjectBucket, k Key) error {
				return setEnum(&b.Cluster, k, recommendation.ClusterValidator)
			}},
		string(ProjectDimensionTopic): {Dim: Dim{Path: []Step{projectTopicLink}, Column: "topic_id"},
			field: "topic", node: "Topic", setNode: func(b *ProjectBucket, n any) { b.Topic = n.(*ent.Topic) }},
		string(ProjectDimensionStartYear): {Dim: Dim{Column: project.FieldStartDate, Part: Year},
			field: "startYear", set: func(b *ProjectBucket, k Key) error { return setInt(&b.StartYear, k) }},
	},
	bucket: func(r *row) *ProjectBucket { return &ProjectBucket{Counts: Counts{Count: int(r.N)}} },
}

// Projects answers projectStats.
func Projects(ctx context.Context, client *ent.Client, where *ent.ProjectWhereInput, groupBy []ProjectDimension, orderBy *StatsOrder, first *int) (*ProjectStats, error) {
	var pred func() (predicate.Project, error)
	if where != nil {
		pred = where.P
	}
	res, err := answer(ctx, projectStatistic, client, pred, ent.ErrEmptyProjectWhereInput, groupBy, orderBy, first,
		func(ctx context.Context, mod func(*sql.Selector), rows *[]row) error {
			return client.Project.Query().Modify(mod).Scan(ctx, rows)
		})
	if err != nil {
		return nil, err
	}
	return &ProjectStats{Total: counts(res.total), Buckets: res.buckets}, nil
}
