package lifecycle_test

import (
	"fmt"
	"testing"

	"sscgraph/internal/apitest"
)

// The Match rules that read before they write (an offer's capacity, one
// live match per pair, a need matched once) must hold when the requests
// that break them arrive at the same moment. Each test below fires its
// requests together, each on a connection of its own, and checks both
// the answers and what the database holds afterwards.

// tally counts the answers by status or error code ("BAD_USER_INPUT").
func tally(t *testing.T, answers []apitest.RaceAnswer) map[string]int {
	t.Helper()
	n := map[string]int{}
	for _, a := range answers {
		switch {
		case a.Err != nil:
			t.Errorf("a request failed: %v", a.Err)
		case a.Code != "":
			n[a.Code]++
			if a.Code != "BAD_USER_INPUT" {
				t.Errorf("refused with %s (%q), want BAD_USER_INPUT", a.Code, a.Msg)
			}
		default:
			n[a.Status]++
		}
	}
	return n
}

// offerMatches counts an offer's matches of each status, as an EDITOR
// reads them.
func offerMatches(t *testing.T, w *apitest.MatchWorld, offer string) map[string]int {
	t.Helper()
	r := w.Editor.Do(t, `query($o: ID!) { matches(first: 100, where: {hasOfferWith: {id: $o}}) { edges { node { status } } } }`,
		map[string]any{"o": offer})
	if len(r.Errors) > 0 {
		t.Fatalf("reading the offer's matches: %+v", r.Errors)
	}
	n := map[string]int{}
	for i := range r.List("matches.edges") {
		n[r.Str(fmt.Sprintf("matches.edges.%d.node.status", i))]++
	}
	return n
}

// proposals makes an offer of capacity k and n needs, each proposed to it
// by the provider, and returns the offer and the proposals' IDs.
func proposals(t *testing.T, w *apitest.MatchWorld, k, n int) (string, []string) {
	t.Helper()
	offer := w.Offer(t, map[string]any{"capacity": k})
	var ids []string
	for range n {
		r := w.Provider.Do(t, apitest.Propose, map[string]any{"n": w.Need(t), "o": offer})
		if r.Str("m.id") == "" {
			t.Fatalf("proposing: %+v", r.Errors)
		}
		ids = append(ids, r.Str("m.id"))
	}
	return offer, ids
}

// TestConcurrentAcceptsRespectCapacity: n accepts sent together at an
// offer of capacity k leave exactly k matches ACCEPTED, the others
// refused with BAD_USER_INPUT, and the offer MATCHED; every round.
func TestConcurrentAcceptsRespectCapacity(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackendWith(t, apitest.DeadlockConfig(), func(t *testing.T, a *apitest.API) {
		w := apitest.NewMatchWorld(t, a)
		for _, tt := range []struct{ capacity, accepts int }{{1, 3}, {3, 5}} {
			t.Run(fmt.Sprintf("capacity %d", tt.capacity), func(t *testing.T) {
				for round := range apitest.RaceRounds {
					offer, ids := proposals(t, w, tt.capacity, tt.accepts)
					shots := make([]apitest.Shot, len(ids))
					for i, id := range ids {
						shots[i] = apitest.Shot{Key: w.Seeker.Key, Vars: map[string]any{"id": id}}
					}
					got := tally(t, apitest.Fire(a, apitest.Accept, shots))
					if got["ACCEPTED"] != tt.capacity || got["BAD_USER_INPUT"] != tt.accepts-tt.capacity {
						t.Fatalf("round %d: answers %v, want %d ACCEPTED and %d BAD_USER_INPUT", round, got, tt.capacity, tt.accepts-tt.capacity)
					}
					if stored := offerMatches(t, w, offer); stored["ACCEPTED"] != tt.capacity || stored["PROPOSED"] != tt.accepts-tt.capacity {
						t.Fatalf("round %d: the offer's matches are %v, want %d ACCEPTED and %d PROPOSED", round, stored, tt.capacity, tt.accepts-tt.capacity)
					}
					r := w.Editor.Do(t, `query($o: ID!) { node(id: $o) { ... on MatchOffer { status } } }`, map[string]any{"o": offer})
					if got := r.Str("node.status"); got != "MATCHED" {
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
	t.Parallel()
	apitest.ForEachBackendWith(t, apitest.DeadlockConfig(), func(t *testing.T, a *apitest.API) {
		w := apitest.NewMatchWorld(t, a)
		for round := range apitest.RaceRounds {
			offer := w.Offer(t, nil)
			pair := map[string]any{"n": w.Need(t), "o": offer}
			got := tally(t, apitest.Fire(a, apitest.Propose, []apitest.Shot{{Key: w.Provider.Key, Vars: pair}, {Key: w.Seeker.Key, Vars: pair}, {Key: w.Provider.Key, Vars: pair}, {Key: w.Seeker.Key, Vars: pair}}))
			if got["PROPOSED"] != 1 || got["BAD_USER_INPUT"] != 3 {
				t.Fatalf("round %d: answers %v, want 1 PROPOSED and 3 BAD_USER_INPUT", round, got)
			}
			if stored := offerMatches(t, w, offer); stored["PROPOSED"] != 1 || len(stored) != 1 {
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
	t.Parallel()
	apitest.ForEachBackendWith(t, apitest.DeadlockConfig(), func(t *testing.T, a *apitest.API) {
		w := apitest.NewMatchWorld(t, a)
		for round := range apitest.RaceRounds {
			need := w.Need(t)
			var shots []apitest.Shot
			for range 2 {
				r := w.Seeker.Do(t, apitest.Propose, map[string]any{"n": need, "o": w.Offer(t, map[string]any{"capacity": 2})})
				if r.Str("m.id") == "" {
					t.Fatalf("proposing: %+v", r.Errors)
				}
				shots = append(shots, apitest.Shot{Key: w.Provider.Key, Vars: map[string]any{"id": r.Str("m.id")}})
			}
			got := tally(t, apitest.Fire(a, apitest.Accept, shots))
			if got["ACCEPTED"] != 1 || got["BAD_USER_INPUT"] != 1 {
				t.Fatalf("round %d: answers %v, want 1 ACCEPTED and 1 BAD_USER_INPUT", round, got)
			}
			r := w.Editor.Do(t, `query($n: ID!) { node(id: $n) { ... on MatchNeed { status } }
				matches(where: {hasNeedWith: {id: $n}, status: ACCEPTED}) { totalCount } }`, map[string]any{"n": need})
			if r.Str("node.status") != "MATCHED" || r.Num("matches.totalCount") != 1 {
				t.Fatalf("round %d: the need is %s with %d accepted matches, want MATCHED with 1", round, r.Str("node.status"), r.Num("matches.totalCount"))
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
	t.Parallel()
	apitest.ForEachBackendWith(t, apitest.DeadlockConfig(), func(t *testing.T, a *apitest.API) {
		w := apitest.NewMatchWorld(t, a)
		for _, tt := range []struct {
			posting string // "offer" or "need"
			query   string
		}{
			{"offer", `mutation($id: ID!) { m: updateMatchOffer(id: $id, input: {status: OPEN, title: "Renamed"}) { id } }`},
			{"need", `mutation($id: ID!) { m: updateMatchNeed(id: $id, input: {status: OPEN, title: "Renamed"}) { id } }`},
		} {
			t.Run(tt.posting, func(t *testing.T) {
				for round := range apitest.RaceRounds {
					offer, need := w.Offer(t, nil), w.Need(t)
					r := w.Provider.Do(t, apitest.Propose, map[string]any{"n": need, "o": offer})
					if r.Str("m.id") == "" {
						t.Fatalf("proposing: %+v", r.Errors)
					}
					owner, posting := w.Provider, offer
					if tt.posting == "need" {
						owner, posting = w.Seeker, need
					}
					answers := apitest.Fire(a, "", []apitest.Shot{
						{Key: w.Seeker.Key, Vars: map[string]any{"id": r.Str("m.id")}, Query: apitest.Accept},
						{Key: owner.Key, Vars: map[string]any{"id": posting}, Query: tt.query},
					})
					if answers[0].Err != nil || answers[0].Status != "ACCEPTED" {
						t.Fatalf("round %d: the acceptance answered %+v, want ACCEPTED", round, answers[0])
					}
					if ans := answers[1]; ans.Err != nil || (ans.Code != "" && ans.Code != "FORBIDDEN") {
						t.Fatalf("round %d: the posting's write answered %+v, want success or FORBIDDEN", round, ans)
					}
					r = w.Editor.Do(t, `query($id: ID!) { node(id: $id) { ... on MatchOffer { offer: status } ... on MatchNeed { need: status } } }`, map[string]any{"id": posting})
					if got := r.Str("node." + tt.posting); got != "MATCHED" {
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
	t.Parallel()
	apitest.ForEachBackendWith(t, apitest.DeadlockConfig(), func(t *testing.T, a *apitest.API) {
		w := apitest.NewMatchWorld(t, a)
		const both = `mutation($first: ID!, $second: ID!) {
			one: respondToMatch(id: $first, accept: true) { status }
			two: respondToMatch(id: $second, accept: true) { status } }`
		refused := 0
		for round := range apitest.RaceRounds {
			x, y := w.Offer(t, map[string]any{"capacity": 2}), w.Offer(t, map[string]any{"capacity": 2})
			matchOf := func(offer string) string {
				r := w.Provider.Do(t, apitest.Propose, map[string]any{"n": w.Need(t), "o": offer})
				if r.Str("m.id") == "" {
					t.Fatalf("proposing: %+v", r.Errors)
				}
				return r.Str("m.id")
			}
			ops := [][2]string{{matchOf(x), matchOf(y)}, {matchOf(y), matchOf(x)}}
			answers := apitest.Fire(a, both, []apitest.Shot{
				{Key: w.Seeker.Key, Vars: map[string]any{"first": ops[0][0], "second": ops[0][1]}},
				{Key: w.Seeker.Key, Vars: map[string]any{"first": ops[1][0], "second": ops[1][1]}},
			})
			for i, ans := range answers {
				if ans.Err != nil || (ans.Code != "" && ans.Code != "BAD_USER_INPUT") {
					t.Fatalf("round %d: operation %d answered %+v, want success or BAD_USER_INPUT", round, i, ans)
				}
				want := "ACCEPTED"
				if ans.Code != "" {
					want = "PROPOSED" // nothing of a refused operation is written
					refused++
				}
				for _, id := range ops[i] {
					r := w.Editor.Do(t, `query($id: ID!) { node(id: $id) { ... on Match { status } } }`, map[string]any{"id": id})
					if got := r.Str("node.status"); got != want {
						t.Fatalf("round %d: operation %d answered %+v and left a match %s, want %s", round, i, ans, got, want)
					}
				}
			}
		}
		t.Logf("%d of %d crossed operations were refused as conflicts", refused, 2*apitest.RaceRounds)
	})
}
