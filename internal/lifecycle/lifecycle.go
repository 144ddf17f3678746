// Package lifecycle holds the Match platform's rules of state, in one
// place: which status changes a posting (an offer or a need) and a match
// may make, who may make them, and the status an offer has once it has
// expired. The ent schema's hooks enforce the rules on every write,
// whichever mutation leads to it; the GraphQL layer reads expiry here.
//
// Rule: this package may never import sscgraph/ent, directly or through
// another package. The generated ent code imports it (ent/entc.go points
// the offers' status filters here), so such an import is a cycle that
// breaks the build and with it the generation that would repair it (test:
// internal/genguard, TestGeneratedCodesPackagesDoNotImportEnt). The
// generated leaf packages it uses (ent/predicate, ent/matchoffer,
// ent/match; ent/migrate in its tests) import nothing of sscgraph/ent.
package lifecycle

import (
	"context"
	"fmt"
	"strings"
	"time"

	"sscgraph/ent/match"
	"sscgraph/ent/matchoffer"
	"sscgraph/internal/apierr"
)

// Posting statuses (offers and needs; needs never expire), taken from
// ent's enum constants so that a renamed value breaks the build instead of
// the rules. An offer's statuses are a superset of a need's; a test keeps
// the need's the same.
const (
	Open    = string(matchoffer.StatusOPEN)
	Matched = string(matchoffer.StatusMATCHED)
	Closed  = string(matchoffer.StatusCLOSED)
	Expired = string(matchoffer.StatusEXPIRED)
)

// Match statuses, from ent's enum constants for the same reason.
const (
	Proposed  = string(match.StatusPROPOSED)
	Accepted  = string(match.StatusACCEPTED)
	Declined  = string(match.StatusDECLINED)
	Withdrawn = string(match.StatusWITHDRAWN)
	Completed = string(match.StatusCOMPLETED)
)

// Refusal is a change the rules do not allow: Forbidden when the caller's
// role or party may not make it (FORBIDDEN), a bad request otherwise
// (BAD_USER_INPUT). Its message names the current and requested state.
type Refusal struct {
	Forbidden bool
	Message   string
}

func (r *Refusal) Error() string { return r.Message }

func refuse(format string, args ...any) *Refusal {
	return &Refusal{Message: fmt.Sprintf(format, args...)}
}

func forbid(format string, args ...any) *Refusal {
	return &Refusal{Forbidden: true, Message: fmt.Sprintf(format, args...)}
}

// Effective is an offer's status as everyone reads it: OPEN past its
// expiresAt is EXPIRED, whether or not anything has written that.
func Effective(stored string, expiresAt *time.Time, now time.Time) string {
	if stored == Open && expiresAt != nil && !expiresAt.After(now) {
		return Expired
	}
	return stored
}

// postingMoves are the changes anyone who may edit a posting may make.
var postingMoves = map[[2]string]bool{
	{Open, Matched}:   true,
	{Open, Closed}:    true,
	{Matched, Closed}: true,
	{Expired, Closed}: true,
}

// Posting checks a client's change of a posting from one effective status
// to another (what the posting read as before the write and reads as
// after it, expiry included; wrote is the status the write sets, if any).
// kind names the posting ("offer", "need").
// Reopening (CLOSED, MATCHED or EXPIRED back to OPEN) is for moderators
// (EDITOR and ADMIN keys) alone, however the write gets there: a status,
// a later expiry, or both.
func Posting(kind, from, to, wrote string, moderator bool) error {
	if wrote == Expired {
		return refuse("EXPIRED cannot be written: %s is EXPIRED once its expiresAt has passed", apierr.WithArticle(kind))
	}
	if from == to {
		return nil
	}
	if to == Open {
		if !moderator {
			return forbid("only an EDITOR or ADMIN key can reopen %s %s (%s → OPEN)", apierr.WithArticle(from), kind, from)
		}
		return nil
	}
	if postingMoves[[2]string{from, to}] {
		return nil
	}
	return refuse("%s cannot go from %s to %s (OPEN → MATCHED → CLOSED, or OPEN → CLOSED)", apierr.WithArticle(kind), from, to)
}

// NewPosting checks the status a posting is created with: OPEN, or for
// moderators recording a posting after the fact, MATCHED or CLOSED.
func NewPosting(kind, status string, moderator bool) error {
	switch {
	case status == Expired:
		return refuse("EXPIRED cannot be written: %s is EXPIRED once its expiresAt has passed", apierr.WithArticle(kind))
	case status != Open && !moderator:
		return forbid("a new %s is OPEN; only an EDITOR or ADMIN key records one that is %s", kind, status)
	}
	return nil
}

// Action is a step of a match's life, as the API names it.
type Action string

// The actions, with the mutation that takes each.
const (
	Propose  Action = "proposeMatch"
	Accept   Action = "respondToMatch (accept)"
	Decline  Action = "respondToMatch (decline)"
	Withdraw Action = "withdrawMatch"
	Complete Action = "completeMatch"
)

// matchStates are the match statuses in the order of a match's life.
var matchStates = []string{Proposed, Accepted, Declined, Withdrawn, Completed}

// matchMoves is the match state machine: the status each action leads to
// from the one it starts from ("" for a new match).
var matchMoves = map[[2]string]Action{
	{"", Proposed}:        Propose,
	{Proposed, Accepted}:  Accept,
	{Proposed, Declined}:  Decline,
	{Proposed, Withdrawn}: Withdraw,
	{Accepted, Completed}: Complete,
}

// MatchMove checks a match's change of status from one state to another
// ("" for a new match) and returns the action it is.
func MatchMove(from, to string) (Action, error) {
	if a, ok := matchMoves[[2]string{from, to}]; ok {
		return a, nil
	}
	if from == "" {
		return "", refuse("a match starts PROPOSED, not %s (proposeMatch)", to)
	}
	var next []string
	for _, s := range matchStates {
		if _, ok := matchMoves[[2]string{from, s}]; ok {
			next = append(next, s)
		}
	}
	if len(next) == 0 {
		return "", refuse("the match is %s, which is final: it cannot become %s", from, to)
	}
	return "", refuse("the match is %s: it can become %s, not %s", from, strings.Join(next, " or "), to)
}

// Final reports whether a match in status has no move left (COMPLETED,
// DECLINED, WITHDRAWN): its record is history, which its parties do not
// rewrite.
func Final(status string) bool {
	for move := range matchMoves {
		if move[0] == status {
			return false
		}
	}
	return status != ""
}

// Live reports whether a match in status holds its pair: one live match
// per offer and need at a time.
func Live(status string) bool { return status == Proposed || status == Accepted }

// Counts reports whether a match in status uses a place of its offer's
// capacity.
func Counts(status string) bool { return status == Accepted || status == Completed }

// Party is who acts on a match, as the rules see it.
type Party struct {
	Moderator  bool // an EDITOR or ADMIN key
	Org        int  // a MEMBER key's organization, else 0
	Provider   int  // the offer's organization
	Seeker     int  // the need's organization
	ProposedBy int  // the organization that proposed, 0 for a moderator
}

// MayAct checks that the caller may take action on the match: moderators
// always; a MEMBER key of a party for propose and complete; of the party
// that did not propose for accept and decline; of the proposer for
// withdraw.
func MayAct(p Party, a Action, current string) error {
	if p.Moderator {
		return nil
	}
	party := p.Org != 0 && (p.Org == p.Provider || p.Org == p.Seeker)
	if !party {
		return forbid("only the offer's or the need's organization (or an EDITOR or ADMIN key) can act on this match")
	}
	switch a {
	case Accept, Decline:
		if p.ProposedBy != 0 && p.Org == p.ProposedBy {
			return forbid("the match was proposed by your organization: the other party accepts or declines it (it is %s)", current)
		}
	case Withdraw:
		if p.ProposedBy != p.Org {
			return forbid("only the organization that proposed the match can withdraw it (it is %s)", current)
		}
	}
	return nil
}

type actionKey struct{}

// WithAction marks ctx as taking action through its own mutation
// (proposeMatch, …): the one way MEMBER keys change a match's state.
func WithAction(ctx context.Context, a Action) context.Context {
	return context.WithValue(ctx, actionKey{}, a)
}

// ActionFrom returns the action WithAction put in ctx.
func ActionFrom(ctx context.Context) (Action, bool) {
	a, ok := ctx.Value(actionKey{}).(Action)
	return a, ok
}
