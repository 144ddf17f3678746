package graph

import (
	"context"
	"fmt"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"sscgraph/ent"
	"sscgraph/internal/paging"
	"sscgraph/internal/participants"
)

// beneficiaryPage reads one page of an activity's beneficiaries through
// the root field's loader (see Loaders), which gathers the activities of a
// page into one statement.
func (r *Resolver) beneficiaryPage(ctx context.Context, a *ent.Activity, after *entgql.Cursor[int], first *int, before *entgql.Cursor[int], last *int) (*participants.Connection, error) {
	size, backward, err := paging.Spec{Field: "beneficiaries", Default: DefaultPageSize, Max: MaxPageSize}.Size(first, last)
	if err != nil {
		return nil, err
	}
	p := participants.Page{Activity: a.ID, Limit: size, Backward: backward, Count: selectsField(ctx, "totalCount")}
	if after != nil {
		p.After = after.ID
	}
	if before != nil {
		p.Before = before.ID
	}
	c, err := participants.LoaderFrom(ctx, r.client).Load(ctx, p, siblingActivities(ctx))
	if err != nil {
		return nil, fmt.Errorf("beneficiaries of activity %d: %w", a.ID, err)
	}
	// first and last together: the last of the first page, as Relay
	// reads them.
	if first != nil && last != nil {
		trimmed := *c
		trimmed.Edges, trimmed.PageInfo = paging.Last(c.Edges, c.PageInfo, *last, func(e *participants.Edge) *entgql.Cursor[int] { return &e.Cursor })
		c = &trimmed
	}
	return c, nil
}

// siblingActivities are the keys of the activities in the list that the
// activity being resolved is part of (a page of activities, a project's
// activities …), found in the results of the enclosing fields: the loader
// reads all their pages at once. Only the few levels between an activity
// and its list are looked at: the field itself, node, the edge, edges,
// the connection (the generated code keeps results on the field contexts
// of resolvers and methods, not of plain struct fields).
func siblingActivities(ctx context.Context) []int {
	fc := graphql.GetFieldContext(ctx)
	for level := 0; fc != nil && level < 6; level, fc = level+1, fc.Parent {
		var ids []int
		switch v := fc.Result.(type) {
		case *ent.ActivityConnection:
			if v == nil {
				continue
			}
			for _, e := range v.Edges {
				ids = append(ids, e.Node.ID)
			}
		case []*ent.ActivityEdge:
			for _, e := range v {
				ids = append(ids, e.Node.ID)
			}
		case []*ent.Activity:
			for _, a := range v {
				ids = append(ids, a.ID)
			}
		default:
			continue
		}
		return ids
	}
	return nil
}

// selectsField reports whether the field being resolved selects the named
// field of its result.
func selectsField(ctx context.Context, name string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return false
	}
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name == name {
			return true
		}
	}
	return false
}

// setBeneficiaries replaces an activity's beneficiary countries and their
// figures in the mutation's transaction.
func (r *Resolver) setBeneficiaries(ctx context.Context, id int, figures []*participants.Figure, total *int) (*ent.Activity, error) {
	if len(figures) > maxBulk {
		return nil, badInput(nil, "setActivityBeneficiaries takes at most %d countries, got %d", maxBulk, len(figures))
	}
	list := make([]participants.Figure, len(figures))
	for i, f := range figures {
		list[i] = *f
	}
	client := ent.FromContext(ctx)
	if err := participants.Set(ctx, client, id, list, total); err != nil {
		return nil, err
	}
	return client.Activity.Get(ctx, id)
}

// Loaders gives each root field of a query or mutation its own batch
// loaders (package participants): a loader caches what it read, so one
// per root field means a mutation's answer never shows what an earlier
// root field of the same operation read before it wrote, and nothing is
// served to another operation. Subscriptions get none: their root field
// lives as long as the subscription, and each event reads afresh.
type Loaders struct{ Client *ent.Client }

var _ interface {
	graphql.HandlerExtension
	graphql.RootFieldInterceptor
} = Loaders{}

// ExtensionName names the extension in gqlgen's list.
func (Loaders) ExtensionName() string { return "Loaders" }

// Validate accepts any schema.
func (Loaders) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptRootField puts fresh loaders in the root field's context.
func (l Loaders) InterceptRootField(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	if oc := graphql.GetOperationContext(ctx); oc != nil && oc.Operation != nil && oc.Operation.Operation == ast.Subscription {
		return next(ctx)
	}
	return next(participants.WithLoader(ctx, participants.NewLoader(l.Client)))
}
