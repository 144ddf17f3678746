package schema

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"entgo.io/ent"

	gen "sscgraph/ent"
	"sscgraph/ent/activity"
	"sscgraph/ent/apikey"
	"sscgraph/ent/consultant"
	"sscgraph/ent/country"
	"sscgraph/ent/match"
	"sscgraph/ent/matchneed"
	"sscgraph/ent/matchoffer"
	"sscgraph/ent/organization"
	"sscgraph/ent/privacy"
	"sscgraph/ent/project"
	"sscgraph/ent/recommendation"
	"sscgraph/ent/region"
	"sscgraph/ent/topic"
	"sscgraph/ent/webhook"
	"sscgraph/internal/audit"
)

// A delete's audit event records the row as it was, so that the trail
// alone tells what was removed: each field as {"old": value} (private
// ones redacted, as in other events), and each link to another row (the
// match's offer, need and proposer; a need's seeker...) as {"old": its
// ID}. Links to many rows (an activity's countries) are not recorded.

// deletedRow reads the row a delete is about to remove, with its links
// to single rows.
func deletedRow(ctx context.Context, m ent.Mutation, id int) (any, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	switch mm := m.(type) {
	case *gen.MatchMutation:
		return mm.Client().Match.Query().Where(match.ID(id)).WithOffer().WithNeed().WithProposedBy().Only(ctx)
	case *gen.MatchOfferMutation:
		return mm.Client().MatchOffer.Query().Where(matchoffer.ID(id)).WithProvider().Only(ctx)
	case *gen.MatchNeedMutation:
		return mm.Client().MatchNeed.Query().Where(matchneed.ID(id)).WithSeeker().WithCountry().Only(ctx)
	case *gen.ActivityMutation:
		return mm.Client().Activity.Query().Where(activity.ID(id)).WithProject().WithVenueCountry().Only(ctx)
	case *gen.APIKeyMutation:
		return mm.Client().APIKey.Query().Where(apikey.ID(id)).WithOrganization().Only(ctx)
	case *gen.ConsultantMutation:
		return mm.Client().Consultant.Query().Where(consultant.ID(id)).WithNationality().Only(ctx)
	case *gen.CountryMutation:
		return mm.Client().Country.Query().Where(country.ID(id)).WithRegion().Only(ctx)
	case *gen.OrganizationMutation:
		return mm.Client().Organization.Query().Where(organization.ID(id)).WithCountry().Only(ctx)
	case *gen.ProjectMutation:
		return mm.Client().Project.Query().Where(project.ID(id)).Only(ctx)
	case *gen.RecommendationMutation:
		return mm.Client().Recommendation.Query().Where(recommendation.ID(id)).Only(ctx)
	case *gen.RegionMutation:
		return mm.Client().Region.Query().Where(region.ID(id)).Only(ctx)
	case *gen.TopicMutation:
		return mm.Client().Topic.Query().Where(topic.ID(id)).Only(ctx)
	case *gen.WebhookMutation:
		return mm.Client().Webhook.Query().Where(webhook.ID(id)).WithOrganization().Only(ctx)
	}
	return nil, fmt.Errorf("audit: deletes of %s are not described (add it to deletedRow)", m.Type())
}

// deletedChanges describes the row a delete removes, for its audit event.
func deletedChanges(ctx context.Context, m ent.Mutation) (map[string]any, error) {
	changes := map[string]any{}
	id, ok := idOf(m, nil)
	if !ok {
		return changes, nil
	}
	row, err := deletedRow(ctx, m, id)
	if err != nil {
		if gen.IsNotFound(err) {
			return changes, nil // the delete answers not found itself
		}
		return nil, fmt.Errorf("reading the row to delete: %w", err)
	}
	v := reflect.Indirect(reflect.ValueOf(row))
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case !f.IsExported() || f.Name == "ID":
			continue
		case f.Name == "Edges":
			links(v.Field(i), changes)
			continue
		case name == "-" || name == "":
			// Sensitive fields (ent keeps them out of JSON) are private.
			name = strings.ToLower(f.Name[:1]) + f.Name[1:]
			changes[name] = map[string]any{"old": "[redacted]"}
			continue
		}
		if privateFields[name] {
			changes[camelCase(name)] = map[string]any{"old": "[redacted]"}
			continue
		}
		changes[camelCase(name)] = map[string]any{"old": plain(v.Field(i))}
	}
	return changes, nil
}

// links records an entity's loaded links to single rows by their IDs.
func links(edges reflect.Value, changes map[string]any) {
	for i := 0; i < edges.NumField(); i++ {
		f := edges.Type().Field(i)
		e := edges.Field(i)
		if !f.IsExported() || e.Kind() != reflect.Pointer || e.IsNil() {
			continue
		}
		id := e.Elem().FieldByName("ID")
		if !id.IsValid() || id.Kind() != reflect.Int {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		changes[camelCase(name)] = map[string]any{"old": audit.Key(int(id.Int()))}
	}
}

// plain is a field's value, nil for a nil pointer.
func plain(v reflect.Value) any {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	return v.Interface()
}
