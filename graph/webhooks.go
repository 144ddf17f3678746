package graph

import (
	"context"
	"fmt"
	"net"
	"slices"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"sscgraph/ent"
	"sscgraph/ent/privacy"
	"sscgraph/ent/webhook"
	"sscgraph/ent/webhookdelivery"
	"sscgraph/graph/generated"
	"sscgraph/internal/apierr"
	"sscgraph/internal/viewer"
	"sscgraph/internal/webhookevent"
	"sscgraph/internal/webhooks"
)

// Webhooks (graph/schema/webhooks.graphqls): who may register, read and
// change an organization's endpoints is decided here, by the key's role
// and organization; the rows are then read and written as sscgraph's own
// business (their ent policy lets no key through directly).

// WebhookOptions is what the webhook mutations need of the server.
type WebhookOptions struct {
	// AllowPrivate lets endpoints name loopback, private and link-local
	// addresses (serve --webhook-allow-private; tests).
	AllowPrivate bool
	// Sealer encrypts the signing secrets for storage; without one,
	// createWebhook is refused.
	Sealer *webhooks.Sealer
	// Resolver resolves endpoint names at registration; nil is the
	// system's.
	Resolver *net.Resolver
}

// maxWebhooks bounds an organization's endpoints: each event is written
// once per endpoint, in the transaction of the change.
const maxWebhooks = 20

// NewSchemaWithWebhooks is NewSchema with the webhook mutations
// configured.
func NewSchemaWithWebhooks(client *ent.Client, opts WebhookOptions) graphql.ExecutableSchema {
	return generated.NewExecutableSchema(generated.Config{
		Resolvers: &Resolver{client: client, webhooks: opts},
	})
}

// asSystem is ctx allowed past the webhook tables' policy, once the
// caller's rights were checked here.
func asSystem(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// webhookOrg is the organization a caller registers or lists webhooks
// for: a MEMBER key's own, never another; the one given for EDITOR and
// ADMIN keys (0 when none is given and required is false).
func webhookOrg(ctx context.Context, given *int, required bool) (int, error) {
	v := viewer.From(ctx)
	switch {
	case v.Anonymous():
		return 0, apierr.New(apierr.Unauthenticated, "webhooks need an API key: send Authorization: Bearer <key>")
	case v.Role == viewer.RoleMember:
		if v.OrganizationID == 0 {
			return 0, apierr.New(apierr.Forbidden, "this MEMBER key acts for no organization")
		}
		if given != nil && *given != v.OrganizationID {
			return 0, apierr.New(apierr.Forbidden, "organization: a MEMBER key manages the webhooks of its own organization only").With("field", "organization")
		}
		return v.OrganizationID, nil
	case v.Role == viewer.RoleEditor || v.Role == viewer.RoleAdmin:
		if given == nil {
			if required {
				return 0, apierr.BadInput("organization: required for EDITOR and ADMIN keys, which act for no organization of their own").With("field", "organization")
			}
			return 0, nil
		}
		return *given, nil
	}
	return 0, apierr.New(apierr.Forbidden, "the API key's role may not manage webhooks")
}

// ownWebhook reads webhook id for a caller that may manage it: its
// organization's MEMBER keys, EDITOR and ADMIN keys.
func ownWebhook(ctx context.Context, client *ent.Client, id int) (*ent.Webhook, error) {
	if _, err := webhookOrg(ctx, nil, false); err != nil {
		return nil, err
	}
	h, err := client.Webhook.Get(asSystem(ctx), id)
	if err != nil {
		return nil, notFoundAs(err, "id", "Webhook")
	}
	if v := viewer.From(ctx); v.Role == viewer.RoleMember && h.OrganizationID != v.OrganizationID {
		return nil, apierr.New(apierr.Forbidden, "the webhook is another organization's: a MEMBER key manages the webhooks of its own organization only")
	}
	return h, nil
}

func (r *Resolver) createWebhook(ctx context.Context, rawURL string, events []webhookevent.Event, organization *int) (*webhooks.CreatePayload, error) {
	org, err := webhookOrg(ctx, organization, true)
	if err != nil {
		return nil, err
	}
	if r.webhooks.Sealer == nil {
		return nil, fmt.Errorf("webhooks: the server has no sealer for signing secrets")
	}
	client := txClient(ctx)
	sctx := asSystem(ctx)
	if _, err := client.Organization.Get(sctx, org); err != nil {
		return nil, notFoundAs(err, "organization", "Organization")
	}
	if len(events) == 0 {
		return nil, apierr.BadInput("events: give at least one event").With("field", "events")
	}
	events = slices.Clone(events)
	slices.Sort(events)
	events = slices.Compact(events)
	u, err := webhooks.CheckURL(ctx, rawURL, r.webhooks.AllowPrivate, r.webhooks.Resolver)
	if err != nil {
		return nil, apierr.BadInput("url: %v", err).With("field", "url")
	}
	n, err := client.Webhook.Query().Where(webhook.OrganizationID(org)).Count(sctx)
	if err != nil {
		return nil, fmt.Errorf("counting the organization's webhooks: %w", err)
	}
	if n >= maxWebhooks {
		return nil, apierr.BadInput("the organization has %d webhooks, the most it may have: delete one first", n)
	}
	secret := webhooks.NewSecret()
	h, err := client.Webhook.Create().
		SetOrganizationID(org).SetURL(u.String()).SetEvents(events).
		SetSecret(r.webhooks.Sealer.Seal(secret)).
		SetCreatedAt(time.Now().UTC()).
		Save(sctx)
	if err != nil {
		return nil, fmt.Errorf("registering the webhook: %w", err)
	}
	return &webhooks.CreatePayload{Webhook: h, Secret: secret}, nil
}

func (r *Resolver) deleteWebhook(ctx context.Context, id int) (int, error) {
	client := txClient(ctx)
	if _, err := ownWebhook(ctx, client, id); err != nil {
		return 0, err
	}
	sctx := asSystem(ctx)
	if _, err := client.WebhookDelivery.Delete().Where(webhookdelivery.WebhookID(id)).Exec(sctx); err != nil {
		return 0, fmt.Errorf("deleting the webhook's deliveries: %w", err)
	}
	if err := client.Webhook.DeleteOneID(id).Exec(sctx); err != nil {
		return 0, fmt.Errorf("deleting the webhook: %w", err)
	}
	return id, nil
}

func (r *Resolver) resumeWebhook(ctx context.Context, id int) (*ent.Webhook, error) {
	client := txClient(ctx)
	if _, err := ownWebhook(ctx, client, id); err != nil {
		return nil, err
	}
	sctx := asSystem(ctx)
	now := time.Now().UTC()
	h, err := client.Webhook.UpdateOneID(id).
		ClearPausedAt().ClearPausedReason().SetConsecutiveFailures(0).ClearFailingSince().
		Save(sctx)
	if err != nil {
		return nil, fmt.Errorf("resuming the webhook: %w", err)
	}
	// What waited while it was paused is due at once.
	if _, err := client.WebhookDelivery.Update().
		Where(webhookdelivery.WebhookID(id), webhookdelivery.StatusEQ(webhookevent.Pending)).
		SetNextAttemptAt(now).ClearLockedUntil().
		Save(sctx); err != nil {
		return nil, fmt.Errorf("rescheduling the webhook's deliveries: %w", err)
	}
	return h, nil
}

func (r *Resolver) listWebhooks(ctx context.Context, organization *int) ([]*ent.Webhook, error) {
	org, err := webhookOrg(ctx, organization, false)
	if err != nil {
		return nil, err
	}
	q := r.client.Webhook.Query().Order(ent.Asc(webhook.FieldID))
	if org != 0 {
		q.Where(webhook.OrganizationID(org))
	}
	return q.All(asSystem(ctx))
}

// maxDeliveriesPage is the largest page of webhookDeliveries.
const maxDeliveriesPage = 100

func (r *Resolver) webhookDeliveries(ctx context.Context, id int, first *int, after *ent.Cursor) (*webhooks.DeliveryConnection, error) {
	if _, err := ownWebhook(ctx, r.client, id); err != nil {
		return nil, err
	}
	n := 20
	if first != nil {
		n = *first
	}
	if n < 0 || n > maxDeliveriesPage {
		return nil, apierr.BadInput("first: must be between 0 and %d, got %d", maxDeliveriesPage, n).With("field", "first")
	}
	sctx := asSystem(ctx)
	q := r.client.WebhookDelivery.Query().Where(webhookdelivery.WebhookID(id))
	total, err := q.Clone().Count(sctx)
	if err != nil {
		return nil, fmt.Errorf("counting the webhook's deliveries: %w", err)
	}
	if after != nil {
		q.Where(webhookdelivery.IDLT(after.ID))
	}
	rows, err := q.Order(ent.Desc(webhookdelivery.FieldID)).Limit(n + 1).All(sctx)
	if err != nil {
		return nil, fmt.Errorf("reading the webhook's deliveries: %w", err)
	}
	conn := &webhooks.DeliveryConnection{TotalCount: total}
	conn.PageInfo.HasPreviousPage = after != nil
	if len(rows) > n {
		conn.PageInfo.HasNextPage = true
		rows = rows[:n]
	}
	for _, d := range rows {
		conn.Edges = append(conn.Edges, &webhooks.DeliveryEdge{Node: d, Cursor: ent.Cursor{ID: d.ID}})
	}
	if len(conn.Edges) > 0 {
		start, end := conn.Edges[0].Cursor, conn.Edges[len(conn.Edges)-1].Cursor
		conn.PageInfo.StartCursor, conn.PageInfo.EndCursor = &start, &end
	}
	return conn, nil
}

// nonEmpty answers s, or null when it is empty.
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
