package stats_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"sscgraph/internal/apitest"
)

// TestMatchTimingMatchesSQL: matchTiming's medians equal the medians the
// test computes itself from the matches' and their postings' times, read
// in SQL, with and without a filter, and are null over no match, on both
// databases.
func TestMatchTimingMatchesSQL(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, func(t *testing.T, a *apitest.API) {
		for _, tc := range []struct {
			name, where, cond string
		}{
			{"all", `{}`, `1 = 1`},
			{"accepted", `{status: ACCEPTED}`, `m.status = 'ACCEPTED'`},
			{"completed", `{status: COMPLETED}`, `m.status = 'COMPLETED'`},
			{"none", `{createdAtLT: "1990-01-01T00:00:00Z"}`, `1 = 0`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				rows, err := a.DB.SQL.Query(`SELECT m.created_at, n.posted_at, o.posted_at FROM matches m
					JOIN match_needs n ON n.id = m.need_id JOIN match_offers o ON o.id = m.offer_id WHERE ` + tc.cond)
				if err != nil {
					t.Fatal(err)
				}
				var fromNeed, fromOffer []float64
				for rows.Next() {
					var created, need, offer time.Time
					if err := rows.Scan(&created, &need, &offer); err != nil {
						t.Fatal(err)
					}
					fromNeed = append(fromNeed, created.Sub(need).Hours()/24)
					fromOffer = append(fromOffer, created.Sub(offer).Hours()/24)
				}
				if err := rows.Err(); err != nil {
					t.Fatal(err)
				}
				rows.Close()
				r := a.Query(t, `{ matchTiming(where: `+tc.where+`) { count medianDaysFromNeed medianDaysFromOffer } }`, nil)
				if got := r.Num("matchTiming.count"); got != len(fromNeed) {
					t.Errorf("count %d, SQL %d", got, len(fromNeed))
				}
				if tc.name != "none" && len(fromNeed) < 2 {
					t.Fatalf("only %d matches: the demo data should have more", len(fromNeed))
				}
				for _, m := range []struct {
					field string
					days  []float64
				}{{"medianDaysFromNeed", fromNeed}, {"medianDaysFromOffer", fromOffer}} {
					got, ok := r.Get("matchTiming." + m.field).(float64)
					want, has := median(m.days)
					if ok != has || (has && math.Abs(got-want) > 1e-4) {
						t.Errorf("%s = %v (%v), the test computes %v (%v)", m.field, got, ok, want, has)
					}
				}
			})
		}
	})
}

// median of xs, the mean of the two middle values for an even count.
func median(xs []float64) (float64, bool) {
	if len(xs) == 0 {
		return 0, false
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2], true
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2, true
}
