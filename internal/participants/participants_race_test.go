package participants_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/participants"
)

// An activity's participants rule (the total against the per-country
// figures) under concurrent writes; the requests race through
// apitest.Fire, as the Match races of internal/lifecycle do.

// TestConcurrentParticipantWrites: an activity's total and its
// per-country figures written at once by two requests never end up
// breaking the rule between them (the total equals the sum when every
// country has a figure, and is never below it); whichever write comes
// second is refused with BAD_USER_INPUT when it would break it.
func TestConcurrentParticipantWrites(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackendWith(t, apitest.DeadlockConfig(), func(t *testing.T, a *apitest.API) {
		w := apitest.NewMatchWorld(t, a)
		codec := a.Codec
		actKey := a.Count(t, `SELECT MIN(id) FROM activities`)
		countries := a.Column(t, `SELECT CAST(id AS TEXT) FROM countries WHERE code IN ('EG', 'EC', 'NA') ORDER BY id`)
		c := make([]string, len(countries))
		for i, k := range countries {
			n, err := strconv.Atoi(k)
			if err != nil {
				t.Fatal(err)
			}
			c[i] = codec.Encode(n)
		}
		act := codec.Encode(actKey)
		fig := func(country string, n any) map[string]any {
			return map[string]any{"countryID": country, "participants": n}
		}
		const set = `mutation($id: ID!, $b: [BeneficiaryInput!]!, $p: Int) { m: setActivityBeneficiaries(id: $id, beneficiaries: $b, participants: $p) { id } }`
		const update = `mutation($id: ID!, $p: Int!) { m: updateActivity(id: $id, input: {participants: $p}) { id } }`
		for _, tt := range []struct {
			name  string
			query [2]string
			vars  [2]map[string]any
		}{
			// 20 of 30 from one country, and a total of 10: each alone
			// holds, together they do not.
			{"figures and a total", [2]string{set, update}, [2]map[string]any{
				{"id": act, "b": []any{fig(c[0], 20), fig(c[1], nil)}},
				{"id": act, "p": 10},
			}},
			// Two lists of countries: the activity must end with one of
			// them, not both.
			{"two lists", [2]string{set, set}, [2]map[string]any{
				{"id": act, "b": []any{fig(c[0], 20), fig(c[1], nil)}},
				{"id": act, "b": []any{fig(c[2], 25)}},
			}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				for round := range apitest.RaceRounds {
					// The starting point: two countries, no figures, 30 in all.
					r := w.Editor.Do(t, set, map[string]any{"id": act, "b": []any{fig(c[0], nil), fig(c[1], nil)}, "p": 30})
					if len(r.Errors) > 0 {
						t.Fatalf("resetting the activity: %+v", r.Errors)
					}
					answers := apitest.Fire(a, "", []apitest.Shot{{Key: w.Editor.Key, Vars: tt.vars[0], Query: tt.query[0]}, {Key: w.Editor.Key, Vars: tt.vars[1], Query: tt.query[1]}})
					for _, ans := range answers {
						if ans.Err != nil || (ans.Code != "" && ans.Code != "BAD_USER_INPUT") {
							t.Fatalf("round %d: answered %+v, want success or BAD_USER_INPUT", round, ans)
						}
					}
					total := a.Count(t, fmt.Sprintf(`SELECT participants FROM activities WHERE id = %d`, actKey))
					rows := beneficiaryRows(t, a, actKey)
					var figures []*int
					for _, row := range rows {
						n, err := strconv.Atoi(row[strings.Index(row, ":")+1:])
						if err != nil {
							figures = append(figures, nil)
							continue
						}
						figures = append(figures, &n)
					}
					if err := participants.Rule(&total, figures); err != nil {
						t.Fatalf("round %d: the activity holds %d and %v: %v (answers %+v)", round, total, rows, err, answers)
					}
					// The rows are in the countries' order, as c is.
					if one, other := len(rows) == 2 && strings.HasSuffix(rows[0], ":20"), len(rows) == 1 && strings.HasSuffix(rows[0], ":25"); tt.name == "two lists" && !one && !other {
						t.Fatalf("round %d: the activity's countries are %v, want one list's", round, rows)
					}
				}
			})
		}
	})
}

// TestCrossedParticipantWritesNeverFailInternally: two operations that
// each write the figures of the same two activities, in opposite orders,
// can deadlock on PostgreSQL; the one aborted answers BAD_USER_INPUT,
// never an internal error.
func TestCrossedParticipantWritesNeverFailInternally(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackendWith(t, apitest.DeadlockConfig(), func(t *testing.T, a *apitest.API) {
		w := apitest.NewMatchWorld(t, a)
		codec := a.Codec
		keys := a.Column(t, `SELECT CAST(id AS TEXT) FROM activities ORDER BY id LIMIT 2`)
		country := a.Column(t, `SELECT CAST(id AS TEXT) FROM countries WHERE code = 'EG'`)
		enc := func(s string) string {
			n, err := strconv.Atoi(s)
			if err != nil {
				t.Fatal(err)
			}
			return codec.Encode(n)
		}
		first, second, eg := enc(keys[0]), enc(keys[1]), enc(country[0])
		const both = `mutation($first: ID!, $second: ID!, $b: [BeneficiaryInput!]!) {
			one: setActivityBeneficiaries(id: $first, beneficiaries: $b) { participants }
			two: setActivityBeneficiaries(id: $second, beneficiaries: $b) { participants } }`
		refused := 0
		for round := range apitest.RaceRounds {
			b := []any{map[string]any{"countryID": eg, "participants": round + 1}}
			answers := apitest.Fire(a, both, []apitest.Shot{
				{Key: w.Editor.Key, Vars: map[string]any{"first": first, "second": second, "b": b}},
				{Key: w.Editor.Key, Vars: map[string]any{"first": second, "second": first, "b": b}},
			})
			for i, ans := range answers {
				if ans.Err != nil || (ans.Code != "" && ans.Code != "BAD_USER_INPUT") {
					t.Fatalf("round %d: operation %d answered %+v, want success or BAD_USER_INPUT", round, i, ans)
				}
				if ans.Code != "" {
					refused++
				}
			}
		}
		t.Logf("%d of %d crossed operations were refused as conflicts", refused, 2*apitest.RaceRounds)
	})
}
