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

// Webhook is an endpoint an organization registered to hear of its Match
// events (package webhooks delivers them). Its GraphQL type is written by
// hand (graph/schema/webhooks.graphqls): the secret never leaves the
// server after createWebhook, and nothing about webhooks is public.
type Webhook struct{ ent.Schema }

// Fields of the Webhook.
func (Webhook) Fields() []ent.Field {
	return []ent.Field{
		field.Int("organization_id").
			Immutable().
			Comment("The organization whose events the endpoint receives."),
		field.String("url").
			MaxLen(2048).NotEmpty().Immutable().
			Comment("Where events are POSTed: http or https, never a loopback, private or link-local address unless the operator allows them."),
		field.JSON("events", []webhookevent.Event{}).
			Comment("The events the endpoint receives."),
		field.String("secret").
			Sensitive().NotEmpty().Immutable().
			Comment("The signing secret, encrypted with a key derived from the server's ID secret (package webhooks): it must be readable to sign, and is shown to the client once."),
		field.Time("created_at").
			Default(time.Now).Immutable(),
		field.Time("paused_at").
			Optional().Nillable().
			Comment("When deliveries stopped because the receiver kept failing; null while the endpoint is active."),
		field.Text("paused_reason").
			Optional().
			Comment("Why the endpoint was paused, in words."),
		field.Int("consecutive_failures").
			Default(0).
			Comment("Failed attempts since the last success."),
		field.Time("failing_since").
			Optional().Nillable().
			Comment("The first of the failures counted by consecutive_failures."),
	}
}

// Edges of the Webhook.
func (Webhook) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("organization", Organization.Type).
			Unique().Required().Immutable().Field("organization_id").
			// An organization's endpoints go with it.
			Annotations(entsql.OnDelete(entsql.Cascade)).
			Comment("The organization whose events the endpoint receives."),
		edge.To("deliveries", WebhookDelivery.Type).
			Annotations(entsql.OnDelete(entsql.Cascade)).
			Comment("The outbox rows of the endpoint, one per event."),
	}
}

// Indexes of the Webhook: the webhooks of the parties of a match.
func (Webhook) Indexes() []ent.Index {
	return []ent.Index{index.Fields("organization_id")}
}

// Annotations of the Webhook.
func (Webhook) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.Annotation{Table: "webhooks"},
		entgql.Skip(entgql.SkipAll),
	}
}

// Policy of the Webhook: package graph checks who may register or read an
// endpoint (createWebhook and the others) and then acts as sscgraph;
// nothing else reaches it through the API.
func (Webhook) Policy() ent.Policy { return adminPolicy() }
