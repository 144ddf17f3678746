// Package webhookevent names the events organizations receive by webhook
// and the JSON body each delivery carries. It imports nothing of sscgraph's
// so that the ent schema's hooks, which write the events, and package
// webhooks, which delivers them, share one definition.
package webhookevent

import (
	"fmt"
	"io"
	"strconv"
	"time"
)

// Event is the kind of a webhook event (the GraphQL enum WebhookEvent).
type Event string

// The events, as the API and the deliveries' bodies name them.
const (
	MatchProposed   Event = "MATCH_PROPOSED"
	MatchAccepted   Event = "MATCH_ACCEPTED"
	MatchDeclined   Event = "MATCH_DECLINED"
	MatchWithdrawn  Event = "MATCH_WITHDRAWN"
	MatchCompleted  Event = "MATCH_COMPLETED"
	PostingExpiring Event = "POSTING_EXPIRING"
)

// All lists every event, in the order the schema declares them.
var All = []Event{MatchProposed, MatchAccepted, MatchDeclined, MatchWithdrawn, MatchCompleted, PostingExpiring}

// Values lists the events' names: ent stores the event as an enum column.
func (Event) Values() []string {
	out := make([]string, len(All))
	for i, e := range All {
		out[i] = string(e)
	}
	return out
}

// Valid reports whether e is one of All.
func (e Event) Valid() bool {
	for _, a := range All {
		if e == a {
			return true
		}
	}
	return false
}

// String returns the event's name.
func (e Event) String() string { return string(e) }

// MarshalGQL writes the event as a GraphQL enum value.
func (e Event) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(e))) }

// UnmarshalGQL reads a GraphQL enum value.
func (e *Event) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("WebhookEvent must be a string, got %T", v)
	}
	if !Event(s).Valid() {
		return fmt.Errorf("%q is not a WebhookEvent", s)
	}
	*e = Event(s)
	return nil
}

// ForMatchStatus is the event of a match reaching status (PROPOSED,
// ACCEPTED, …), and whether there is one.
func ForMatchStatus(status string) (Event, bool) {
	e := Event("MATCH_" + status)
	return e, e.Valid() && e != PostingExpiring
}

// Ref names a row in a body: its global ID and, for people reading the
// body, a title or name.
type Ref struct {
	ID    string `json:"id"`
	Title string `json:"title,omitempty"`
	Name  string `json:"name,omitempty"`
}

// Match is a match as a body describes it.
type Match struct {
	ID       string  `json:"id"`
	Status   string  `json:"status"`
	Score    float64 `json:"score"`
	Offer    Ref     `json:"offer"`
	Need     Ref     `json:"need"`
	Provider Ref     `json:"provider"`
	Seeker   Ref     `json:"seeker"`
}

// Posting is an offer about to expire, as a body describes it.
type Posting struct {
	Ref
	Type      string    `json:"type"`
	ExpiresAt time.Time `json:"expiresAt"`
	Owner     Ref       `json:"owner"`
}

// Body is the JSON body of a delivery. ID is the event's idempotency key,
// also sent as the Webhook-Id header; Organization is the receiving one.
type Body struct {
	ID           string    `json:"id"`
	Type         Event     `json:"type"`
	CreatedAt    time.Time `json:"createdAt"`
	Organization Ref       `json:"organization"`
	Match        *Match    `json:"match,omitempty"`
	Posting      *Posting  `json:"posting,omitempty"`
}

// Status is where a delivery stands (the GraphQL enum
// WebhookDeliveryStatus).
type Status string

// The statuses of a delivery.
const (
	// Pending: not delivered yet; attempted again at its next attempt.
	Pending Status = "PENDING"
	// Delivered: the receiver answered 2xx.
	Delivered Status = "DELIVERED"
	// Failed: every attempt failed; it is not attempted again.
	Failed Status = "FAILED"
)

// Values lists the statuses: ent stores the status as an enum column.
func (Status) Values() []string { return []string{string(Pending), string(Delivered), string(Failed)} }

// MarshalGQL writes the status as a GraphQL enum value.
func (s Status) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(s))) }

// UnmarshalGQL reads a GraphQL enum value.
func (s *Status) UnmarshalGQL(v any) error {
	str, ok := v.(string)
	if !ok {
		return fmt.Errorf("WebhookDeliveryStatus must be a string, got %T", v)
	}
	for _, ok := range (Status("")).Values() {
		if str == ok {
			*s = Status(str)
			return nil
		}
	}
	return fmt.Errorf("%q is not a WebhookDeliveryStatus", str)
}
