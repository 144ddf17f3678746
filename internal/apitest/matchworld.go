package apitest

import (
	"context"
	"testing"

	"sscgraph/internal/auth"
)

// MatchWorld is a small Match world made through the API by an EDITOR:
// two organizations that deal with each other, a stranger, an offer and a
// need, and a MEMBER key for each organization.
type MatchWorld struct {
	A                          *API
	Editor, Admin              Caller
	Provider, Seeker, Stranger Caller
	ProviderOrg, SeekerOrg     string
	Topic, Country             string
}

// NewMatchWorld makes a MatchWorld in a's database.
func NewMatchWorld(t *testing.T, a *API) *MatchWorld {
	t.Helper()
	ctx := context.Background()
	w := &MatchWorld{A: a}
	_, ek, err := auth.Create(ctx, a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	_, ak, err := auth.Create(ctx, a.DB.Client, auth.CreateOptions{Role: auth.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	w.Editor, w.Admin = Caller{a, ek}, Caller{a, ak}
	r := w.Editor.Do(t, `{ country(code: "KE") { id } topics(first: 1, where: {kind: IP_AREA}) { edges { node { id } } } }`, nil)
	w.Country, w.Topic = r.Str("country.id"), r.Str("topics.edges.0.node.id")
	if w.Country == "" || w.Topic == "" {
		t.Fatalf("world: %+v %+v", r.Data, r.Errors)
	}
	org := func(name string) (string, Caller) {
		t.Helper()
		r := w.Editor.Do(t, `mutation($in: CreateOrganizationInput!) { createOrganization(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"name": name, "kind": "NGO", "countryID": w.Country}})
		id := r.Str("createOrganization.id")
		if id == "" {
			t.Fatalf("organization %s: %+v", name, r.Errors)
		}
		key := w.Editor.Do(t, `mutation($in: CreateAPIKeyInput!) { createAPIKey(input: $in) { key } }`,
			map[string]any{"in": map[string]any{"role": "MEMBER", "organizationID": id}})
		if key.Str("createAPIKey.key") == "" {
			// EDITOR keys cannot make keys: the admin does.
			key = w.Admin.Do(t, `mutation($in: CreateAPIKeyInput!) { createAPIKey(input: $in) { key } }`,
				map[string]any{"in": map[string]any{"role": "MEMBER", "organizationID": id}})
		}
		return id, Caller{a, key.Str("createAPIKey.key")}
	}
	w.ProviderOrg, w.Provider = org("Provider (lifecycle test)")
	w.SeekerOrg, w.Seeker = org("Seeker (lifecycle test)")
	_, w.Stranger = org("Stranger (lifecycle test)")
	return w
}

// Offer posts an offer of the provider's, as its MEMBER key, with extra
// input fields.
func (w *MatchWorld) Offer(t *testing.T, extra map[string]any) string {
	t.Helper()
	in := map[string]any{"title": "An offer", "kind": "TECHNICAL", "status": "OPEN", "providerID": w.ProviderOrg, "topicIDs": []string{w.Topic}}
	for k, v := range extra {
		in[k] = v
	}
	r := w.Provider.Do(t, `mutation($in: CreateMatchOfferInput!) { createMatchOffer(input: $in) { id } }`, map[string]any{"in": in})
	id := r.Str("createMatchOffer.id")
	if id == "" {
		t.Fatalf("offer: %+v", r.Errors)
	}
	return id
}

// Need posts a need of the seeker's, as its MEMBER key.
func (w *MatchWorld) Need(t *testing.T) string {
	t.Helper()
	r := w.Seeker.Do(t, `mutation($in: CreateMatchNeedInput!) { createMatchNeed(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"title": "A need", "kind": "TECHNICAL", "status": "OPEN", "seekerID": w.SeekerOrg, "countryID": w.Country, "topicIDs": []string{w.Topic}}})
	id := r.Str("createMatchNeed.id")
	if id == "" {
		t.Fatalf("need: %+v", r.Errors)
	}
	return id
}

// MatchFields are the fields of a match the lifecycle mutations below answer.
const MatchFields = `id status score cooperation respondedAt completedAt proposedBy { id } message response`

// The Match lifecycle's mutations, each answering its match as m.
const (
	Propose  = `mutation($n: ID!, $o: ID!) { m: proposeMatch(need: $n, offer: $o, message: "shall we?") { ` + MatchFields + ` } }`
	Accept   = `mutation($id: ID!) { m: respondToMatch(id: $id, accept: true, message: "yes") { ` + MatchFields + ` } }`
	Decline  = `mutation($id: ID!) { m: respondToMatch(id: $id, accept: false) { ` + MatchFields + ` } }`
	Complete = `mutation($id: ID!) { m: completeMatch(id: $id) { ` + MatchFields + ` } }`
	Withdraw = `mutation($id: ID!) { m: withdrawMatch(id: $id) { ` + MatchFields + ` } }`
)

// MatchIn makes a match of a new offer and need and takes it to status
// through the Match mutations, and returns its ID.
func (w *MatchWorld) MatchIn(t *testing.T, status string) string {
	t.Helper()
	r := w.Provider.Do(t, Propose, map[string]any{"n": w.Need(t), "o": w.Offer(t, nil)})
	id := r.Str("m.id")
	if id == "" {
		t.Fatalf("proposing: %+v", r.Errors)
	}
	var steps []struct {
		who   Caller
		query string
	}
	add := func(who Caller, query string) {
		steps = append(steps, struct {
			who   Caller
			query string
		}{who, query})
	}
	switch status {
	case "ACCEPTED":
		add(w.Seeker, Accept)
	case "COMPLETED":
		add(w.Seeker, Accept)
		add(w.Provider, Complete)
	case "DECLINED":
		add(w.Seeker, Decline)
	case "WITHDRAWN":
		add(w.Provider, Withdraw)
	}
	for _, s := range steps {
		if r := s.who.Do(t, s.query, map[string]any{"id": id}); len(r.Errors) > 0 {
			t.Fatalf("taking the match to %s: %+v", status, r.Errors)
		}
	}
	return id
}
