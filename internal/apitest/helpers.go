package apitest

import (
	"testing"
)

// TopLevel is the root connection of each type.
var TopLevel = map[string]string{
	"Region": "regions", "Country": "countries", "Topic": "topics",
	"Recommendation": "recommendations", "Project": "projects",
	"Activity": "activities", "Consultant": "consultants",
	"Organization": "organizations", "MatchOffer": "matchOffers",
	"MatchNeed": "matchNeeds", "Match": "matches",
}

// NestedNot is a where-input nested depth levels deep.
func NestedNot(depth int) map[string]any {
	w := map[string]any{"titleContainsFold": "x"}
	for range depth - 1 {
		w = map[string]any{"not": w}
	}
	return w
}

// MustDecode returns the database key a global ID names, or fails the test.
func MustDecode(t *testing.T, id string) int {
	t.Helper()
	n, err := DefaultCodec.Decode(id)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
