package graph

import (
	"context"

	"sscgraph/ent"
	"sscgraph/internal/stats"
)

// The grouped statistics are computed by package stats; the resolvers
// only hand it the client. Their arguments were checked and priced before
// the operation ran (see Checks), like a connection's.

func (r *Resolver) activityStats(ctx context.Context, where *ent.ActivityWhereInput, groupBy []stats.ActivityDimension, orderBy *stats.StatsOrder, first *int) (*stats.ActivityStats, error) {
	return stats.Activities(ctx, r.client, where, groupBy, orderBy, first)
}

func (r *Resolver) projectStats(ctx context.Context, where *ent.ProjectWhereInput, groupBy []stats.ProjectDimension, orderBy *stats.StatsOrder, first *int) (*stats.ProjectStats, error) {
	return stats.Projects(ctx, r.client, where, groupBy, orderBy, first)
}

func (r *Resolver) offerStats(ctx context.Context, where *ent.MatchOfferWhereInput, groupBy []stats.MatchDimension, orderBy *stats.StatsOrder, first *int) (*stats.OfferStats, error) {
	return stats.Offers(ctx, r.client, where, groupBy, orderBy, first)
}

func (r *Resolver) needStats(ctx context.Context, where *ent.MatchNeedWhereInput, groupBy []stats.MatchDimension, orderBy *stats.StatsOrder, first *int) (*stats.NeedStats, error) {
	return stats.Needs(ctx, r.client, where, groupBy, orderBy, first)
}

func (r *Resolver) matchStats(ctx context.Context, where *ent.MatchWhereInput, groupBy []stats.MatchDimension, orderBy *stats.StatsOrder, first *int) (*stats.MatchStats, error) {
	return stats.Matches(ctx, r.client, where, groupBy, orderBy, first)
}

func (r *Resolver) consultantStats(ctx context.Context, where *ent.ConsultantWhereInput, groupBy []stats.ConsultantDimension, orderBy *stats.StatsOrder, first *int) (*stats.ConsultantStats, error) {
	return stats.Consultants(ctx, r.client, where, groupBy, orderBy, first)
}

func (r *Resolver) matchTiming(ctx context.Context, where *ent.MatchWhereInput) (*stats.MatchTiming, error) {
	return stats.MatchTimings(ctx, r.client, where)
}
