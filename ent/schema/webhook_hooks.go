package schema

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"entgo.io/ent"

	gen "sscgraph/ent"
	"sscgraph/ent/hook"
	"sscgraph/ent/match"
	"sscgraph/ent/privacy"
	"sscgraph/ent/webhook"
	"sscgraph/internal/gid"
	"sscgraph/internal/viewer"
	"sscgraph/internal/webhookevent"
)

// The webhook outbox: a match's move writes its event for the webhooks of
// both parties (the offer's provider and the need's seeker) in the
// mutation's own transaction, so that the event commits with the change
// or not at all. Package webhooks delivers the rows after commit.

// matchEvents writes the outbox rows of a match whose status a create or
// an update sets to a new value. It runs innermost among the match's
// hooks: the lifecycle hook has locked the row, so the status read before
// the write is the one the write replaces. sscgraph's own writes (the
// dataset) are history, not news: they send nothing.
func matchEvents(next ent.Mutator) ent.Mutator {
	return hook.MatchFunc(func(ctx context.Context, m *gen.MatchMutation) (gen.Value, error) {
		status, set := m.Status()
		if _, system := viewer.SystemFrom(ctx); system || !set {
			return next.Mutate(ctx, m)
		}
		rctx := privacy.DecisionContext(ctx, privacy.Allow)
		from := match.Status("")
		if m.Op().Is(ent.OpUpdateOne) {
			old, err := m.OldStatus(rctx)
			if err != nil {
				return nil, fmt.Errorf("reading the match's status: %w", err)
			}
			from = old
		}
		v, err := next.Mutate(ctx, m)
		if err != nil || status == from {
			return v, err
		}
		event, ok := webhookevent.ForMatchStatus(string(status))
		if !ok {
			return v, nil
		}
		written, ok := v.(*gen.Match)
		if !ok {
			return nil, fmt.Errorf("webhook outbox: a match write answered %T", v)
		}
		if err := enqueueMatchEvent(ctx, m.Client(), written.ID, event); err != nil {
			return nil, fmt.Errorf("writing the match's webhook events: %w", err)
		}
		return v, nil
	})
}

// enqueueMatchEvent writes event about match id for every webhook of its
// parties that receives it.
func enqueueMatchEvent(ctx context.Context, client *gen.Client, id int, event webhookevent.Event) error {
	rctx := privacy.DecisionContext(ctx, privacy.Allow)
	mt, err := client.Match.Query().Where(match.ID(id)).
		WithOffer(func(q *gen.MatchOfferQuery) { q.WithProvider() }).
		WithNeed(func(q *gen.MatchNeedQuery) { q.WithSeeker() }).
		Only(rctx)
	if err != nil {
		return fmt.Errorf("reading the match: %w", err)
	}
	offer, need := mt.Edges.Offer, mt.Edges.Need
	if offer == nil || need == nil || offer.Edges.Provider == nil || need.Edges.Seeker == nil {
		return fmt.Errorf("match %d: its offer, need or parties did not load", id)
	}
	hooks, err := client.Webhook.Query().
		Where(webhook.OrganizationIDIn(offer.ProviderID, need.SeekerID)).
		All(rctx)
	if err != nil {
		return fmt.Errorf("reading the parties' webhooks: %w", err)
	}
	hooks = slices.DeleteFunc(hooks, func(h *gen.Webhook) bool { return !slices.Contains(h.Events, event) })
	if len(hooks) == 0 {
		return nil
	}
	codec, err := gid.FromContext(ctx)
	if err != nil {
		return err
	}
	provider, seeker := offer.Edges.Provider, need.Edges.Seeker
	body := webhookevent.Body{
		ID:        NewEventID(),
		Type:      event,
		CreatedAt: time.Now().UTC().Truncate(time.Millisecond),
		Match: &webhookevent.Match{
			ID: codec.Encode(mt.ID), Status: string(mt.Status), Score: mt.Score,
			Offer:    webhookevent.Ref{ID: codec.Encode(offer.ID), Title: offer.Title},
			Need:     webhookevent.Ref{ID: codec.Encode(need.ID), Title: need.Title},
			Provider: webhookevent.Ref{ID: codec.Encode(provider.ID), Name: provider.Name},
			Seeker:   webhookevent.Ref{ID: codec.Encode(seeker.ID), Name: seeker.Name},
		},
	}
	for _, h := range hooks {
		body.Organization = body.Match.Seeker
		if h.OrganizationID == provider.ID {
			body.Organization = body.Match.Provider
		}
		if err := EnqueueWebhookEvent(rctx, client, h.ID, body, ""); err != nil {
			return err
		}
	}
	return nil
}

// EnqueueWebhookEvent writes one outbox row: body for webhook hookID,
// about subject (empty for events that are not written once per thing).
// Package webhooks' expiry scan writes its events with it too.
func EnqueueWebhookEvent(ctx context.Context, client *gen.Client, hookID int, body webhookevent.Body, subject string) error {
	payload, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encoding the webhook event: %w", err)
	}
	err = client.WebhookDelivery.Create().
		SetWebhookID(hookID).SetEventID(body.ID).SetEvent(body.Type).
		SetSubject(subject).SetPayload(string(payload)).
		SetNextAttemptAt(time.Now().UTC()).
		Exec(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return fmt.Errorf("writing the webhook event: %w", err)
	}
	return nil
}

// NewEventID returns a new event's idempotency key: 128 random bits.
func NewEventID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24)
	return "evt_" + hex.EncodeToString(b[:])
}
