package graph

import (
	"context"
	"fmt"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect/sql"

	"sscgraph/ent"
	"sscgraph/internal/paging"
	"sscgraph/internal/search"
)

// search answers the search connection: package search finds and ranks a
// page of keys, and the nodes load through ent, type by type.
func (r *Resolver) search(ctx context.Context, text string, types []search.SearchType, first *int, after *entgql.Cursor[int]) (*search.SearchHitConnection, error) {
	q, err := search.Parse(text)
	if err != nil {
		return nil, err
	}
	limit, err := search.PageSize(first)
	if err != nil {
		return nil, err
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
	// A hit whose row went between the two statements (the index follows
	// deletions, so only a concurrent one) has no edge.
	edges, info := paging.Edges(res.PageInfo, res.Hits,
		func(i int, h search.Hit) entgql.Cursor[int] { return search.Cursor(h.ID, offset+i) },
		func(i int, h search.Hit, c entgql.Cursor[int]) (*search.SearchHitEdge, bool) {
			if nodes[i] == nil {
				return nil, false
			}
			return &search.SearchHitEdge{Node: &search.SearchHit{Node: nodes[i], Score: h.Score, Snippet: h.Snippet}, Cursor: c}, true
		})
	conn := &search.SearchHitConnection{Edges: edges, PageInfo: info, TotalCount: res.Total}
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
