package matching

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"entgo.io/contrib/entgql"

	"sscgraph/internal/apierr"
	"sscgraph/internal/gid"
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
	p := Page{First: DefaultFirst, Total: total}
	if first != nil {
		if *first < 0 || *first > MaxFirst {
			return p, apierr.BadInput("%s: %q must be between 0 and %d, got %d", field, "first", MaxFirst, *first).With("field", "first")
		}
		p.First = *first
	}
	if after == nil {
		return p, nil
	}
	bad := func(why string) error {
		return apierr.BadInput("%s: %q: %s", field, "after", why).With("field", "after")
	}
	codec, err := gid.FromContext(ctx)
	if err != nil {
		return p, err
	}
	if got, _ := codec.TypeOf(after.ID); got != typ {
		return p, bad(fmt.Sprintf("the cursor belongs to a page of %s, not of %s", got, typ))
	}
	values, ok := after.Value.([]any)
	if !ok || len(values) != 1 {
		return p, bad("the cursor belongs to a page in another order")
	}
	s, ok := number(values[0])
	if !ok || math.IsNaN(s) || s < 0 || s > 1 {
		return p, bad("the cursor's order values are malformed; it was not issued for this order")
	}
	p.After = &Key{Points: points(s), ID: after.ID}
	return p, nil
}

// number reads a cursor value as a float: msgpack hands back whatever
// width of number was encoded.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int8:
		return float64(n), true
	case int16:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint8:
		return float64(n), true
	case uint16:
		return float64(n), true
	case uint32:
		return float64(n), true
	case uint64:
		return float64(n), true
	default:
		return 0, false
	}
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

// where writes the keyset condition of the page: rows strictly after the
// cursor in the order points DESC, id ASC.
func (q *query) after(p Page) string {
	if p.After == nil {
		return ""
	}
	return " WHERE (points < " + q.arg(p.After.Points) + " OR (points = " + q.arg(p.After.Points) + " AND id > " + q.arg(p.After.ID) + "))"
}

// limit writes the page's LIMIT: one row more than the page, to tell
// whether another page follows.
func (p Page) limit() string { return " LIMIT " + strconv.Itoa(p.First+1) }

// pageInfo builds the page's PageInfo from the keys of the rows read (at
// most First+1) and trims them to the page. As entgql does, a page after
// a cursor has a previous page.
func pageInfo(p Page, keys []Key) (entgql.PageInfo[int], []Key) {
	info := entgql.PageInfo[int]{HasPreviousPage: p.After != nil}
	if len(keys) > p.First {
		info.HasNextPage = true
		keys = keys[:p.First]
	}
	if len(keys) > 0 {
		start, end := cursor(keys[0]), cursor(keys[len(keys)-1])
		info.StartCursor, info.EndCursor = &start, &end
	}
	return info, keys
}
