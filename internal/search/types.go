package search

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"entgo.io/contrib/entgql"

	"sscgraph/ent"
	"sscgraph/internal/paging"
)

// Page sizes of the search connection: every page ranks every hit, so
// pages are smaller than other connections'.
const (
	DefaultFirst = 20
	MaxFirst     = 100
	// MaxOffset bounds how deep a client may page: each page skips the
	// hits before it.
	MaxOffset = 10000
)

// SearchType is a kind of row that search looks through (GraphQL enum
// SearchType).
type SearchType string

// The searchable types.
const (
	TypeProject      SearchType = "PROJECT"
	TypeActivity     SearchType = "ACTIVITY"
	TypeConsultant   SearchType = "CONSULTANT"
	TypeOrganization SearchType = "ORGANIZATION"
	TypeOffer        SearchType = "OFFER"
	TypeNeed         SearchType = "NEED"
)

// NodeTypes maps each searchable type to its GraphQL node type.
var NodeTypes = map[SearchType]string{
	TypeProject:      "Project",
	TypeActivity:     "Activity",
	TypeConsultant:   "Consultant",
	TypeOrganization: "Organization",
	TypeOffer:        "MatchOffer",
	TypeNeed:         "MatchNeed",
}

// MarshalGQL writes the enum value.
func (t SearchType) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(t))) }

// UnmarshalGQL reads the enum value.
func (t *SearchType) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("SearchType must be a string, got %T", v)
	}
	if _, ok := NodeTypes[SearchType(s)]; !ok {
		return fmt.Errorf("%q is not a valid SearchType", s)
	}
	*t = SearchType(s)
	return nil
}

// SearchHit is a row found, as GraphQL answers it.
type SearchHit struct {
	Node    ent.Noder
	Score   float64
	Snippet *string
}

// SearchHitEdge is a hit and its cursor.
type SearchHitEdge struct {
	Node   *SearchHit
	Cursor entgql.Cursor[int]
}

// SearchHitConnection is a page of hits, best first.
type SearchHitConnection struct {
	Edges      []*SearchHitEdge
	PageInfo   entgql.PageInfo[int]
	TotalCount int
}

// Cursor is the cursor of the hit at position pos (0 for the first hit of
// the search): it names the hit's row and carries the number of hits up
// to and including it, where the next page starts. Hits are ranked by
// relevance, which a cursor cannot pin, so pages follow one another by
// position.
func Cursor(id, pos int) entgql.Cursor[int] {
	return entgql.Cursor[int]{ID: id, Value: []any{pos + 1}}
}

// spec is the search connection's paging: its cursors name rows of any
// searchable type.
var spec = func() paging.Spec {
	s := paging.Spec{Field: "search", Default: DefaultFirst, Max: MaxFirst, Of: "search hits"}
	for _, n := range NodeTypes {
		s.Rows = append(s.Rows, n)
	}
	return s
}()

// PageSize checks first: the number of hits a page shows.
func PageSize(first *int) (int, error) { return spec.First(first) }

// Offset reads an after cursor: where the next page starts.
func Offset(ctx context.Context, after *entgql.Cursor[int]) (int, error) {
	if after == nil {
		return 0, nil
	}
	v, err := spec.After(ctx, after)
	if err != nil {
		return 0, err
	}
	n, ok := paging.Int(v)
	if !ok {
		return 0, spec.BadAfter("the cursor's position is malformed; it was not issued for a search")
	}
	if n < 1 || n > MaxOffset {
		return 0, spec.BadAfter(fmt.Sprintf("the cursor's position must be between 1 and %d", MaxOffset))
	}
	return int(n), nil
}
