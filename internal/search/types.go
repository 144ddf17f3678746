package search

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"entgo.io/contrib/entgql"

	"sscgraph/ent"
	"sscgraph/internal/apierr"
	"sscgraph/internal/gid"
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

// Offset reads an after cursor: where the next page starts.
func Offset(ctx context.Context, after *entgql.Cursor[int]) (int, error) {
	if after == nil {
		return 0, nil
	}
	bad := func(why string) error {
		return apierr.BadInput("search: %q: %s", "after", why).With("field", "after")
	}
	codec, err := gid.FromContext(ctx)
	if err != nil {
		return 0, err
	}
	typ, _ := codec.TypeOf(after.ID)
	searchable := false
	for _, n := range NodeTypes {
		searchable = searchable || n == typ
	}
	if !searchable {
		return 0, bad(fmt.Sprintf("the cursor belongs to a page of %s, not of search hits", typ))
	}
	values, ok := after.Value.([]any)
	if !ok || len(values) != 1 {
		return 0, bad("the cursor belongs to a page in another order")
	}
	var n int64
	switch v := values[0].(type) {
	case int:
		n = int64(v)
	case int8:
		n = int64(v)
	case int16:
		n = int64(v)
	case int32:
		n = int64(v)
	case int64:
		n = v
	case uint8:
		n = int64(v)
	case uint16:
		n = int64(v)
	case uint32:
		n = int64(v)
	default:
		return 0, bad("the cursor's position is malformed; it was not issued for a search")
	}
	if n < 1 || n > MaxOffset {
		return 0, bad(fmt.Sprintf("the cursor's position must be between 1 and %d", MaxOffset))
	}
	return int(n), nil
}
