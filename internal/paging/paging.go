// Package paging does the Relay connection work of the connections that
// are paged by hand rather than by entgql's generated pagers: the
// suggestions (package matching), search (package search) and an
// activity's beneficiaries (package participants). Each of them reads its
// rows its own way (a ranking, a full-text index, a batch of link pages);
// what they share is here, once: checking first/after (last/before),
// reading a cursor's order value, trimming the one row read beyond the
// page, PageInfo and the edges, and totalCount.
//
// Cursors are entgql cursors (a row's key and its order values); package
// gid turns them into what clients see and back.
package paging

import (
	"context"
	"fmt"
	"slices"

	"entgo.io/contrib/entgql"

	"sscgraph/internal/apierr"
	"sscgraph/internal/gid"
)

// Spec is one connection's paging, as its checks and messages need it.
type Spec struct {
	// Field names the connection in messages ("suggestedOffers").
	Field string
	// Default is the page without first (or last); Max the largest.
	Default, Max int
	// Rows are the types of the rows the connection's cursors name, and
	// Of how messages name them ("MatchOffer", "search hits").
	Rows []string
	Of   string
}

// First checks a forward page's first: Default when nil, refused outside
// 0..Max as bad input naming the argument.
func (s Spec) First(first *int) (int, error) {
	if first == nil {
		return s.Default, nil
	}
	if *first < 0 || *first > s.Max {
		return s.Default, apierr.BadInput("%s: %q must be between 0 and %d, got %d", s.Field, "first", s.Max, *first).With("field", "first")
	}
	return *first, nil
}

// Size checks the page size of a connection that pages both ways: first,
// else last (backward), else Default; refused outside 0..Max.
func (s Spec) Size(first, last *int) (size int, backward bool, err error) {
	size = s.Default
	switch {
	case first != nil:
		size = *first
	case last != nil:
		size, backward = *last, true
	}
	if size < 0 || size > s.Max {
		return 0, false, apierr.BadInput("%s: the page size must be between 0 and %d, got %d", s.Field, s.Max, size)
	}
	return size, backward, nil
}

// After reads the one order value of an after cursor of a ranked
// connection, refusing a cursor that names a row of another type than
// Rows (a cursor of another connection) or carries another number of
// values (a cursor of another order). The value's own checks are the
// caller's; BadAfter words them.
func (s Spec) After(ctx context.Context, after *entgql.Cursor[int]) (any, error) {
	codec, err := gid.FromContext(ctx)
	if err != nil {
		return nil, err
	}
	if got, _ := codec.TypeOf(after.ID); !slices.Contains(s.Rows, got) {
		return nil, s.BadAfter(fmt.Sprintf("the cursor belongs to a page of %s, not of %s", got, s.Of))
	}
	values, ok := after.Value.([]any)
	if !ok || len(values) != 1 {
		return nil, s.BadAfter("the cursor belongs to a page in another order")
	}
	return values[0], nil
}

// BadAfter refuses the after cursor, saying why.
func (s Spec) BadAfter(why string) error {
	return apierr.BadInput("%s: %q: %s", s.Field, "after", why).With("field", "after")
}

// Float reads a cursor's order value as a float: msgpack hands back
// whatever width of number was encoded.
func Float(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case uint64:
		return float64(n), true
	}
	if n, ok := Int(v); ok {
		return float64(n), true
	}
	return 0, false
}

// Int reads a cursor's order value as an integer, of whatever width
// msgpack decoded it; floats and uint64 (which may not fit) are not
// integers here.
func Int(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int8:
		return int64(n), true
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case uint8:
		return int64(n), true
	case uint16:
		return int64(n), true
	case uint32:
		return int64(n), true
	default:
		return 0, false
	}
}

// Window is a page as the rows were read for it: Size rows and one more
// (Read), to tell whether another page follows.
type Window struct {
	Size int
	// Backward: the page is the last Size rows (last:), read in page
	// order with the extra row the earliest.
	Backward bool
	// After: the page starts after a cursor, which, as entgql's pagers
	// say, means a page comes before it.
	After bool
}

// Read is the number of rows to read for the page: one more than it shows.
func (w Window) Read() int { return w.Size + 1 }

// Cut trims rows, read in page order for the window (at most Read()), to
// the page, and starts the page's PageInfo: whether a page follows it
// (forward) or comes before it (backward, or after a cursor).
func Cut[R any](w Window, rows []R) ([]R, entgql.PageInfo[int]) {
	info := entgql.PageInfo[int]{HasPreviousPage: w.After}
	if len(rows) <= w.Size {
		return rows, info
	}
	if w.Backward {
		info.HasPreviousPage = true
		return rows[len(rows)-w.Size:], info // the extra row is the earliest
	}
	info.HasNextPage = true
	return rows[:w.Size], info
}

// Edges builds the edges of a page's rows (Cut's) and completes its
// PageInfo: cursor is the cursor of the row at a place in the page, edge
// the edge of the row at a place with that cursor, or false to leave the row out (one
// deleted between the statements that found it and loaded it). The start
// and end cursors are the page's first and last rows', kept or not, so
// that a page whose rows all went still tells where the next one starts.
// The edges are never nil: an empty page has an empty list.
func Edges[R, E any](info entgql.PageInfo[int], rows []R, cursor func(i int, r R) entgql.Cursor[int], edge func(i int, r R, c entgql.Cursor[int]) (E, bool)) ([]E, entgql.PageInfo[int]) {
	edges := make([]E, 0, len(rows))
	var ends *[2]entgql.Cursor[int] // one allocation for both
	for i, r := range rows {
		c := cursor(i, r)
		if i == 0 {
			ends = &[2]entgql.Cursor[int]{c, c}
		}
		ends[1] = c
		if e, ok := edge(i, r, c); ok {
			edges = append(edges, e)
		}
	}
	if ends != nil {
		info.StartCursor, info.EndCursor = &ends[0], &ends[1]
	}
	return edges, info
}

// Last keeps the last n edges of a page read with first, as Relay reads
// first and last given together; cursor is an edge's cursor. Keeping none
// (last: 0) leaves no cursors.
func Last[E any](edges []E, info entgql.PageInfo[int], n int, cursor func(E) *entgql.Cursor[int]) ([]E, entgql.PageInfo[int]) {
	if len(edges) <= n {
		return edges, info
	}
	edges = edges[len(edges)-n:]
	info.HasPreviousPage = true
	if n == 0 {
		info.StartCursor, info.EndCursor = nil, nil
	} else {
		info.StartCursor = cursor(edges[0])
	}
	return edges, info
}

// Total is a connection's totalCount, when asked for: carried by the
// first row read (a count over a window of all rows, taken before the
// page is cut), or, for a page past the last row, where no row carries it,
// counted again by count. A first page with no rows counts 0.
func Total[R any](asked bool, rows []R, total func(R) int, after bool, count func() (int, error)) (int, error) {
	switch {
	case !asked:
		return 0, nil
	case len(rows) > 0:
		return total(rows[0]), nil
	case !after:
		return 0, nil
	}
	return count()
}
