package matching

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"entgo.io/contrib/entgql"

	"sscgraph/ent"
	"sscgraph/ent/match"
	"sscgraph/ent/schema/schematype"
	"sscgraph/internal/apierr"
	"sscgraph/internal/gid"
	"sscgraph/internal/lifecycle"
)

// useCodec returns the codec of the default secret, for tests to put in
// the contexts they call with.
func useCodec(t testing.TB) *gid.Codec {
	t.Helper()
	starts, err := ent.NodeTypeStarts()
	if err != nil {
		t.Fatal(err)
	}
	codec, err := gid.NewCodec(gid.DefaultSecret, starts)
	if err != nil {
		t.Fatal(err)
	}
	return codec
}

// The weights of each ranking add up to 1, so that scores lie in [0, 1].
func TestSuggestionWeightsAddUpToOne(t *testing.T) {
	pair := WeightTopics + WeightPlace + WeightKind + WeightLanguage + WeightSouthSouth + WeightFreshness
	fit := ConsultantExpertise + ConsultantExperience + ConsultantLanguage + ConsultantNationality
	for name, sum := range map[string]float64{"pair": pair, "consultant fit": fit} {
		if math.Abs(sum-1) > 1e-12 {
			t.Errorf("%s weights add up to %v, not 1", name, sum)
		}
	}
	for name, v := range map[string]float64{
		"PlaceCountry": PlaceCountry, "PlaceRegion": PlaceRegion, "PlaceAnywhere": PlaceAnywhere,
		"ExperienceRegion": ExperienceRegion, "NationalityRegion": NationalityRegion, "ConsultantAvailable": ConsultantAvailable,
	} {
		if v <= 0 || v > 1 {
			t.Errorf("%s is %v, outside (0, 1]", name, v)
		}
	}
	if !(PlaceCountry > PlaceRegion && PlaceRegion > PlaceAnywhere) || IPAreaWeight <= SectorWeight {
		t.Error("a country must fit better than its region, the region than anywhere, an IP area than a sector")
	}
}

func TestSuggestionNewPage(t *testing.T) {
	codec := useCodec(t)
	// Keys of the ranges of two types: the first key of each range.
	starts, _ := ent.NodeTypeStarts()
	offer, activity := int(starts["MatchOffer"])+7, int(starts["Activity"])+7
	if name, _ := codec.TypeOf(offer); name != "MatchOffer" {
		t.Fatalf("key %d is a %s", offer, name)
	}
	n := func(i int) *int { return &i }
	cur := func(id int, v any) *entgql.Cursor[int] { return &entgql.Cursor[int]{ID: id, Value: v} }
	cases := []struct {
		name  string
		first *int
		after *entgql.Cursor[int]
		want  Page
		err   string
	}{
		{"defaults", nil, nil, Page{First: DefaultFirst}, ""},
		{"zero", n(0), nil, Page{First: 0}, ""},
		{"largest", n(MaxFirst), nil, Page{First: MaxFirst}, ""},
		{"too large", n(MaxFirst + 1), nil, Page{}, `"first" must be between 0 and 100, got 101`},
		{"negative", n(-1), nil, Page{}, `"first" must be between 0 and 100, got -1`},
		{"after", n(2), cur(offer, []any{0.5}), Page{First: 2, After: &Key{Points: 500000, ID: offer}}, ""},
		{"after a score of 1, sent as an integer", nil, cur(offer, []any{int8(1)}), Page{First: DefaultFirst, After: &Key{Points: scoreScale, ID: offer}}, ""},
		{"rounds to the ranking's resolution", nil, cur(offer, []any{0.1234564}), Page{First: DefaultFirst, After: &Key{Points: 123456, ID: offer}}, ""},
		{"cursor of another type", nil, cur(activity, []any{0.5}), Page{}, "the cursor belongs to a page of Activity, not of MatchOffer"},
		{"cursor of another order", nil, cur(offer, nil), Page{}, "another order"},
		{"two order values", nil, cur(offer, []any{0.5, 0.5}), Page{}, "another order"},
		{"not a number", nil, cur(offer, []any{"0.5"}), Page{}, "malformed"},
		{"not a score", nil, cur(offer, []any{1.5}), Page{}, "malformed"},
		{"NaN", nil, cur(offer, []any{math.NaN()}), Page{}, "malformed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NewPage(gid.NewContext(context.Background(), codec), "suggestedOffers", tc.first, tc.after, "MatchOffer", false)
			if tc.err != "" {
				e, ok := apierr.As(err)
				if !ok || e.Code != apierr.BadUserInput || !strings.Contains(e.Message, tc.err) || !strings.HasPrefix(e.Message, "suggestedOffers: ") {
					t.Fatalf("error %v, want BAD_USER_INPUT saying %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.First != tc.want.First || (got.After == nil) != (tc.want.After == nil) || (got.After != nil && *got.After != *tc.want.After) {
				t.Errorf("page %+v (after %+v), want %+v (after %+v)", got, got.After, tc.want, tc.want.After)
			}
		})
	}
}

// A page reads one row more than it shows, to tell whether more follow;
// its cursors carry the rows' scores; a row deleted since it was ranked
// has no edge; the count comes with the rows, or, past the last row, from
// a first page.
func TestSuggestionPageAssembly(t *testing.T) {
	ranking := []pairRow{{ID: 3, Points: 900000, Total: 3}, {ID: 5, Points: 900000, Total: 3}, {ID: 1, Points: 120000, Total: 3}}
	var asked []Page
	rank := func(p Page) ([]pairRow, error) {
		asked = append(asked, p)
		rows := ranking
		if p.After != nil {
			rows = nil
			for _, r := range ranking {
				if r.Points < p.After.Points || (r.Points == p.After.Points && r.ID > p.After.ID) {
					rows = append(rows, r)
				}
			}
		}
		return rows[:min(len(rows), p.window().Read())], nil
	}
	var loaded [][]int
	load := func(_ []pairRow, ids []int) (func(pairRow, entgql.Cursor[int]) (int, bool), error) {
		loaded = append(loaded, ids)
		return func(r pairRow, _ entgql.Cursor[int]) (int, bool) { return r.ID, r.ID != 5 }, nil
	}

	edges, info, total, err := suggest(Page{First: 2, Total: true}, rank, load)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(edges, []int{3}) || !info.HasNextPage || info.HasPreviousPage || total != 3 || !slices.Equal(loaded[0], []int{3, 5}) {
		t.Fatalf("first 2 of 3: edges %v, %+v, total %d, loaded %v", edges, info, total, loaded)
	}
	if info.StartCursor.ID != 3 || info.EndCursor.ID != 5 || info.EndCursor.Value.([]any)[0] != 0.9 {
		t.Errorf("cursors %+v %+v: the deleted row still ends the page", info.StartCursor, info.EndCursor)
	}

	edges, info, total, err = suggest(Page{First: 5, After: &Key{900000, 5}}, rank, load)
	if err != nil || !slices.Equal(edges, []int{1}) || info.HasNextPage || !info.HasPreviousPage || total != 0 {
		t.Errorf("the rest, no count asked: edges %v, %+v, total %d, %v", edges, info, total, err)
	}

	asked, loaded = nil, nil
	edges, info, total, err = suggest(Page{First: 5, After: &Key{120000, 1}, Total: true}, rank, load)
	if err != nil || len(edges) != 0 || edges == nil || info.StartCursor != nil || !info.HasPreviousPage || total != 3 {
		t.Errorf("past the last row: edges %v, %+v, total %d, %v", edges, info, total, err)
	}
	if len(asked) != 2 || asked[1].First != 0 || !asked[1].Total || asked[1].After != nil || len(loaded) != 0 {
		t.Errorf("past the last row, the count comes from an empty first page, nothing loads: asked %+v, loaded %v", asked, loaded)
	}

	edges, info, _, err = suggest(Page{First: 0}, rank, load)
	if err != nil || len(edges) != 0 || !info.HasNextPage || info.StartCursor != nil {
		t.Errorf("first: 0: edges %v, %+v, %v", edges, info, err)
	}
}

func TestSuggestionQueryText(t *testing.T) {
	for _, pg := range []bool{false, true} {
		q := &query{pg: pg}
		late := q.arg("c")
		q.w("SELECT ", q.arg("a"), " IN ", q.list([]int{1, 2}), " ", late, " ", q.list(nil))
		want := "SELECT ?2 IN (?3, ?4) ?1 (NULL)"
		if pg {
			want = "SELECT $2 IN ($3, $4) $1 (NULL)"
		}
		if q.String() != want || len(q.args) != 4 || q.args[0] != "c" || q.args[1] != "a" {
			t.Errorf("pg %v: %q %v, want %q", pg, q.String(), q.args, want)
		}
	}
	q := &query{}
	if got := q.languageMatch("x", []string{"es", "'; DROP", "fr"}); got != `CASE WHEN CAST(x AS TEXT) LIKE ?1 THEN ?2 WHEN CAST(x AS TEXT) LIKE ?3 THEN ?4 ELSE NULL END` ||
		q.args[0] != `%"es"%` || q.args[3] != "fr" {
		t.Errorf("languageMatch: %s %v", got, q.args)
	}
	if got := (&query{}).languageMatch("x", nil); got != "CAST(NULL AS TEXT)" {
		t.Errorf("no languages: %s", got)
	}
	if num(0.4) != "CAST(0.4 AS DOUBLE PRECISION)" {
		t.Errorf("num: %s", num(0.4))
	}
}

func TestSuggestionReasonSentences(t *testing.T) {
	ip := func(name string) topicRef { return topicRef{name: name, ip: true} }
	sector := func(name string) topicRef { return topicRef{name: name} }
	cases := []struct {
		got, want string
	}{
		{strings.Join(topicReasons("shares", []topicRef{ip("Trademarks"), sector("Tourism"), ip("Geographical indications")}), " / "),
			"shares 2 IP areas: Geographical indications, Trademarks / shares a sector: Tourism"},
		{strings.Join(topicReasons("expert in", []topicRef{ip("Patents")}), " / "), "expert in an IP area: Patents"},
		{strings.Join(topicReasons("shares", []topicRef{sector("Health"), sector("Agriculture")}), " / "), "shares 2 sectors: Agriculture, Health"},
		{strings.Join(topicReasons("shares", nil), " / "), ""},
		{postedReason(-0.5), "posted today"},
		{postedReason(0), "posted today"},
		{postedReason(0.25), "posted yesterday"},
		{postedReason(1), "posted yesterday"},
		{postedReason(9.5), "posted 10 days ago"},
		{postedReason(30), "posted 30 days ago"},
		{postedReason(30.5), ""},
		{kindPhrase(schematype.MatchKindTechnical), "technical"},
		{kindPhrase(schematype.MatchKindFinancial), "financial"},
		{kindPhrase(schematype.MatchKindPublicPrivatePartnership), "public-private partnership"},
		{languageName("es"), "Spanish"},
		{languageName("sw"), "Swahili"},
		{languageName("zz"), "zz"},
		{joinAnd([]string{"Kenya"}), "Kenya"},
		{joinAnd([]string{"Ghana", "Kenya", "Togo"}), "Ghana, Kenya and Togo"},
	}
	for _, tc := range cases {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// The statuses that use up an offer's capacity in the ranking's SQL are
// the ones the Match rules count.
func TestSuggestionCapacityFollowsLifecycle(t *testing.T) {
	for _, st := range []match.Status{match.StatusPROPOSED, match.StatusACCEPTED, match.StatusDECLINED, match.StatusWITHDRAWN, match.StatusCOMPLETED} {
		s := string(st)
		if lifecycle.Counts(s) != slices.Contains(capacityCounts, s) {
			t.Errorf("status %s: lifecycle.Counts says %v", s, lifecycle.Counts(s))
		}
	}
}
