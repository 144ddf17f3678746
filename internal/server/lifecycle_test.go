package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"sscgraph/internal/auth"
)

// matchWorld is a small Match world made through the API by an EDITOR:
// two organizations that deal with each other, a stranger, an offer and a
// need, and a MEMBER key for each organization.
type matchWorld struct {
	a                          *api
	editor, admin              caller
	provider, seeker, stranger caller
	providerOrg, seekerOrg     string
	topic, country             string
}

func newMatchWorld(t *testing.T, a *api) *matchWorld {
	t.Helper()
	ctx := context.Background()
	w := &matchWorld{a: a}
	_, ek, err := auth.Create(ctx, a.db.Client, auth.CreateOptions{Role: auth.RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	_, ak, err := auth.Create(ctx, a.db.Client, auth.CreateOptions{Role: auth.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	w.editor, w.admin = caller{a, ek}, caller{a, ak}
	r := w.editor.do(t, `{ country(code: "KE") { id } topics(first: 1, where: {kind: IP_AREA}) { edges { node { id } } } }`, nil)
	w.country, w.topic = r.str("country.id"), r.str("topics.edges.0.node.id")
	if w.country == "" || w.topic == "" {
		t.Fatalf("world: %+v %+v", r.Data, r.Errors)
	}
	org := func(name string) (string, caller) {
		t.Helper()
		r := w.editor.do(t, `mutation($in: CreateOrganizationInput!) { createOrganization(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"name": name, "kind": "NGO", "countryID": w.country}})
		id := r.str("createOrganization.id")
		if id == "" {
			t.Fatalf("organization %s: %+v", name, r.Errors)
		}
		key := w.editor.do(t, `mutation($in: CreateAPIKeyInput!) { createAPIKey(input: $in) { key } }`,
			map[string]any{"in": map[string]any{"role": "MEMBER", "organizationID": id}})
		if key.str("createAPIKey.key") == "" {
			// EDITOR keys cannot make keys: the admin does.
			key = w.admin.do(t, `mutation($in: CreateAPIKeyInput!) { createAPIKey(input: $in) { key } }`,
				map[string]any{"in": map[string]any{"role": "MEMBER", "organizationID": id}})
		}
		return id, caller{a, key.str("createAPIKey.key")}
	}
	w.providerOrg, w.provider = org("Provider (lifecycle test)")
	w.seekerOrg, w.seeker = org("Seeker (lifecycle test)")
	_, w.stranger = org("Stranger (lifecycle test)")
	return w
}

// offer posts an offer of the provider's, as its MEMBER key, with extra
// input fields.
func (w *matchWorld) offer(t *testing.T, extra map[string]any) string {
	t.Helper()
	in := map[string]any{"title": "An offer", "kind": "TECHNICAL", "status": "OPEN", "providerID": w.providerOrg, "topicIDs": []string{w.topic}}
	for k, v := range extra {
		in[k] = v
	}
	r := w.provider.do(t, `mutation($in: CreateMatchOfferInput!) { createMatchOffer(input: $in) { id } }`, map[string]any{"in": in})
	id := r.str("createMatchOffer.id")
	if id == "" {
		t.Fatalf("offer: %+v", r.Errors)
	}
	return id
}

// need posts a need of the seeker's, as its MEMBER key.
func (w *matchWorld) need(t *testing.T) string {
	t.Helper()
	r := w.seeker.do(t, `mutation($in: CreateMatchNeedInput!) { createMatchNeed(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"title": "A need", "kind": "TECHNICAL", "status": "OPEN", "seekerID": w.seekerOrg, "countryID": w.country, "topicIDs": []string{w.topic}}})
	id := r.str("createMatchNeed.id")
	if id == "" {
		t.Fatalf("need: %+v", r.Errors)
	}
	return id
}

const matchFields = `id status score cooperation respondedAt completedAt proposedBy { id } message response`

// step is one request of a lifecycle scenario and what it must answer:
// an error code (and words of its message), or the match's new status.
type step struct {
	name    string
	who     caller
	query   string
	vars    map[string]any
	code    string // "" for success
	words   string // in the error message
	status  string // the match's status after a success
	capture string // keep the match ID under this name
}

func runSteps(t *testing.T, steps []step, ids map[string]string) {
	t.Helper()
	for _, s := range steps {
		vars := map[string]any{}
		for k, v := range s.vars {
			if name, ok := v.(string); ok && strings.HasPrefix(name, "$") {
				v = ids[name[1:]]
			}
			vars[k] = v
		}
		r := s.who.do(t, s.query, vars)
		if errCode(r) != s.code {
			t.Fatalf("%s: answered %v %+v, want code %q", s.name, r.Data, r.Errors, s.code)
		}
		if s.code != "" {
			if !strings.Contains(r.Errors[0].Message, s.words) {
				t.Errorf("%s: message %q does not say %q", s.name, r.Errors[0].Message, s.words)
			}
			continue
		}
		for field, v := range r.Data {
			m, _ := v.(map[string]any)
			if s.status != "" && m["status"] != s.status {
				t.Errorf("%s: %s is %v, want %s", s.name, field, m["status"], s.status)
			}
			if s.capture != "" {
				ids[s.capture], _ = m["id"].(string)
			}
		}
	}
}

const (
	propose  = `mutation($n: ID!, $o: ID!) { m: proposeMatch(need: $n, offer: $o, message: "shall we?") { ` + matchFields + ` } }`
	accept   = `mutation($id: ID!) { m: respondToMatch(id: $id, accept: true, message: "yes") { ` + matchFields + ` } }`
	decline  = `mutation($id: ID!) { m: respondToMatch(id: $id, accept: false) { ` + matchFields + ` } }`
	complete = `mutation($id: ID!) { m: completeMatch(id: $id) { ` + matchFields + ` } }`
	withdraw = `mutation($id: ID!) { m: withdrawMatch(id: $id) { ` + matchFields + ` } }`
)

// TestMatchLifecycle walks a match through its states, with every refused
// move on the way: by the wrong party, from the wrong state, through the
// generic mutations.
func TestMatchLifecycle(t *testing.T) { forEachBackend(t, testMatchLifecycle) }

func testMatchLifecycle(t *testing.T, a *api) {
	w := newMatchWorld(t, a)
	ids := map[string]string{"offer": w.offer(t, nil), "need": w.need(t)}
	pair := map[string]any{"n": "$need", "o": "$offer"}
	id := map[string]any{"id": "$m"}
	runSteps(t, []step{
		{name: "a stranger proposes", who: w.stranger, query: propose, vars: pair, code: "FORBIDDEN"},
		{name: "anonymous proposes", who: caller{a, ""}, query: propose, vars: pair, code: "UNAUTHENTICATED"},
		{name: "a member uses createMatch", who: w.provider, vars: pair, code: "FORBIDDEN", words: "proposeMatch",
			query: `mutation($n: ID!, $o: ID!) { createMatch(input: {status: ACCEPTED, score: 0.5, needID: $n, offerID: $o}) { id } }`},
		{name: "the provider proposes", who: w.provider, query: propose, vars: pair, status: "PROPOSED", capture: "m"},
		{name: "the pair again", who: w.seeker, query: propose, vars: pair, code: "BAD_USER_INPUT", words: "live match"},
		{name: "the proposer accepts", who: w.provider, query: accept, vars: id, code: "FORBIDDEN", words: "other party"},
		{name: "the seeker withdraws", who: w.seeker, query: withdraw, vars: id, code: "FORBIDDEN", words: "proposed"},
		{name: "completed while proposed", who: w.seeker, query: complete, vars: id, code: "BAD_USER_INPUT", words: "the match is PROPOSED: it can become ACCEPTED or DECLINED or WITHDRAWN, not COMPLETED"},
		{name: "updateMatch status by a member", who: w.seeker, vars: id, code: "FORBIDDEN", words: "respondToMatch",
			query: `mutation($id: ID!) { updateMatch(id: $id, input: {status: ACCEPTED}) { id } }`},
		{name: "a stranger accepts", who: w.stranger, query: accept, vars: id, code: "FORBIDDEN"},
		{name: "the seeker accepts", who: w.seeker, query: accept, vars: id, status: "ACCEPTED"},
		{name: "accepted twice", who: w.seeker, query: accept, vars: id, code: "BAD_USER_INPUT", words: "the match is ACCEPTED: it can become COMPLETED, not ACCEPTED"},
		{name: "withdrawn once accepted", who: w.provider, query: withdraw, vars: id, code: "BAD_USER_INPUT", words: "ACCEPTED"},
		{name: "the provider completes", who: w.provider, query: complete, vars: id, status: "COMPLETED"},
		{name: "after completion", who: w.seeker, query: decline, vars: id, code: "BAD_USER_INPUT", words: "COMPLETED, which is final"},
	}, ids)

	// Accepting marked both postings MATCHED (capacity 1); the match
	// records who proposed and when it moved; the messages are the
	// parties'.
	r := w.seeker.do(t, `query($id: ID!, $o: ID!, $n: ID!) { m: node(id: $id) { ... on Match { `+matchFields+` } }
		o: node(id: $o) { ... on MatchOffer { status } } n: node(id: $n) { ... on MatchNeed { status } } }`,
		map[string]any{"id": ids["m"], "o": ids["offer"], "n": ids["need"]})
	if r.str("o.status") != "MATCHED" || r.str("n.status") != "MATCHED" {
		t.Errorf("after acceptance the offer is %s and the need %s, want MATCHED", r.str("o.status"), r.str("n.status"))
	}
	if r.str("m.proposedBy.id") != w.providerOrg || r.str("m.respondedAt") == "" || r.str("m.completedAt") == "" {
		t.Errorf("the match's record: %v", r.get("m"))
	}
	if r.str("m.message") != "shall we?" || r.str("m.response") != "yes" {
		t.Errorf("a party reads messages %q and %q", r.str("m.message"), r.str("m.response"))
	}
	for _, c := range []caller{w.stranger, {a, ""}} {
		r := c.do(t, `query($id: ID!) { node(id: $id) { ... on Match { status message response } } }`, map[string]any{"id": ids["m"]})
		if r.str("node.status") != "COMPLETED" || r.get("node.message") != nil || r.get("node.response") != nil {
			t.Errorf("a non-party reads %v", r.get("node"))
		}
	}
	var dbStatus string
	if err := a.db.SQL.QueryRow(`SELECT status FROM match_offers WHERE id = (SELECT offer_id FROM matches WHERE completed_at IS NOT NULL ORDER BY id DESC LIMIT 1)`).Scan(&dbStatus); err != nil || dbStatus != "MATCHED" {
		t.Errorf("the offer's row says %q (%v)", dbStatus, err)
	}
}

// TestDeclineWithdrawAndCapacity: a declined or withdrawn pair may be
// proposed again; an offer of capacity 2 stays OPEN after one acceptance.
func TestDeclineWithdrawAndCapacity(t *testing.T) { forEachBackend(t, testDeclineWithdrawAndCapacity) }

func testDeclineWithdrawAndCapacity(t *testing.T, a *api) {
	w := newMatchWorld(t, a)
	ids := map[string]string{"offer": w.offer(t, map[string]any{"capacity": 2}), "need": w.need(t), "need2": w.need(t)}
	pair := map[string]any{"n": "$need", "o": "$offer"}
	runSteps(t, []step{
		{name: "the seeker proposes", who: w.seeker, query: propose, vars: pair, status: "PROPOSED", capture: "m1"},
		{name: "the provider declines", who: w.provider, query: decline, vars: map[string]any{"id": "$m1"}, status: "DECLINED"},
		{name: "proposed again", who: w.seeker, query: propose, vars: pair, status: "PROPOSED", capture: "m2"},
		{name: "the seeker withdraws", who: w.seeker, query: withdraw, vars: map[string]any{"id": "$m2"}, status: "WITHDRAWN"},
		{name: "and again", who: w.provider, query: propose, vars: pair, status: "PROPOSED", capture: "m3"},
		{name: "the seeker accepts", who: w.seeker, query: accept, vars: map[string]any{"id": "$m3"}, status: "ACCEPTED"},
		{name: "a second need", who: w.provider, query: propose, vars: map[string]any{"n": "$need2", "o": "$offer"}, status: "PROPOSED", capture: "m4"},
	}, ids)
	r := w.editor.do(t, `query($o: ID!) { node(id: $o) { ... on MatchOffer { status capacity } } }`, map[string]any{"o": ids["offer"]})
	if r.str("node.status") != "OPEN" {
		t.Errorf("one of two places taken: the offer is %s, want OPEN", r.str("node.status"))
	}
	runSteps(t, []step{
		{name: "the second accepted", who: w.seeker, query: accept, vars: map[string]any{"id": "$m4"}, status: "ACCEPTED"},
	}, ids)
	r = w.editor.do(t, `query($o: ID!) { node(id: $o) { ... on MatchOffer { status } } }`, map[string]any{"o": ids["offer"]})
	if r.str("node.status") != "MATCHED" {
		t.Errorf("both places taken: the offer is %s, want MATCHED", r.str("node.status"))
	}
	if n := a.count(t, `SELECT COUNT(*) FROM matches WHERE live_pair IS NOT NULL`); n < 2 {
		t.Errorf("%d live pairs recorded, want at least the two accepted matches", n)
	}
}

// TestPostingLifecycle: reopening is for EDITOR and ADMIN keys whatever
// path leads there (the two-step reopens of the issue included), EXPIRED
// is never written, and postedAt defaults to now and is never in the
// future.
func TestPostingLifecycle(t *testing.T) { forEachBackend(t, testPostingLifecycle) }

func testPostingLifecycle(t *testing.T, a *api) {
	w := newMatchWorld(t, a)
	ids := map[string]string{"offer": w.offer(t, nil), "need": w.need(t)}
	o := func(status string) map[string]any {
		return map[string]any{"id": "$offer", "in": map[string]any{"status": status}}
	}
	n := func(status string) map[string]any {
		return map[string]any{"id": "$need", "in": map[string]any{"status": status}}
	}
	upO := `mutation($id: ID!, $in: UpdateMatchOfferInput!) { m: updateMatchOffer(id: $id, input: $in) { id status } }`
	upN := `mutation($id: ID!, $in: UpdateMatchNeedInput!) { m: updateMatchNeed(id: $id, input: $in) { id status } }`
	runSteps(t, []step{
		{name: "offer closed", who: w.provider, query: upO, vars: o("CLOSED"), status: "CLOSED"},
		{name: "closed → expired", who: w.provider, query: upO, vars: o("EXPIRED"), code: "BAD_USER_INPUT", words: "EXPIRED cannot be written"},
		{name: "closed → open", who: w.provider, query: upO, vars: o("OPEN"), code: "FORBIDDEN", words: "CLOSED → OPEN"},
		{name: "closed → matched", who: w.provider, query: upO, vars: o("MATCHED"), code: "BAD_USER_INPUT", words: "from CLOSED to MATCHED"},
		{name: "an editor reopens", who: w.editor, query: upO, vars: o("OPEN"), status: "OPEN"},
		{name: "need closed", who: w.seeker, query: upN, vars: n("CLOSED"), status: "CLOSED"},
		{name: "closed need → matched", who: w.seeker, query: upN, vars: n("MATCHED"), code: "BAD_USER_INPUT", words: "from CLOSED to MATCHED"},
		{name: "closed need → open", who: w.seeker, query: upN, vars: n("OPEN"), code: "FORBIDDEN", words: "reopen"},
		{name: "an admin reopens the need", who: w.admin, query: upN, vars: n("OPEN"), status: "OPEN"},
		{name: "need matched by hand", who: w.seeker, query: upN, vars: n("MATCHED"), status: "MATCHED"},
		{name: "matched need → open", who: w.seeker, query: upN, vars: n("OPEN"), code: "FORBIDDEN", words: "MATCHED → OPEN"},
		{name: "posted in the future", who: w.provider, vars: map[string]any{"in": map[string]any{"title": "Later", "kind": "TECHNICAL", "status": "OPEN",
			"providerID": w.providerOrg, "postedAt": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)}},
			query: `mutation($in: CreateMatchOfferInput!) { createMatchOffer(input: $in) { id } }`, code: "BAD_USER_INPUT", words: "future"},
		{name: "a member posts a closed offer", who: w.provider, vars: map[string]any{"in": map[string]any{"title": "Closed", "kind": "TECHNICAL", "status": "CLOSED", "providerID": w.providerOrg}},
			query: `mutation($in: CreateMatchOfferInput!) { createMatchOffer(input: $in) { id } }`, code: "FORBIDDEN", words: "OPEN"},
	}, ids)
	// postedAt defaults to the server's clock.
	r := w.provider.do(t, `query($id: ID!) { node(id: $id) { ... on MatchOffer { postedAt } } }`, map[string]any{"id": ids["offer"]})
	posted, err := time.Parse(time.RFC3339, r.str("node.postedAt"))
	if err != nil || time.Since(posted) > time.Minute || time.Since(posted) < -time.Minute {
		t.Errorf("postedAt %q, want about now (%v)", r.str("node.postedAt"), err)
	}
}

// TestExpiry: an OPEN offer past its expiresAt reads EXPIRED in its field
// and in every filter, nested and across edges, without anything having
// written it; it is not matched, and extending its expiry is reopening.
func TestExpiry(t *testing.T) { forEachBackend(t, testExpiry) }

func testExpiry(t *testing.T, a *api) {
	w := newMatchWorld(t, a)
	past := time.Now().Add(-48 * time.Hour).UTC().Format(time.RFC3339)
	ids := map[string]string{
		// Posted three days ago, expired two days ago: written by the
		// editor, as a member could not post it in the past... it can:
		// only the future is refused.
		"expired": w.offer(t, map[string]any{"title": "Expired offer", "postedAt": time.Now().Add(-72 * time.Hour).UTC().Format(time.RFC3339), "expiresAt": past}),
		"live":    w.offer(t, map[string]any{"title": "Live offer", "expiresAt": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)}),
		"need":    w.need(t),
	}
	var stored string
	key := strings.TrimSpace(fmt.Sprint(a.column(t, `SELECT status FROM match_offers WHERE title = 'Expired offer'`)))
	stored = key
	if stored != "[OPEN]" {
		t.Fatalf("the expired offer's row says %s: the test needs it unwritten", stored)
	}
	q := `query($org: ID!, $s: MatchOfferStatus!) {
		top: matchOffers(where: {status: $s, hasProviderWith: {id: $org}}) { edges { node { title status } } }
		org: node(id: $org) { ... on Organization { offers(where: {status: $s}) { edges { node { title } } } } }
		orgs: organizations(where: {id: $org, hasOffersWith: {status: $s}}) { totalCount }
		not: matchOffers(where: {statusNotIn: [$s], hasProviderWith: {id: $org}}) { edges { node { title } } } }`
	for _, tt := range []struct{ status, want, other string }{{"EXPIRED", "Expired offer", "Live offer"}, {"OPEN", "Live offer", "Expired offer"}} {
		r := w.editor.do(t, q, map[string]any{"org": w.providerOrg, "s": tt.status})
		if len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		titles := func(path string) string {
			var out []string
			for i := range r.list(path) {
				out = append(out, r.str(fmt.Sprintf("%s.%d.node.title", path, i)))
			}
			return strings.Join(out, ",")
		}
		if got := titles("top.edges"); got != tt.want || r.str("top.edges.0.node.status") != tt.status {
			t.Errorf("matchOffers(status: %s) = %s (%s), want %s", tt.status, got, r.str("top.edges.0.node.status"), tt.want)
		}
		if got := titles("org.offers.edges"); got != tt.want {
			t.Errorf("organization.offers(status: %s) = %s, want %s", tt.status, got, tt.want)
		}
		if r.num("orgs.totalCount") != 1 {
			t.Errorf("organizations(hasOffersWith: {status: %s}) found %d", tt.status, r.num("orgs.totalCount"))
		}
		if got := titles("not.edges"); got != tt.other {
			t.Errorf("matchOffers(statusNotIn: [%s]) = %s, want %s", tt.status, got, tt.other)
		}
	}
	runSteps(t, []step{
		{name: "proposing an expired offer", who: w.seeker, query: propose, vars: map[string]any{"n": "$need", "o": "$expired"}, code: "BAD_USER_INPUT", words: "the offer is EXPIRED"},
		{name: "a member extends the expiry", who: w.provider, vars: map[string]any{"id": "$expired", "in": map[string]any{"expiresAt": time.Now().Add(240 * time.Hour).UTC().Format(time.RFC3339)}},
			query: `mutation($id: ID!, $in: UpdateMatchOfferInput!) { m: updateMatchOffer(id: $id, input: $in) { id status } }`, code: "FORBIDDEN", words: "EXPIRED → OPEN"},
		{name: "a member clears the expiry", who: w.provider, vars: map[string]any{"id": "$expired", "in": map[string]any{"clearExpiresAt": true}},
			query: `mutation($id: ID!, $in: UpdateMatchOfferInput!) { m: updateMatchOffer(id: $id, input: $in) { id status } }`, code: "FORBIDDEN", words: "EXPIRED → OPEN"},
		{name: "a member closes it", who: w.provider, vars: map[string]any{"id": "$expired", "in": map[string]any{"status": "CLOSED"}},
			query: `mutation($id: ID!, $in: UpdateMatchOfferInput!) { m: updateMatchOffer(id: $id, input: $in) { id status } }`, status: "CLOSED"},
		{name: "the live one is proposed", who: w.seeker, query: propose, vars: map[string]any{"n": "$need", "o": "$live"}, status: "PROPOSED"},
	}, ids)
}
