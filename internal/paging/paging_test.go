package paging

import (
	"context"
	"errors"
	"slices"
	"testing"

	"entgo.io/contrib/entgql"

	"sscgraph/ent"
	"sscgraph/internal/apierr"
	"sscgraph/internal/gid"
)

func n(i int) *int { return &i }

// refused checks that err is bad input with the message want and, when
// field is not empty, names the argument in extensions.field.
func refused(t *testing.T, err error, want, field string) {
	t.Helper()
	e, ok := apierr.As(err)
	if !ok || e.Code != apierr.BadUserInput || e.Message != want {
		t.Fatalf("error %v, want BAD_USER_INPUT %q", err, want)
	}
	if got, _ := e.Extensions["field"].(string); got != field {
		t.Errorf("extensions.field %q, want %q", got, field)
	}
}

func TestFirst(t *testing.T) {
	s := Spec{Field: "suggestedOffers", Default: 10, Max: 100}
	cases := []struct {
		name  string
		first *int
		want  int
		err   string
	}{
		{"default", nil, 10, ""},
		{"zero", n(0), 0, ""},
		{"largest", n(100), 100, ""},
		{"too large", n(101), 0, `suggestedOffers: "first" must be between 0 and 100, got 101`},
		{"negative", n(-1), 0, `suggestedOffers: "first" must be between 0 and 100, got -1`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.First(tc.first)
			if tc.err != "" {
				refused(t, err, tc.err, "first")
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("%d, %v; want %d", got, err, tc.want)
			}
		})
	}
}

func TestSize(t *testing.T) {
	s := Spec{Field: "beneficiaries", Default: 100, Max: 1000}
	cases := []struct {
		name        string
		first, last *int
		want        int
		backward    bool
		err         string
	}{
		{"default", nil, nil, 100, false, ""},
		{"first", n(5), nil, 5, false, ""},
		{"last", nil, n(5), 5, true, ""},
		{"first wins over last", n(5), n(2), 5, false, ""},
		{"first 0", n(0), nil, 0, false, ""},
		{"last too large", nil, n(1001), 0, false, "beneficiaries: the page size must be between 0 and 1000, got 1001"},
		{"first negative", n(-1), nil, 0, false, "beneficiaries: the page size must be between 0 and 1000, got -1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, backward, err := s.Size(tc.first, tc.last)
			if tc.err != "" {
				refused(t, err, tc.err, "")
				return
			}
			if err != nil || got != tc.want || backward != tc.backward {
				t.Errorf("%d %v, %v; want %d %v", got, backward, err, tc.want, tc.backward)
			}
		})
	}
}

func TestAfter(t *testing.T) {
	starts, err := ent.NodeTypeStarts()
	if err != nil {
		t.Fatal(err)
	}
	codec, err := gid.NewCodec(gid.DefaultSecret, starts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := gid.NewContext(context.Background(), codec)
	offer, need, activity := int(starts["MatchOffer"])+7, int(starts["MatchNeed"])+7, int(starts["Activity"])+7
	cur := func(id int, v any) *entgql.Cursor[int] { return &entgql.Cursor[int]{ID: id, Value: v} }
	one := Spec{Field: "suggestedOffers", Rows: []string{"MatchOffer"}, Of: "MatchOffer"}
	many := Spec{Field: "search", Rows: []string{"MatchOffer", "MatchNeed"}, Of: "search hits"}
	cases := []struct {
		name  string
		spec  Spec
		after *entgql.Cursor[int]
		want  any
		err   string
	}{
		{"its value", one, cur(offer, []any{0.5}), 0.5, ""},
		{"a cursor of one of its types", many, cur(need, []any{int8(3)}), int8(3), ""},
		{"a cursor of another type", one, cur(activity, []any{0.5}), nil, `suggestedOffers: "after": the cursor belongs to a page of Activity, not of MatchOffer`},
		{"a cursor of none of its types", many, cur(activity, []any{3}), nil, `search: "after": the cursor belongs to a page of Activity, not of search hits`},
		{"a cursor of the default order", one, cur(offer, nil), nil, `suggestedOffers: "after": the cursor belongs to a page in another order`},
		{"two order values", one, cur(offer, []any{0.5, 0.5}), nil, `suggestedOffers: "after": the cursor belongs to a page in another order`},
		{"not a list", one, cur(offer, 0.5), nil, `suggestedOffers: "after": the cursor belongs to a page in another order`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.spec.After(ctx, tc.after)
			if tc.err != "" {
				refused(t, err, tc.err, "after")
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("%v, %v; want %v", got, err, tc.want)
			}
		})
	}
	refused(t, one.BadAfter("why"), `suggestedOffers: "after": why`, "after")
}

func TestNumbers(t *testing.T) {
	for _, v := range []any{int(2), int8(2), int16(2), int32(2), int64(2), uint8(2), uint16(2), uint32(2)} {
		if i, ok := Int(v); !ok || i != 2 {
			t.Errorf("Int(%T) = %d, %v", v, i, ok)
		}
		if f, ok := Float(v); !ok || f != 2 {
			t.Errorf("Float(%T) = %v, %v", v, f, ok)
		}
	}
	for _, v := range []any{2.0, float32(2), uint64(2)} {
		if _, ok := Int(v); ok {
			t.Errorf("Int(%T) reads it as an integer", v)
		}
		if f, ok := Float(v); !ok || f != 2 {
			t.Errorf("Float(%T) = %v, %v", v, f, ok)
		}
	}
	for _, v := range []any{"2", nil, true} {
		_, okI := Int(v)
		_, okF := Float(v)
		if okI || okF {
			t.Errorf("%T read as a number", v)
		}
	}
}

// A page of keys 1..len(rows) read for a window, cursors carrying the
// place in the page; keys in deleted have no edge.
func pageOf(w Window, rows []int, deleted ...int) ([]int, entgql.PageInfo[int]) {
	rows, info := Cut(w, rows)
	return Edges(info, rows,
		func(i, r int) entgql.Cursor[int] { return entgql.Cursor[int]{ID: r, Value: []any{i}} },
		func(_ int, r int, c entgql.Cursor[int]) (int, bool) {
			if r != c.ID {
				panic("edge given another row's cursor")
			}
			return r, !slices.Contains(deleted, r)
		})
}

func keys(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

func TestCutAndEdges(t *testing.T) {
	cases := []struct {
		name                 string
		w                    Window
		read                 []int
		deleted              []int
		edges                []int
		next, prev           bool
		startID, endID       int // 0: no cursor
		startPlace, endPlace int
	}{
		{"empty page", Window{Size: 3}, nil, nil, []int{}, false, false, 0, 0, 0, 0},
		{"empty page after a cursor", Window{Size: 3, After: true}, nil, nil, []int{}, false, true, 0, 0, 0, 0},
		{"exact fit", Window{Size: 3}, keys(3), nil, []int{1, 2, 3}, false, false, 1, 3, 0, 2},
		{"more follow", Window{Size: 3}, keys(4), nil, []int{1, 2, 3}, true, false, 1, 3, 0, 2},
		{"last page", Window{Size: 3, After: true}, keys(2), nil, []int{1, 2}, false, true, 1, 2, 0, 1},
		{"first 0", Window{Size: 0}, keys(1), nil, []int{}, true, false, 0, 0, 0, 0},
		{"first 0 of none", Window{Size: 0}, nil, nil, []int{}, false, false, 0, 0, 0, 0},
		{"backward, more before", Window{Size: 3, Backward: true}, keys(4), nil, []int{2, 3, 4}, false, true, 2, 4, 0, 2},
		{"backward, exact fit", Window{Size: 3, Backward: true}, keys(3), nil, []int{1, 2, 3}, false, false, 1, 3, 0, 2},
		{"a deleted row has no edge but keeps its cursor", Window{Size: 3}, keys(4), []int{1, 3}, []int{2}, true, false, 1, 3, 0, 2},
		{"every row deleted", Window{Size: 2}, keys(3), []int{1, 2}, []int{}, true, false, 1, 2, 0, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.w.Read(); got != tc.w.Size+1 {
				t.Errorf("reads %d rows for a page of %d", got, tc.w.Size)
			}
			edges, info := pageOf(tc.w, tc.read, tc.deleted...)
			if edges == nil || !slices.Equal(edges, tc.edges) {
				t.Errorf("edges %v, want %v", edges, tc.edges)
			}
			if info.HasNextPage != tc.next || info.HasPreviousPage != tc.prev {
				t.Errorf("next %v previous %v, want %v %v", info.HasNextPage, info.HasPreviousPage, tc.next, tc.prev)
			}
			if tc.startID == 0 {
				if info.StartCursor != nil || info.EndCursor != nil {
					t.Errorf("cursors %+v %+v on an empty page", info.StartCursor, info.EndCursor)
				}
				return
			}
			if info.StartCursor == nil || info.EndCursor == nil ||
				info.StartCursor.ID != tc.startID || info.EndCursor.ID != tc.endID ||
				info.StartCursor.Value.([]any)[0] != tc.startPlace || info.EndCursor.Value.([]any)[0] != tc.endPlace {
				t.Errorf("cursors %+v %+v, want keys %d..%d at %d..%d", info.StartCursor, info.EndCursor, tc.startID, tc.endID, tc.startPlace, tc.endPlace)
			}
		})
	}
}

func TestLast(t *testing.T) {
	edges, info := pageOf(Window{Size: 4}, keys(5))
	cursor := func(e int) *entgql.Cursor[int] { return &entgql.Cursor[int]{ID: e} }
	got, gotInfo := Last(edges, info, 2, cursor)
	if !slices.Equal(got, []int{3, 4}) || !gotInfo.HasPreviousPage || !gotInfo.HasNextPage || gotInfo.StartCursor.ID != 3 || gotInfo.EndCursor.ID != 4 {
		t.Errorf("last 2 of first 4: %v %+v", got, gotInfo)
	}
	got, gotInfo = Last(edges, info, 4, cursor)
	if !slices.Equal(got, edges) || gotInfo != info {
		t.Errorf("last 4 of first 4: %v %+v", got, gotInfo)
	}
	got, gotInfo = Last(edges, info, 0, cursor)
	if len(got) != 0 || !gotInfo.HasPreviousPage || gotInfo.StartCursor != nil || gotInfo.EndCursor != nil {
		t.Errorf("last 0 of first 4: %v %+v", got, gotInfo)
	}
	if info.HasPreviousPage || info.StartCursor.ID != 1 {
		t.Errorf("Last changed the page it was given: %+v", info)
	}
}

func TestTotal(t *testing.T) {
	fail := errors.New("count failed")
	counted := 0
	count := func(n int, err error) func() (int, error) {
		return func() (int, error) { counted++; return n, err }
	}
	rows := []int{7, 7}
	id := func(r int) int { return r }
	cases := []struct {
		name    string
		asked   bool
		rows    []int
		after   bool
		count   func() (int, error)
		want    int
		counts  int
		wantErr error
	}{
		{"not asked", false, rows, true, count(9, nil), 0, 0, nil},
		{"carried by the rows", true, rows, true, count(9, nil), 7, 0, nil},
		{"a first page of none", true, nil, false, count(9, nil), 0, 0, nil},
		{"past the last row", true, nil, true, count(9, nil), 9, 1, nil},
		{"past the last row, the count fails", true, nil, true, count(0, fail), 0, 1, fail},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			counted = 0
			got, err := Total(tc.asked, tc.rows, id, tc.after, tc.count)
			if got != tc.want || !errors.Is(err, tc.wantErr) || counted != tc.counts {
				t.Errorf("%d, %v after %d counts; want %d, %v after %d", got, err, counted, tc.want, tc.wantErr, tc.counts)
			}
		})
	}
}
