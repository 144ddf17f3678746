package server_test

import (
	"strings"
	"testing"

	"sscgraph/internal/apitest"
)

// TestValidationMessages: a value the model refuses is answered
// BAD_USER_INPUT with a plain message naming the input field and
// extensions.field, never ent's own text ("ent: validator failed for
// field …"); required text of only spaces is refused like empty text.
func TestValidationMessages(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testValidationMessages)
}

func testValidationMessages(t *testing.T, a *apitest.API) {
	w := apitest.NewMatchWorld(t, a)
	offers := a.Count(t, `SELECT count(*) FROM match_offers`)
	base := func(extra map[string]any) map[string]any {
		in := map[string]any{"title": "An offer", "kind": "TECHNICAL", "status": "OPEN", "providerID": w.ProviderOrg, "topicIDs": []string{w.Topic}}
		for k, v := range extra {
			in[k] = v
		}
		return map[string]any{"in": in}
	}
	for _, c := range []struct {
		name      string
		vars      map[string]any
		wantMsg   string
		wantField string
	}{
		{"capacity below its minimum", base(map[string]any{"capacity": 0}), "input.capacity: must be at least 1", "input.capacity"},
		{"capacity above its maximum", base(map[string]any{"capacity": 10001}), "input.capacity: must be at most 10000", "input.capacity"},
		{"title of only spaces", base(map[string]any{"title": "   "}), "input.title: must not be empty", "input.title"},
		{"empty title", base(map[string]any{"title": ""}), "input.title: must not be empty", "input.title"},
		{"title too long", base(map[string]any{"title": strings.Repeat("t", 501)}), "input.title: is 501 characters long; at most 500 are allowed", "input.title"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := w.Provider.Do(t, `mutation($in: CreateMatchOfferInput!) { createMatchOffer(input: $in) { id } }`, c.vars)
			if got := apitest.ErrCode(r); got != "BAD_USER_INPUT" {
				t.Fatalf("got code %q (%+v), want BAD_USER_INPUT", got, r.Errors)
			}
			if got := r.Errors[0].Message; got != c.wantMsg {
				t.Errorf("got message %q, want %q", got, c.wantMsg)
			}
			if got := r.Errors[0].Extensions["field"]; got != c.wantField {
				t.Errorf("got extensions.field %v, want %q", got, c.wantField)
			}
		})
	}
	if got := a.Count(t, `SELECT count(*) FROM match_offers`); got != offers {
		t.Errorf("got %d offers, want %d: a refused offer was written", got, offers)
	}
}
