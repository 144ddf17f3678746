package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"sscgraph/internal/webhookevent"
)

// WebhookDelivery is the transactional outbox: one row per event and
// endpoint, written in the transaction of the change it reports
// (webhook_hooks.go), so that a rolled-back change leaves none, then
// delivered after commit by package webhooks, which keeps its state here
// so that it survives restarts.
type WebhookDelivery struct{ ent.Schema }

// Fields of the WebhookDelivery.
func (WebhookDelivery) Fields() []ent.Field {
	return []ent.Field{
		field.Int("webhook_id").
			Immutable(),
		field.String("event_id").
			MaxLen(64).NotEmpty().Immutable().
			Comment("The event's idempotency key, sent as the Webhook-Id header: the same for every attempt, and for each endpoint the event goes to."),
		field.Enum("event").
			GoType(webhookevent.Event("")).
			Immutable(),
		field.String("subject").
			MaxLen(200).Optional().Immutable().
			Comment("What the event is about, for events written once per thing (POSTING_EXPIRING: the offer and its expiry)."),
		field.Text("payload").
			Immutable().
			Comment("The JSON body, as every attempt sends it."),
		field.Enum("status").
			GoType(webhookevent.Status("")).
			Default(string(webhookevent.Pending)).
			Comment("PENDING until delivered (2xx) or given up after the last attempt (FAILED)."),
		field.Int("attempts").
			Default(0).
			Comment("Attempts made, counted when an attempt is claimed: one cut by a crash counts."),
		field.Time("next_attempt_at").
			Default(time.Now).
			Comment("When the next attempt is due."),
		field.Time("locked_until").
			Optional().Nillable().
			Comment("The lease of the worker that claimed the row: after it the row may be claimed again (a worker that died mid-delivery)."),
		field.Text("last_error").
			Optional().
			Comment("Why the last attempt failed."),
		field.Int("response_code").
			Optional().Nillable().
			Comment("The HTTP status of the last answer, if one came."),
		field.Time("created_at").
			Default(time.Now).Immutable(),
		field.Time("delivered_at").
			Optional().Nillable(),
	}
}

// Edges of the WebhookDelivery.
func (WebhookDelivery) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("webhook", Webhook.Type).
			Ref("deliveries").Unique().Required().Immutable().Field("webhook_id"),
	}
}

// Indexes of the WebhookDelivery: the worker reads due rows; the API reads
// an endpoint's newest first; the expiry scan looks for a subject.
func (WebhookDelivery) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("status", "next_attempt_at"),
		index.Fields("webhook_id", "subject"),
	}
}

// Annotations of the WebhookDelivery.
func (WebhookDelivery) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.Annotation{Table: "webhook_deliveries"},
		entgql.Skip(entgql.SkipAll),
	}
}

// Policy of the WebhookDelivery: written by the outbox hook and the
// worker, read through webhookDeliveries, all acting as sscgraph.
func (WebhookDelivery) Policy() ent.Policy { return adminPolicy() }
