package lifecycle

import (
	"time"

	"sscgraph/ent/matchoffer"
	"sscgraph/ent/predicate"
)

// The status filters of MatchOfferWhereInput, with expiry: ent/entc.go
// points the generated filter code here, so that `status: OPEN` leaves out
// offers past their expiresAt and `status: EXPIRED` finds them, in every
// filter that reaches offers (top level, nested, hasOffersWith…), as the
// status field reads. Each is decided at the time the query is built.

// OfferStatusEQ is status == s, as read.
func OfferStatusEQ(s matchoffer.Status) predicate.MatchOffer {
	return offerStatus(s, time.Now())
}

// OfferStatusNEQ is status != s, as read.
func OfferStatusNEQ(s matchoffer.Status) predicate.MatchOffer {
	return matchoffer.Not(OfferStatusEQ(s))
}

// OfferStatusIn is status in ss, as read.
func OfferStatusIn(ss ...matchoffer.Status) predicate.MatchOffer {
	now := time.Now()
	ps := make([]predicate.MatchOffer, len(ss))
	for i, s := range ss {
		ps[i] = offerStatus(s, now)
	}
	return matchoffer.Or(ps...)
}

// OfferStatusNotIn is status not in ss, as read.
func OfferStatusNotIn(ss ...matchoffer.Status) predicate.MatchOffer {
	return matchoffer.Not(OfferStatusIn(ss...))
}

func offerStatus(s matchoffer.Status, now time.Time) predicate.MatchOffer {
	switch s {
	case matchoffer.StatusOPEN:
		return matchoffer.And(matchoffer.StatusEQ(s), matchoffer.Or(matchoffer.ExpiresAtIsNil(), matchoffer.ExpiresAtGT(now)))
	case matchoffer.StatusEXPIRED:
		return matchoffer.Or(matchoffer.StatusEQ(s), matchoffer.And(matchoffer.StatusEQ(matchoffer.StatusOPEN), matchoffer.ExpiresAtLTE(now)))
	default:
		return matchoffer.StatusEQ(s)
	}
}
