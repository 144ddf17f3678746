package search_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sscgraph/internal/apitest"
)

// TestSearchExclusions: a search with up to the documented 16 words or
// phrases, all but one excluded, answers through search, a list's where
// and an export; on SQLite 12 exclusions or more failed with "malformed
// MATCH expression" as INTERNAL_SERVER_ERROR, and the export with 500.
func TestSearchExclusions(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testSearchExclusions)
}

func testSearchExclusions(t *testing.T, a *apitest.API) {
	for _, n := range []int{11, 12, 15} {
		q := "national"
		for i := range n {
			q += " -zzq" + strings.Repeat("x", i+1)
		}
		want := a.Query(t, `{ activities(where: {search: "national"}) { totalCount } }`, nil).Num("activities.totalCount")
		if want == 0 {
			t.Fatal("no activity holds \"national\": the test proves nothing")
		}
		r := a.Query(t, `query($q: String!) { search(query: $q, types: [ACTIVITY]) { totalCount } activities(where: {search: $q}) { totalCount } }`, map[string]any{"q": q})
		if got := r.Num("search.totalCount"); got != want {
			t.Errorf("%d exclusions: search got %d hits, want %d", n, got, want)
		}
		if got := r.Num("activities.totalCount"); got != want {
			t.Errorf("%d exclusions: activities(where: {search}) got %d, want %d", n, got, want)
		}
		e := a.Export(t, "/export/activities.csv", url.Values{"where": {`{"search":"` + q + `"}`}}, "")
		if e.Status != http.StatusOK {
			t.Errorf("%d exclusions: export got status %d (%.200s), want 200", n, e.Status, e.Body)
		}
		rows, err := csv.NewReader(bytes.NewReader(e.Body)).ReadAll()
		if err != nil {
			t.Fatalf("%d exclusions: export is not CSV: %v", n, err)
		}
		if got := len(rows) - 1; got != want { // the header
			t.Errorf("%d exclusions: export got %d rows, want %d", n, got, want)
		}
	}
}
