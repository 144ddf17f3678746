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

	"sscgraph/ent/hook"
	"sscgraph/internal/webhookevent"
)

// Webhook is an endpoint an organization registered to hear of its Match
// events (package webhooks delivers them). Its secret is not in the
// GraphQL type: it never leaves the server after createWebhook.
type Webhook struct{ ent.Schema }

// Fields of the Webhook.
func (Webhook) Fields() []ent.Field {
	return []ent.Field{
		field.Int("organization_id").
			Immutable().
			Comment("The organization whose events the endpoint receives.").
			Annotations(entgql.Skip()),
		field.String("url").
			MaxLen(2048).NotEmpty().Immutable().
			Comment("Where events are POSTed (http or https)."),
		field.JSON("events", []webhookevent.Event{}).
			Comment("The events the endpoint receives.").
			Annotations(entgql.Type("[WebhookEvent!]")),
		field.String("secret").
			Sensitive().NotEmpty().Immutable().
			Comment("The signing secret, encrypted with a key derived from the server's ID secret (package webhooks): it must be readable to sign, and is shown to the client once.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("created_at").
			Default(time.Now).Immutable().
			Comment("When the webhook was registered."),
		field.Time("paused_at").
			Optional().Nillable().
			Comment("When deliveries stopped because the receiver kept failing; null while the webhook is active. resumeWebhook restarts it."),
		field.Text("paused_reason").
			Optional().Nillable().
			Comment("Why the webhook was paused, in words; null while it is active."),
		field.Int("consecutive_failures").
			Default(0).
			Comment("Failed attempts since the last success: the webhook is paused after 10 in a row, or after failing for 3 days."),
		field.Time("failing_since").
			Optional().Nillable().
			Comment("The first of the failures counted by consecutive_failures.").
			Annotations(entgql.Skip(entgql.SkipAll)),
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
			Annotations(entsql.OnDelete(entsql.Cascade), entgql.Skip(entgql.SkipAll)).
			Comment("The outbox rows of the endpoint, one per event."),
	}
}

// Indexes of the Webhook: the webhooks of the parties of a match.
func (Webhook) Indexes() []ent.Index {
	return []ent.Index{index.Fields("organization_id")}
}

// Annotations of the Webhook: a node of the GraphQL schema, so that its
// ID is one (node(id:) answers it to ADMIN keys, null to others, as for
// API keys); it is listed and changed only by the webhook fields of
// graph/schema/webhooks.graphqls, never by generic inputs or filters.
func (Webhook) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.Annotation{Table: "webhooks"},
		schema.Comment("An endpoint that an organization registered to hear of its Match events. The signing secret is shown once, by createWebhook."),
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipOrderField),
	}
}

// Policy of the Webhook: package graph checks who may register or read an
// endpoint (createWebhook and the others) and then acts as sscgraph;
// nothing else reaches it through the API.
func (Webhook) Policy() ent.Policy { return adminPolicy() }

// Hooks of the Webhook: registering, resuming and deleting one are in the
// audit trail like any write of a key's; the delivery worker's own
// bookkeeping (failures, pauses) runs as a System write that is not.
func (Webhook) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(audited("Webhook"), auditedWrites)}
}
