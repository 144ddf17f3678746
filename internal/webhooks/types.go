package webhooks

import "sscgraph/ent"

// CreatePayload is what createWebhook answers: the webhook and its
// signing secret, which is never answered again.
type CreatePayload struct {
	Webhook *ent.Webhook
	Secret  string
}

// DeliveryEdge is an edge of a DeliveryConnection.
type DeliveryEdge struct {
	Node   *ent.WebhookDelivery
	Cursor ent.Cursor
}

// DeliveryConnection is a page of a webhook's deliveries, newest first.
type DeliveryConnection struct {
	Edges      []*DeliveryEdge
	PageInfo   ent.PageInfo
	TotalCount int
}
