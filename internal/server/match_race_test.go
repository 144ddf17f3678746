package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
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
	key  string
	vars map[string]any
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
			body, err := json.Marshal(map[string]any{"query": query, "variables": s.vars})
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
						shots[i] = shot{w.seeker.key, map[string]any{"id": id}}
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
			got := tally(t, fire(a, propose, []shot{{w.provider.key, pair}, {w.seeker.key, pair}, {w.provider.key, pair}, {w.seeker.key, pair}}))
			if got["PROPOSED"] != 1 || got["BAD_USER_INPUT"] != 3 {
				t.Fatalf("round %d: answers %v, want 1 PROPOSED and 3 BAD_USER_INPUT", round, got)
			}
			if stored := w.offerMatches(t, offer); stored["PROPOSED"] != 1 || len(stored) != 1 {
				t.Fatalf("round %d: the pair's matches are %v, want 1 PROPOSED", round, stored)
			}
		}
	})
}
