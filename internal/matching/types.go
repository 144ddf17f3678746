// Package matching finds the offers that fit a need, the needs an offer
// fits and the consultants that fit an activity, and explains why: the
// GraphQL suggestion types and the ranking behind them.
package matching

import (
	"entgo.io/contrib/entgql"

	"sscgraph/ent"
)

// OfferSuggestion is an offer suggested for a need.
type OfferSuggestion struct {
	Offer   *ent.MatchOffer
	Score   float64
	Reasons []string
}

// OfferSuggestionEdge is an OfferSuggestion in a page.
type OfferSuggestionEdge struct {
	Node   *OfferSuggestion
	Cursor entgql.Cursor[int]
}

// OfferSuggestionConnection is a page of suggested offers, best first.
type OfferSuggestionConnection struct {
	Edges      []*OfferSuggestionEdge
	PageInfo   entgql.PageInfo[int]
	TotalCount int
}

// NeedSuggestion is a need suggested for an offer.
type NeedSuggestion struct {
	Need    *ent.MatchNeed
	Score   float64
	Reasons []string
}

// NeedSuggestionEdge is a NeedSuggestion in a page.
type NeedSuggestionEdge struct {
	Node   *NeedSuggestion
	Cursor entgql.Cursor[int]
}

// NeedSuggestionConnection is a page of suggested needs, best first.
type NeedSuggestionConnection struct {
	Edges      []*NeedSuggestionEdge
	PageInfo   entgql.PageInfo[int]
	TotalCount int
}

// ConsultantSuggestion is a consultant suggested from the roster.
type ConsultantSuggestion struct {
	Consultant *ent.Consultant
	Score      float64
	Reasons    []string
}

// ConsultantSuggestionEdge is a ConsultantSuggestion in a page.
type ConsultantSuggestionEdge struct {
	Node   *ConsultantSuggestion
	Cursor entgql.Cursor[int]
}

// ConsultantSuggestionConnection is a page of suggested consultants, best
// first.
type ConsultantSuggestionConnection struct {
	Edges      []*ConsultantSuggestionEdge
	PageInfo   entgql.PageInfo[int]
	TotalCount int
}
