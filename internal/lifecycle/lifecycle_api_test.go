package lifecycle_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"sscgraph/internal/apitest"
)

// step is one request of a lifecycle scenario and what it must answer:
// an error code (and words of its message), or the match's new status.
type step struct {
	name    string
	who     apitest.Caller
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
		r := s.who.Do(t, s.query, vars)
		if apitest.ErrCode(r) != s.code {
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

// TestMatchLifecycle walks a match through its states, with every refused
// move on the way: by the wrong party, from the wrong state, through the
// generic mutations.
func TestMatchLifecycle(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testMatchLifecycle)
}

func testMatchLifecycle(t *testing.T, a *apitest.API) {
	w := apitest.NewMatchWorld(t, a)
	ids := map[string]string{"offer": w.Offer(t, nil), "need": w.Need(t)}
	pair := map[string]any{"n": "$need", "o": "$offer"}
	id := map[string]any{"id": "$m"}
	runSteps(t, []step{
		{name: "a stranger proposes", who: w.Stranger, query: apitest.Propose, vars: pair, code: "FORBIDDEN"},
		{name: "anonymous proposes", who: apitest.Caller{A: a, Key: ""}, query: apitest.Propose, vars: pair, code: "UNAUTHENTICATED"},
		{name: "a member uses createMatch", who: w.Provider, vars: pair, code: "FORBIDDEN", words: "proposeMatch",
			query: `mutation($n: ID!, $o: ID!) { createMatch(input: {status: ACCEPTED, score: 0.5, needID: $n, offerID: $o}) { id } }`},
		{name: "the provider proposes", who: w.Provider, query: apitest.Propose, vars: pair, status: "PROPOSED", capture: "m"},
		{name: "the pair again", who: w.Seeker, query: apitest.Propose, vars: pair, code: "BAD_USER_INPUT", words: "live match"},
		{name: "the proposer accepts", who: w.Provider, query: apitest.Accept, vars: id, code: "FORBIDDEN", words: "other party"},
		{name: "the seeker withdraws", who: w.Seeker, query: apitest.Withdraw, vars: id, code: "FORBIDDEN", words: "proposed"},
		{name: "completed while proposed", who: w.Seeker, query: apitest.Complete, vars: id, code: "BAD_USER_INPUT", words: "the match is PROPOSED: it can become ACCEPTED or DECLINED or WITHDRAWN, not COMPLETED"},
		{name: "updateMatch status by a member", who: w.Seeker, vars: id, code: "FORBIDDEN", words: "respondToMatch",
			query: `mutation($id: ID!) { updateMatch(id: $id, input: {status: ACCEPTED}) { id } }`},
		{name: "a stranger accepts", who: w.Stranger, query: apitest.Accept, vars: id, code: "FORBIDDEN"},
		{name: "the seeker accepts", who: w.Seeker, query: apitest.Accept, vars: id, status: "ACCEPTED"},
		{name: "accepted twice", who: w.Seeker, query: apitest.Accept, vars: id, code: "BAD_USER_INPUT", words: "the match is ACCEPTED: it can become COMPLETED, not ACCEPTED"},
		{name: "withdrawn once accepted", who: w.Provider, query: apitest.Withdraw, vars: id, code: "BAD_USER_INPUT", words: "ACCEPTED"},
		{name: "the provider completes", who: w.Provider, query: apitest.Complete, vars: id, status: "COMPLETED"},
		{name: "after completion", who: w.Seeker, query: apitest.Decline, vars: id, code: "BAD_USER_INPUT", words: "COMPLETED, which is final"},
	}, ids)

	// Accepting marked both postings MATCHED (capacity 1); the match
	// records who proposed and when it moved; the messages are the
	// parties'.
	r := w.Seeker.Do(t, `query($id: ID!, $o: ID!, $n: ID!) { m: node(id: $id) { ... on Match { `+apitest.MatchFields+` } }
		o: node(id: $o) { ... on MatchOffer { status } } n: node(id: $n) { ... on MatchNeed { status } } }`,
		map[string]any{"id": ids["m"], "o": ids["offer"], "n": ids["need"]})
	if r.Str("o.status") != "MATCHED" || r.Str("n.status") != "MATCHED" {
		t.Errorf("after acceptance the offer is %s and the need %s, want MATCHED", r.Str("o.status"), r.Str("n.status"))
	}
	if r.Str("m.proposedBy.id") != w.ProviderOrg || r.Str("m.respondedAt") == "" || r.Str("m.completedAt") == "" {
		t.Errorf("the match's record: %v", r.Get("m"))
	}
	if r.Str("m.message") != "shall we?" || r.Str("m.response") != "yes" {
		t.Errorf("a party reads messages %q and %q", r.Str("m.message"), r.Str("m.response"))
	}
	for _, c := range []apitest.Caller{w.Stranger, {A: a, Key: ""}} {
		r := c.Do(t, `query($id: ID!) { node(id: $id) { ... on Match { status message response } } }`, map[string]any{"id": ids["m"]})
		if r.Str("node.status") != "COMPLETED" || r.Get("node.message") != nil || r.Get("node.response") != nil {
			t.Errorf("a non-party reads %v", r.Get("node"))
		}
	}
	var dbStatus string
	if err := a.DB.SQL.QueryRow(`SELECT status FROM match_offers WHERE id = (SELECT offer_id FROM matches WHERE completed_at IS NOT NULL ORDER BY id DESC LIMIT 1)`).Scan(&dbStatus); err != nil || dbStatus != "MATCHED" {
		t.Errorf("the offer's row says %q (%v)", dbStatus, err)
	}
}

// TestDeclineWithdrawAndCapacity: a declined or withdrawn pair may be
// proposed again; an offer of capacity 2 stays OPEN after one acceptance.
func TestDeclineWithdrawAndCapacity(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testDeclineWithdrawAndCapacity)
}

func testDeclineWithdrawAndCapacity(t *testing.T, a *apitest.API) {
	w := apitest.NewMatchWorld(t, a)
	ids := map[string]string{"offer": w.Offer(t, map[string]any{"capacity": 2}), "need": w.Need(t), "need2": w.Need(t)}
	pair := map[string]any{"n": "$need", "o": "$offer"}
	runSteps(t, []step{
		{name: "the seeker proposes", who: w.Seeker, query: apitest.Propose, vars: pair, status: "PROPOSED", capture: "m1"},
		{name: "the provider declines", who: w.Provider, query: apitest.Decline, vars: map[string]any{"id": "$m1"}, status: "DECLINED"},
		{name: "proposed again", who: w.Seeker, query: apitest.Propose, vars: pair, status: "PROPOSED", capture: "m2"},
		{name: "the seeker withdraws", who: w.Seeker, query: apitest.Withdraw, vars: map[string]any{"id": "$m2"}, status: "WITHDRAWN"},
		{name: "and again", who: w.Provider, query: apitest.Propose, vars: pair, status: "PROPOSED", capture: "m3"},
		{name: "the seeker accepts", who: w.Seeker, query: apitest.Accept, vars: map[string]any{"id": "$m3"}, status: "ACCEPTED"},
		{name: "a second need", who: w.Provider, query: apitest.Propose, vars: map[string]any{"n": "$need2", "o": "$offer"}, status: "PROPOSED", capture: "m4"},
	}, ids)
	r := w.Editor.Do(t, `query($o: ID!) { node(id: $o) { ... on MatchOffer { status capacity } } }`, map[string]any{"o": ids["offer"]})
	if r.Str("node.status") != "OPEN" {
		t.Errorf("one of two places taken: the offer is %s, want OPEN", r.Str("node.status"))
	}
	runSteps(t, []step{
		{name: "the second accepted", who: w.Seeker, query: apitest.Accept, vars: map[string]any{"id": "$m4"}, status: "ACCEPTED"},
	}, ids)
	r = w.Editor.Do(t, `query($o: ID!) { node(id: $o) { ... on MatchOffer { status } } }`, map[string]any{"o": ids["offer"]})
	if r.Str("node.status") != "MATCHED" {
		t.Errorf("both places taken: the offer is %s, want MATCHED", r.Str("node.status"))
	}
	if n := a.Count(t, `SELECT COUNT(*) FROM matches WHERE live_pair IS NOT NULL`); n < 2 {
		t.Errorf("%d live pairs recorded, want at least the two accepted matches", n)
	}
}

// TestPostingLifecycle: reopening is for EDITOR and ADMIN keys whatever
// path leads there (the two-step reopens of the issue included), EXPIRED
// is never written, and postedAt defaults to now and is never in the
// future.
func TestPostingLifecycle(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testPostingLifecycle)
}

func testPostingLifecycle(t *testing.T, a *apitest.API) {
	w := apitest.NewMatchWorld(t, a)
	ids := map[string]string{"offer": w.Offer(t, nil), "need": w.Need(t)}
	o := func(status string) map[string]any {
		return map[string]any{"id": "$offer", "in": map[string]any{"status": status}}
	}
	n := func(status string) map[string]any {
		return map[string]any{"id": "$need", "in": map[string]any{"status": status}}
	}
	upO := `mutation($id: ID!, $in: UpdateMatchOfferInput!) { m: updateMatchOffer(id: $id, input: $in) { id status } }`
	upN := `mutation($id: ID!, $in: UpdateMatchNeedInput!) { m: updateMatchNeed(id: $id, input: $in) { id status } }`
	runSteps(t, []step{
		{name: "offer closed", who: w.Provider, query: upO, vars: o("CLOSED"), status: "CLOSED"},
		{name: "closed → expired", who: w.Provider, query: upO, vars: o("EXPIRED"), code: "BAD_USER_INPUT", words: "EXPIRED cannot be written"},
		{name: "closed → open", who: w.Provider, query: upO, vars: o("OPEN"), code: "FORBIDDEN", words: "CLOSED → OPEN"},
		{name: "closed → matched", who: w.Provider, query: upO, vars: o("MATCHED"), code: "BAD_USER_INPUT", words: "from CLOSED to MATCHED"},
		{name: "an editor reopens", who: w.Editor, query: upO, vars: o("OPEN"), status: "OPEN"},
		{name: "need closed", who: w.Seeker, query: upN, vars: n("CLOSED"), status: "CLOSED"},
		{name: "closed need → matched", who: w.Seeker, query: upN, vars: n("MATCHED"), code: "BAD_USER_INPUT", words: "from CLOSED to MATCHED"},
		{name: "closed need → open", who: w.Seeker, query: upN, vars: n("OPEN"), code: "FORBIDDEN", words: "reopen"},
		{name: "an admin reopens the need", who: w.Admin, query: upN, vars: n("OPEN"), status: "OPEN"},
		{name: "need matched by hand", who: w.Seeker, query: upN, vars: n("MATCHED"), status: "MATCHED"},
		{name: "matched need → open", who: w.Seeker, query: upN, vars: n("OPEN"), code: "FORBIDDEN", words: "MATCHED → OPEN"},
		{name: "posted in the future", who: w.Provider, vars: map[string]any{"in": map[string]any{"title": "Later", "kind": "TECHNICAL", "status": "OPEN",
			"providerID": w.ProviderOrg, "postedAt": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)}},
			query: `mutation($in: CreateMatchOfferInput!) { createMatchOffer(input: $in) { id } }`, code: "BAD_USER_INPUT", words: "future"},
		{name: "a member posts a closed offer", who: w.Provider, vars: map[string]any{"in": map[string]any{"title": "Closed", "kind": "TECHNICAL", "status": "CLOSED", "providerID": w.ProviderOrg}},
			query: `mutation($in: CreateMatchOfferInput!) { createMatchOffer(input: $in) { id } }`, code: "FORBIDDEN", words: "OPEN"},
	}, ids)
	// postedAt defaults to the server's clock.
	r := w.Provider.Do(t, `query($id: ID!) { node(id: $id) { ... on MatchOffer { postedAt } } }`, map[string]any{"id": ids["offer"]})
	posted, err := time.Parse(time.RFC3339, r.Str("node.postedAt"))
	if err != nil || time.Since(posted) > time.Minute || time.Since(posted) < -time.Minute {
		t.Errorf("postedAt %q, want about now (%v)", r.Str("node.postedAt"), err)
	}
}

// TestExpiry: an OPEN offer past its expiresAt reads EXPIRED in its field
// and in every filter, nested and across edges, without anything having
// written it; it is not matched, and extending its expiry is reopening.
func TestExpiry(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testExpiry)
}

func testExpiry(t *testing.T, a *apitest.API) {
	w := apitest.NewMatchWorld(t, a)
	past := time.Now().Add(-48 * time.Hour).UTC().Format(time.RFC3339)
	ids := map[string]string{
		// Posted three days ago, expired two days ago: written by the
		// editor, as a member could not post it in the past... it can:
		// only the future is refused.
		"expired": w.Offer(t, map[string]any{"title": "Expired offer", "postedAt": time.Now().Add(-72 * time.Hour).UTC().Format(time.RFC3339), "expiresAt": past}),
		"live":    w.Offer(t, map[string]any{"title": "Live offer", "expiresAt": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)}),
		"need":    w.Need(t),
	}
	var stored string
	key := strings.TrimSpace(fmt.Sprint(a.Column(t, `SELECT status FROM match_offers WHERE title = 'Expired offer'`)))
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
		r := w.Editor.Do(t, q, map[string]any{"org": w.ProviderOrg, "s": tt.status})
		if len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		titles := func(path string) string {
			var out []string
			for i := range r.List(path) {
				out = append(out, r.Str(fmt.Sprintf("%s.%d.node.title", path, i)))
			}
			return strings.Join(out, ",")
		}
		if got := titles("top.edges"); got != tt.want || r.Str("top.edges.0.node.status") != tt.status {
			t.Errorf("matchOffers(status: %s) = %s (%s), want %s", tt.status, got, r.Str("top.edges.0.node.status"), tt.want)
		}
		if got := titles("org.offers.edges"); got != tt.want {
			t.Errorf("organization.offers(status: %s) = %s, want %s", tt.status, got, tt.want)
		}
		if r.Num("orgs.totalCount") != 1 {
			t.Errorf("organizations(hasOffersWith: {status: %s}) found %d", tt.status, r.Num("orgs.totalCount"))
		}
		if got := titles("not.edges"); got != tt.other {
			t.Errorf("matchOffers(statusNotIn: [%s]) = %s, want %s", tt.status, got, tt.other)
		}
	}
	runSteps(t, []step{
		{name: "proposing an expired offer", who: w.Seeker, query: apitest.Propose, vars: map[string]any{"n": "$need", "o": "$expired"}, code: "BAD_USER_INPUT", words: "the offer is EXPIRED"},
		{name: "a member extends the expiry", who: w.Provider, vars: map[string]any{"id": "$expired", "in": map[string]any{"expiresAt": time.Now().Add(240 * time.Hour).UTC().Format(time.RFC3339)}},
			query: `mutation($id: ID!, $in: UpdateMatchOfferInput!) { m: updateMatchOffer(id: $id, input: $in) { id status } }`, code: "FORBIDDEN", words: "EXPIRED → OPEN"},
		{name: "a member clears the expiry", who: w.Provider, vars: map[string]any{"id": "$expired", "in": map[string]any{"clearExpiresAt": true}},
			query: `mutation($id: ID!, $in: UpdateMatchOfferInput!) { m: updateMatchOffer(id: $id, input: $in) { id status } }`, code: "FORBIDDEN", words: "EXPIRED → OPEN"},
		{name: "a member closes it", who: w.Provider, vars: map[string]any{"id": "$expired", "in": map[string]any{"status": "CLOSED"}},
			query: `mutation($id: ID!, $in: UpdateMatchOfferInput!) { m: updateMatchOffer(id: $id, input: $in) { id status } }`, status: "CLOSED"},
		{name: "the live one is proposed", who: w.Seeker, query: apitest.Propose, vars: map[string]any{"n": "$need", "o": "$live"}, status: "PROPOSED"},
	}, ids)
}
