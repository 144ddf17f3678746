package graph

import (
	"context"
	"fmt"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect/sql"

	"sscgraph/ent"
	"sscgraph/internal/apierr"
	"sscgraph/internal/search"
)

// search answers the search connection: package search finds and ranks a
// page of keys, and the nodes load through ent, type by type.
func (r *Resolver) search(ctx context.Context, text string, types []search.SearchType, first *int, after *entgql.Cursor[int]) (*search.SearchHitConnection, error) {
	q, err := search.Parse(text)
	if err != nil {
		return nil, err
	}
	limit := search.DefaultFirst
	if first != nil {
		if *first < 0 || *first > search.MaxFirst {
			return nil, apierr.BadInput("search: %q must be between 0 and %d, got %d", "first", search.MaxFirst, *first).With("field", "first")
		}
		limit = *first
	}
	offset, err := search.Offset(ctx, after)
	if err != nil {
		return nil, err
	}
	ranges, err := typeRanges(types)
	if err != nil {
		return nil, err
	}
	res, err := search.Run(ctx, r.client, search.Ask{Query: q, Types: ranges, Offset: offset, Limit: limit, Total: selectsTotal(ctx)})
	if err != nil {
		return nil, err
	}
	ids := make([]int, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	nodes, err := r.client.Noders(ctx, ids)
	if len(ids) == 1 && ent.IsNotFound(err) {
		// ent looks one ID up alone, and a row deleted since the index
		// was read is an error there, where among several it is a nil.
		nodes, err = []ent.Noder{nil}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("loading search hits: %w", err)
	}
	conn := &search.SearchHitConnection{TotalCount: res.Total, Edges: make([]*search.SearchHitEdge, 0, len(res.Hits))}
	for i, h := range res.Hits {
		if nodes[i] == nil {
			// Deleted between the two statements: the index follows
			// deletions, so only a concurrent one gets here.
			continue
		}
		conn.Edges = append(conn.Edges, &search.SearchHitEdge{
			Node:   &search.SearchHit{Node: nodes[i], Score: h.Score, Snippet: h.Snippet},
			Cursor: search.Cursor(h.ID, offset+i),
		})
	}
	conn.PageInfo.HasNextPage = res.HasNext
	conn.PageInfo.HasPreviousPage = offset > 0
	if n := len(conn.Edges); n > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[n-1].Cursor
	}
	return conn, nil
}

// whereSearch applies the search field of a where input: add receives
// the predicate, typed for the input's entity by the caller. A null field
// filters nothing.
func whereSearch(text *string, add func(func(*sql.Selector))) error {
	if text == nil {
		return nil
	}
	p, err := search.Where(*text)
	if err != nil {
		return err
	}
	add(p)
	return nil
}

// typeRanges turns the types asked for into the key ranges they own.
func typeRanges(types []search.SearchType) ([]search.Range, error) {
	starts, err := ent.NodeTypeStarts()
	if err != nil {
		return nil, fmt.Errorf("reading node types: %w", err)
	}
	seen := map[search.SearchType]bool{}
	var out []search.Range
	for _, t := range types {
		if seen[t] {
			continue
		}
		seen[t] = true
		start, ok := starts[search.NodeTypes[t]]
		if !ok {
			return nil, fmt.Errorf("search type %s has no key range", t)
		}
		out = append(out, search.Range{Lo: int(start), Hi: int(start + 1<<32)})
	}
	return out, nil
}
