package lifecycle

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestPosting is the table of posting moves, for members and moderators.
func TestPosting(t *testing.T) {
	statuses := []string{Open, Matched, Closed, Expired}
	// allowed[from][to]: "" refused, "m" members and moderators,
	// "mod" moderators only.
	allowed := map[string]map[string]string{
		Open:    {Matched: "m", Closed: "m"},
		Matched: {Closed: "m", Open: "mod"},
		Closed:  {Open: "mod"},
		Expired: {Closed: "m", Open: "mod"},
	}
	for _, from := range statuses {
		for _, to := range statuses {
			for _, moderator := range []bool{false, true} {
				err := Posting("offer", from, to, "", moderator)
				want := from == to || allowed[from][to] == "m" || (moderator && allowed[from][to] == "mod")
				if (err == nil) != want {
					t.Errorf("%s → %s (moderator %v): %v, want allowed %v", from, to, moderator, err, want)
				}
				var r *Refusal
				if err != nil && !errors.As(err, &r) {
					t.Errorf("%s → %s: %T is not a Refusal", from, to, err)
				}
				if err != nil && to == Open && !r.Forbidden {
					t.Errorf("%s → OPEN by a member: a bad request, want forbidden", from)
				}
			}
		}
	}
	if err := Posting("offer", Open, Expired, Expired, true); err == nil {
		t.Error("writing EXPIRED was allowed")
	}
}

// TestMatchMove is the match state machine, every pair of states.
func TestMatchMove(t *testing.T) {
	states := []string{"", Proposed, Accepted, Declined, Withdrawn, Completed}
	want := map[string]Action{
		"→" + Proposed:             Propose,
		Proposed + "→" + Accepted:  Accept,
		Proposed + "→" + Declined:  Decline,
		Proposed + "→" + Withdrawn: Withdraw,
		Accepted + "→" + Completed: Complete,
	}
	for _, from := range states {
		for _, to := range states[1:] {
			a, err := MatchMove(from, to)
			w, ok := want[from+"→"+to]
			if ok != (err == nil) || a != w {
				t.Errorf("%q → %s: %q, %v; want %q", from, to, a, err, w)
			}
		}
	}
	_, err := MatchMove(Proposed, Completed)
	if err == nil || err.Error() != "the match is PROPOSED: it can become ACCEPTED or DECLINED or WITHDRAWN, not COMPLETED" {
		t.Errorf("refusal names the states: %v", err)
	}
}

// TestMayAct: who may take each action.
func TestMayAct(t *testing.T) {
	const provider, seeker, stranger = 1, 2, 3
	tests := []struct {
		org, proposedBy int
		moderator       bool
		action          Action
		ok              bool
	}{
		{provider, 0, false, Propose, true},
		{seeker, 0, false, Propose, true},
		{stranger, 0, false, Propose, false},
		{0, 0, true, Propose, true},
		{provider, provider, false, Accept, false},
		{seeker, provider, false, Accept, true},
		{seeker, seeker, false, Decline, false},
		{provider, 0, false, Accept, true}, // proposed by a moderator: either party answers
		{provider, provider, false, Withdraw, true},
		{seeker, provider, false, Withdraw, false},
		{stranger, provider, false, Complete, false},
		{seeker, provider, false, Complete, true},
		{0, provider, true, Withdraw, true},
	}
	for _, tt := range tests {
		p := Party{Moderator: tt.moderator, Org: tt.org, Provider: provider, Seeker: seeker, ProposedBy: tt.proposedBy}
		err := MayAct(p, tt.action, Proposed)
		if (err == nil) != tt.ok {
			t.Errorf("%+v %s: %v, want allowed %v", p, tt.action, err, tt.ok)
		}
	}
}

// TestEffective: OPEN past its expiry reads EXPIRED; nothing else changes.
func TestEffective(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	past, future := now.Add(-time.Second), now.Add(time.Second)
	for _, tt := range []struct {
		stored  string
		expires *time.Time
		want    string
	}{
		{Open, nil, Open}, {Open, &future, Open}, {Open, &past, Expired}, {Open, &now, Expired},
		{Closed, &past, Closed}, {Matched, &past, Matched}, {Expired, nil, Expired},
	} {
		if got := Effective(tt.stored, tt.expires, now); got != tt.want {
			t.Errorf("Effective(%s, %s) = %s, want %s", tt.stored, fmt.Sprint(tt.expires), got, tt.want)
		}
	}
}

// TestFinal: the statuses a match cannot leave.
func TestFinal(t *testing.T) {
	tests := []struct {
		status string
		want   bool
	}{
		{"", false},
		{Proposed, false},
		{Accepted, false},
		{Declined, true},
		{Withdrawn, true},
		{Completed, true},
	}
	for _, tt := range tests {
		if got := Final(tt.status); got != tt.want {
			t.Errorf("Final(%q) = %v, want %v", tt.status, got, tt.want)
		}
	}
}

// TestPostingMessagesArticles pins the articles of the refusals' words:
// "a need", "an offer", "an EXPIRED offer", never "an need".
func TestPostingMessagesArticles(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{Posting("need", Closed, Matched, "", true), "a need cannot go from CLOSED to MATCHED"},
		{Posting("offer", Closed, Matched, "", true), "an offer cannot go from CLOSED to MATCHED"},
		{Posting("need", Open, Expired, Expired, true), "EXPIRED cannot be written: a need is EXPIRED"},
		{NewPosting("need", Expired, true), "EXPIRED cannot be written: a need is EXPIRED"},
		{Posting("offer", Expired, Open, "", false), "only an EDITOR or ADMIN key can reopen an EXPIRED offer"},
		{Posting("need", Closed, Open, "", false), "only an EDITOR or ADMIN key can reopen a CLOSED need"},
	} {
		if tt.err == nil || !strings.HasPrefix(tt.err.Error(), tt.want) {
			t.Errorf("%v, want it to begin %q", tt.err, tt.want)
		}
	}
}
