package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"sscgraph/internal/server"
)

// The Match rules that read before they write (an offer's capacity, one
// live match per pair, a need matched once) must hold when the requests
// that break them arrive at the same moment. Each test below fires its
// requests together, each on a connection of its own, and checks both
// the answers and what the database holds afterwards.

// raceRounds is how many times each race is run: a race that is lost
// once in a few rounds must be seen.
const raceRounds = 50

// raceAnswer is one concurrent request's outcome, kept without failing the
// test from the request's goroutine.
type raceAnswer struct {
	status string // the match's status on success
	code   string // the error code otherwise
	msg    string
	err    error // the request itself failed (transport, decoding)
}

// shot is one request of a race: whose key sends it, with which
// variables.
type shot struct {
	key   string
	vars  map[string]any
	query string // fire's query when empty
}

// fire sends the requests at once, each on its own connection (a client
// without keep-alive), released together, and returns the answers in
// order.
func fire(a *api, query string, shots []shot) []raceAnswer {
	out := make([]raceAnswer, len(shots))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, s := range shots {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := query
			if s.query != "" {
				q = s.query
			}
			body, err := json.Marshal(map[string]any{"query": q, "variables": s.vars})
			if err != nil {
				out[i].err = err
				return
			}
			req, err := http.NewRequest(http.MethodPost, a.srv.URL+"/graphql", bytes.NewReader(body))
			if err != nil {
				out[i].err = err
				return
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+s.key)
			client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			<-start
			res, err := client.Do(req)
			if err != nil {
				out[i].err = err
				return
			}
			defer res.Body.Close()
			var r response
			if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
				out[i].err = fmt.Errorf("status %d: %w", res.StatusCode, err)
				return
			}
			if len(r.Errors) > 0 {
				out[i].code, out[i].msg = errCode(r), r.Errors[0].Message
				return
			}
			out[i].status = r.str("m.status")
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// tally counts the answers by status or error code ("BAD_USER_INPUT").
func tally(t *testing.T, answers []raceAnswer) map[string]int {
	t.Helper()
	n := map[string]int{}
	for _, a := range answers {
		switch {
		case a.err != nil:
			t.Errorf("a request failed: %v", a.err)
		case a.code != "":
			n[a.code]++
			if a.code != "BAD_USER_INPUT" {
				t.Errorf("refused with %s (%q), want BAD_USER_INPUT", a.code, a.msg)
			}
		default:
			n[a.status]++
		}
	}
	return n
}

// offerMatches counts an offer's matches of each status, as an EDITOR
// reads them.
func (w *matchWorld) offerMatches(t *testing.T, offer string) map[string]int {
	t.Helper()
	r := w.editor.do(t, `query($o: ID!) { matches(first: 100, where: {hasOfferWith: {id: $o}}) { edges { node { status } } } }`,
		map[string]any{"o": offer})
	if len(r.Errors) > 0 {
		t.Fatalf("reading the offer's matches: %+v", r.Errors)
	}
	n := map[string]int{}
	for i := range r.list("matches.edges") {
		n[r.str(fmt.Sprintf("matches.edges.%d.node.status", i))]++
	}
	return n
}

// proposals makes an offer of capacity k and n needs, each proposed to it
// by the provider, and returns the offer and the proposals' IDs.
func (w *matchWorld) proposals(t *testing.T, k, n int) (string, []string) {
	t.Helper()
	offer := w.offer(t, map[string]any{"capacity": k})
	var ids []string
	for range n {
		r := w.provider.do(t, propose, map[string]any{"n": w.need(t), "o": offer})
		if r.str("m.id") == "" {
			t.Fatalf("proposing: %+v", r.Errors)
		}
		ids = append(ids, r.str("m.id"))
	}
	return offer, ids
}

// TestConcurrentAcceptsRespectCapacity: n accepts sent together at an
// offer of capacity k leave exactly k matches ACCEPTED, the others
// refused with BAD_USER_INPUT, and the offer MATCHED; every round.
func TestConcurrentAcceptsRespectCapacity(t *testing.T) {
	forEachBackend(t, func(t *testing.T, a *api) {
		w := newMatchWorld(t, a)
		for _, tt := range []struct{ capacity, accepts int }{{1, 3}, {3, 5}} {
			t.Run(fmt.Sprintf("capacity %d", tt.capacity), func(t *testing.T) {
				for round := range raceRounds {
					offer, ids := w.proposals(t, tt.capacity, tt.accepts)
					shots := make([]shot, len(ids))
					for i, id := range ids {
						shots[i] = shot{key: w.seeker.key, vars: map[string]any{"id": id}}
					}
					got := tally(t, fire(a, accept, shots))
					if got["ACCEPTED"] != tt.capacity || got["BAD_USER_INPUT"] != tt.accepts-tt.capacity {
						t.Fatalf("round %d: answers %v, want %d ACCEPTED and %d BAD_USER_INPUT", round, got, tt.capacity, tt.accepts-tt.capacity)
					}
					if stored := w.offerMatches(t, offer); stored["ACCEPTED"] != tt.capacity || stored["PROPOSED"] != tt.accepts-tt.capacity {
						t.Fatalf("round %d: the offer's matches are %v, want %d ACCEPTED and %d PROPOSED", round, stored, tt.capacity, tt.accepts-tt.capacity)
					}
					r := w.editor.do(t, `query($o: ID!) { node(id: $o) { ... on MatchOffer { status } } }`, map[string]any{"o": offer})
					if got := r.str("node.status"); got != "MATCHED" {
						t.Fatalf("round %d: the full offer is %s, want MATCHED", round, got)
					}
				}
			})
		}
	})
}

// TestConcurrentProposalsOneLivePair: the same pair proposed by both
// parties at once, twice each, makes one live match; the others are
// refused with BAD_USER_INPUT.
func TestConcurrentProposalsOneLivePair(t *testing.T) {
	forEachBackend(t, func(t *testing.T, a *api) {
		w := newMatchWorld(t, a)
		for round := range raceRounds {
			offer := w.offer(t, nil)
			pair := map[string]any{"n": w.need(t), "o": offer}
			got := tally(t, fire(a, propose, []shot{{key: w.provider.key, vars: pair}, {key: w.seeker.key, vars: pair}, {key: w.provider.key, vars: pair}, {key: w.seeker.key, vars: pair}}))
			if got["PROPOSED"] != 1 || got["BAD_USER_INPUT"] != 3 {
				t.Fatalf("round %d: answers %v, want 1 PROPOSED and 3 BAD_USER_INPUT", round, got)
			}
			if stored := w.offerMatches(t, offer); stored["PROPOSED"] != 1 || len(stored) != 1 {
				t.Fatalf("round %d: the pair's matches are %v, want 1 PROPOSED", round, stored)
			}
		}
	})
}

// TestConcurrentAcceptsMatchANeedOnce: a need proposed to two offers,
// both accepted at once, ends with one ACCEPTED match and MATCHED; the
// other accept is refused with BAD_USER_INPUT (the need is no longer
// OPEN).
func TestConcurrentAcceptsMatchANeedOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, a *api) {
		w := newMatchWorld(t, a)
		for round := range raceRounds {
			need := w.need(t)
			var shots []shot
			for range 2 {
				r := w.seeker.do(t, propose, map[string]any{"n": need, "o": w.offer(t, map[string]any{"capacity": 2})})
				if r.str("m.id") == "" {
					t.Fatalf("proposing: %+v", r.Errors)
				}
				shots = append(shots, shot{key: w.provider.key, vars: map[string]any{"id": r.str("m.id")}})
			}
			got := tally(t, fire(a, accept, shots))
			if got["ACCEPTED"] != 1 || got["BAD_USER_INPUT"] != 1 {
				t.Fatalf("round %d: answers %v, want 1 ACCEPTED and 1 BAD_USER_INPUT", round, got)
			}
			r := w.editor.do(t, `query($n: ID!) { node(id: $n) { ... on MatchNeed { status } }
				matches(where: {hasNeedWith: {id: $n}, status: ACCEPTED}) { totalCount } }`, map[string]any{"n": need})
			if r.str("node.status") != "MATCHED" || r.num("matches.totalCount") != 1 {
				t.Fatalf("round %d: the need is %s with %d accepted matches, want MATCHED with 1", round, r.str("node.status"), r.num("matches.totalCount"))
			}
		}
	})
}

// TestConcurrentPostingWritesDoNotReopen: a party's write of its posting
// that keeps it OPEN (with a new title), sent as an acceptance fills the
// posting, never leaves it OPEN again: either the write comes first and
// the acceptance then marks the posting MATCHED, or it comes second and
// is refused as the reopening it would be (FORBIDDEN).
func TestConcurrentPostingWritesDoNotReopen(t *testing.T) {
	forEachBackend(t, func(t *testing.T, a *api) {
		w := newMatchWorld(t, a)
		for _, tt := range []struct {
			posting string // "offer" or "need"
			query   string
		}{
			{"offer", `mutation($id: ID!) { m: updateMatchOffer(id: $id, input: {status: OPEN, title: "Renamed"}) { id } }`},
			{"need", `mutation($id: ID!) { m: updateMatchNeed(id: $id, input: {status: OPEN, title: "Renamed"}) { id } }`},
		} {
			t.Run(tt.posting, func(t *testing.T) {
				for round := range raceRounds {
					offer, need := w.offer(t, nil), w.need(t)
					r := w.provider.do(t, propose, map[string]any{"n": need, "o": offer})
					if r.str("m.id") == "" {
						t.Fatalf("proposing: %+v", r.Errors)
					}
					owner, posting := w.provider, offer
					if tt.posting == "need" {
						owner, posting = w.seeker, need
					}
					answers := fire(a, "", []shot{
						{key: w.seeker.key, vars: map[string]any{"id": r.str("m.id")}, query: accept},
						{key: owner.key, vars: map[string]any{"id": posting}, query: tt.query},
					})
					if answers[0].err != nil || answers[0].status != "ACCEPTED" {
						t.Fatalf("round %d: the acceptance answered %+v, want ACCEPTED", round, answers[0])
					}
					if ans := answers[1]; ans.err != nil || (ans.code != "" && ans.code != "FORBIDDEN") {
						t.Fatalf("round %d: the posting's write answered %+v, want success or FORBIDDEN", round, ans)
					}
					r = w.editor.do(t, `query($id: ID!) { node(id: $id) { ... on MatchOffer { offer: status } ... on MatchNeed { need: status } } }`, map[string]any{"id": posting})
					if got := r.str("node." + tt.posting); got != "MATCHED" {
						t.Fatalf("round %d: the %s is %s after the acceptance (the write answered %+v), want MATCHED", round, tt.posting, got, answers[1])
					}
				}
			})
		}
	})
}

// TestCrossedAcceptsNeverFailInternally: two operations that each accept
// two matches, on the same two offers in opposite orders, can deadlock
// on PostgreSQL (each holds one offer and waits for the other). The
// database then aborts one: it must answer BAD_USER_INPUT asking to send
// it again, never an internal error, and write nothing of it.
func TestCrossedAcceptsNeverFailInternally(t *testing.T) {
	forEachBackendWith(t, deadlockConfig(), func(t *testing.T, a *api) {
		w := newMatchWorld(t, a)
		const both = `mutation($first: ID!, $second: ID!) {
			one: respondToMatch(id: $first, accept: true) { status }
			two: respondToMatch(id: $second, accept: true) { status } }`
		refused := 0
		for round := range raceRounds {
			x, y := w.offer(t, map[string]any{"capacity": 2}), w.offer(t, map[string]any{"capacity": 2})
			matchOf := func(offer string) string {
				r := w.provider.do(t, propose, map[string]any{"n": w.need(t), "o": offer})
				if r.str("m.id") == "" {
					t.Fatalf("proposing: %+v", r.Errors)
				}
				return r.str("m.id")
			}
			ops := [][2]string{{matchOf(x), matchOf(y)}, {matchOf(y), matchOf(x)}}
			answers := fire(a, both, []shot{
				{key: w.seeker.key, vars: map[string]any{"first": ops[0][0], "second": ops[0][1]}},
				{key: w.seeker.key, vars: map[string]any{"first": ops[1][0], "second": ops[1][1]}},
			})
			for i, ans := range answers {
				if ans.err != nil || (ans.code != "" && ans.code != "BAD_USER_INPUT") {
					t.Fatalf("round %d: operation %d answered %+v, want success or BAD_USER_INPUT", round, i, ans)
				}
				want := "ACCEPTED"
				if ans.code != "" {
					want = "PROPOSED" // nothing of a refused operation is written
					refused++
				}
				for _, id := range ops[i] {
					r := w.editor.do(t, `query($id: ID!) { node(id: $id) { ... on Match { status } } }`, map[string]any{"id": id})
					if got := r.str("node.status"); got != want {
						t.Fatalf("round %d: operation %d answered %+v and left a match %s, want %s", round, i, ans, got, want)
					}
				}
			}
		}
		t.Logf("%d of %d crossed operations were refused as conflicts", refused, 2*raceRounds)
	})
}

// deadlockConfig is the server's default configuration with requests
// charged their price alone: each deadlock holds its requests for
// PostgreSQL's deadlock_timeout (1 s), which the charge for time would
// bill at about 50,000 points, so a test provoking dozens of them would
// empty its key's bucket and read RATE_LIMITED instead of the answers it
// checks.
func deadlockConfig() server.Config {
	cfg := server.DefaultConfig()
	cfg.Limits.TimePerPoint = time.Hour
	return cfg
}
