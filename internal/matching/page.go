package matching

import (
	"context"
	"math"
	"strconv"

	"entgo.io/contrib/entgql"

	"sscgraph/internal/paging"
)

// Page sizes of the suggestion connections. Every page ranks all
// candidates, so pages are smaller than other connections' (see
// graph/paging.go, which refuses larger pages before anything runs).
const (
	DefaultFirst = 10
	MaxFirst     = 100
)

// Page asks for a page of suggestions: the first First after a cursor.
type Page struct {
	First int
	// After is the (score, key) the page starts strictly after, nil for
	// the first page.
	After *Key
	// Total asks for the number of all suggestions (totalCount): it costs
	// a count over every candidate, so only when asked.
	Total bool
}

// Key is a place in a ranking: a row's points (score × scoreScale) and
// its key, which breaks ties.
type Key struct {
	Points int64
	ID     int
}

// NewPage checks a suggestion connection's paging arguments. field names
// the connection in messages; typ is the type of the rows its cursors name
// (MatchOffer for suggestedOffers …). The operation's checks (package
// graph) refuse all of this before the operation runs; this guards every
// other caller.
func NewPage(ctx context.Context, field string, first *int, after *entgql.Cursor[int], typ string, total bool) (Page, error) {
	spec := paging.Spec{Field: field, Default: DefaultFirst, Max: MaxFirst, Rows: []string{typ}, Of: typ}
	p := Page{First: DefaultFirst, Total: total}
	n, err := spec.First(first)
	if err != nil {
		return p, err
	}
	p.First = n
	if after == nil {
		return p, nil
	}
	v, err := spec.After(ctx, after)
	if err != nil {
		return p, err
	}
	s, ok := paging.Float(v)
	if !ok || math.IsNaN(s) || s < 0 || s > 1 {
		return p, spec.BadAfter("the cursor's order values are malformed; it was not issued for this order")
	}
	p.After = &Key{Points: points(s), ID: after.ID}
	return p, nil
}

// points is a score as the database ranks it.
func points(score float64) int64 { return int64(math.Round(score * scoreScale)) }

// Score is the score of points.
func score(points int64) float64 { return float64(points) / scoreScale }

// cursor is the cursor of a ranked row: its key and, as its only order
// value, its score.
func cursor(k Key) entgql.Cursor[int] {
	return entgql.Cursor[int]{ID: k.ID, Value: []any{score(k.Points)}}
}

// after writes the keyset condition of the page: rows strictly after the
// cursor in the order points DESC, id ASC.
func (q *query) after(p Page) string {
	if p.After == nil {
		return ""
	}
	return " WHERE (points < " + q.arg(p.After.Points) + " OR (points = " + q.arg(p.After.Points) + " AND id > " + q.arg(p.After.ID) + "))"
}

// window is the rows the page reads: one more than it shows, to tell
// whether another page follows. As entgql's pagers say, a page after a
// cursor has a previous page.
func (p Page) window() paging.Window { return paging.Window{Size: p.First, After: p.After != nil} }

// limit writes the page's LIMIT.
func (p Page) limit() string { return " LIMIT " + strconv.Itoa(p.window().Read()) }

// ranked is a row of a ranking: its place, and the count of all rows when
// the page asked for it.
type ranked interface {
	key() Key
	total() int
}

// suggest ranks a page of one kind of suggestion and assembles it, the
// one assembly of suggestedOffers, suggestedNeeds and suggestedConsultants:
// rank runs the ranking for a page; load reads what the page's rows show
// (ids are their keys, in ranking order) and returns the edge of a row
// with its cursor, false for a row deleted since it was ranked. It returns
// the edges, the PageInfo and the totalCount (0 unless the page asked).
func suggest[R ranked, E any](page Page, rank func(Page) ([]R, error), load func(rows []R, ids []int) (func(R, entgql.Cursor[int]) (E, bool), error)) ([]E, entgql.PageInfo[int], int, error) {
	rows, err := rank(page)
	if err != nil {
		return nil, entgql.PageInfo[int]{}, 0, err
	}
	// A page past the last row has no row to carry the count: an empty
	// first page is ranked for it (the count is a window over all rows).
	total, err := paging.Total(page.Total, rows, R.total, page.After != nil, func() (int, error) {
		first, err := rank(Page{First: 0, Total: true})
		if err != nil || len(first) == 0 {
			return 0, err
		}
		return first[0].total(), nil
	})
	if err != nil {
		return nil, entgql.PageInfo[int]{}, 0, err
	}
	rows, info := paging.Cut(page.window(), rows)
	edge := func(R, entgql.Cursor[int]) (e E, ok bool) { return e, false }
	if len(rows) > 0 {
		ids := make([]int, len(rows))
		for i, r := range rows {
			ids[i] = r.key().ID
		}
		if edge, err = load(rows, ids); err != nil {
			return nil, entgql.PageInfo[int]{}, 0, err
		}
	}
	edges, info := paging.Edges(info, rows, func(_ int, r R) entgql.Cursor[int] { return cursor(r.key()) },
		func(_ int, r R, c entgql.Cursor[int]) (E, bool) { return edge(r, c) })
	return edges, info, total, nil
}
