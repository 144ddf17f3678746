package stats

import (
	"context"
	"fmt"
	"slices"

	"entgo.io/ent/dialect/sql"

	"sscgraph/ent"
	"sscgraph/ent/country"
	"sscgraph/ent/project"
	"sscgraph/ent/recommendation"
	"sscgraph/ent/region"
	"sscgraph/ent/topic"
	"sscgraph/internal/apierr"
)

// key is a dimension of one statistic: how SQL computes it and how its
// value lands in a bucket of type B.
type key[B any] struct {
	Dim
	// field is the bucket's GraphQL field holding the key.
	field string
	// node is the GraphQL type of a key that names a node ("Region" …),
	// "" for scalar keys; setNode attaches the loaded node.
	node    string
	setNode func(b *B, n any)
	// set stores a scalar key (never called with a NULL key).
	set func(b *B, k Key) error
}

// statistic is one grouped statistic of the API.
type statistic[B any] struct {
	field                 string // the Query field, for messages
	statsType, bucketType string // GraphQL types, to read the selection
	table                 string
	sums                  []string
	sumFields             []string // the measure field of each sum
	keys                  map[string]key[B]
	// bucket makes the bucket of a group from its count and sums.
	bucket func(r *row) *B
}

// scanner runs the grouped statement: the ent query of the statistic's
// table with the modifier, scanned into rows.
type scanner func(ctx context.Context, modify func(*sql.Selector), rows *[]row) error

// result is a statistic's answer before it is typed.
type result[B any] struct {
	total   *row // nil when total was not asked for
	buckets []*B
}

// run answers the statistic: the total (when selected) and the buckets
// (when selected), each in one statement, plus one query per dimension
// whose key nodes are selected.
func (st *statistic[B]) run(ctx context.Context, client *ent.Client, groupBy []string, order Order, first int,
	where func(*sql.Selector), scan scanner) (*result[B], error) {
	// A dimension that does not apply is refused whatever is selected,
	// so that a query asking only for the total fails as it would with
	// buckets.
	for _, name := range groupBy {
		if _, ok := st.keys[name]; !ok {
			return nil, apierr.BadInput("%s: %s does not apply to this statistic", st.field, name).With("field", "groupBy")
		}
	}
	sp := &Spec{Table: st.table, Sums: st.sums, Dims: map[string]Dim{}}
	for name, k := range st.keys {
		sp.Dims[name] = k.Dim
	}
	sel := selected(ctx, st.statsType, st.bucketType)
	for _, want := range sel.sums(st.sumFields) {
		sp.Skip = append(sp.Skip, !want)
	}
	res := &result[B]{}
	if sel.total {
		mod, err := sp.group(nil, Order{}, 1, where)
		if err != nil {
			return nil, err
		}
		var rows []row
		if err := scan(ctx, mod, &rows); err != nil {
			return nil, fmt.Errorf("%s: computing the total: %w", st.field, err)
		}
		res.total = &row{}
		if len(rows) > 0 {
			res.total = &rows[0]
		}
	}
	if !sel.buckets {
		return res, nil
	}
	mod, err := sp.group(groupBy, order, first, where)
	if err != nil {
		return nil, err
	}
	var rows []row
	if err := scan(ctx, mod, &rows); err != nil {
		return nil, fmt.Errorf("%s: grouping: %w", st.field, err)
	}
	ids := make([][]int, len(groupBy)) // node keys per dimension
	for i := range rows {
		b := st.bucket(&rows[i])
		res.buckets = append(res.buckets, b)
		for d, name := range groupBy {
			k, v := st.keys[name], rows[i].key(d)
			switch {
			case v.Null():
			case k.node != "":
				id, err := v.Int()
				if err != nil {
					return nil, fmt.Errorf("%s: %s key: %w", st.field, name, err)
				}
				if !slices.Contains(ids[d], id) {
					ids[d] = append(ids[d], id)
				}
			default:
				if err := k.set(b, v); err != nil {
					return nil, fmt.Errorf("%s: %s key: %w", st.field, name, err)
				}
			}
		}
	}
	for d, name := range groupBy {
		k := st.keys[name]
		if k.node == "" || len(ids[d]) == 0 {
			continue
		}
		var nodes map[int]any
		if sel.wants(k.field) {
			if nodes, err = loadKeys(ctx, client, sel, k.field, k.node, ids[d]); err != nil {
				return nil, fmt.Errorf("%s: %w", st.field, err)
			}
		}
		for i := range rows {
			v := rows[i].key(d)
			if v.Null() || nodes == nil {
				continue
			}
			id, _ := v.Int()
			if n, ok := nodes[id]; ok {
				k.setNode(res.buckets[i], n)
			}
		}
	}
	return res, nil
}

// loadKeys loads the key nodes of one dimension, of GraphQL type typ, in
// one query with the fields the bucket's field asks for.
func loadKeys(ctx context.Context, c *ent.Client, sel selection, field, typ string, ids []int) (map[int]any, error) {
	out := map[int]any{}
	put := func(id int, n any) { out[id] = n }
	var err error
	switch typ {
	case "Region":
		var m map[int]*ent.Region
		m, err = loadNodes(ctx, sel, field, typ, ids,
			func(ids []int) *ent.RegionQuery { return c.Region.Query().Where(region.IDIn(ids...)) },
			(*ent.RegionQuery).All, func(n *ent.Region) int { return n.ID })
		for id, n := range m {
			put(id, n)
		}
	case "Country":
		var m map[int]*ent.Country
		m, err = loadNodes(ctx, sel, field, typ, ids,
			func(ids []int) *ent.CountryQuery { return c.Country.Query().Where(country.IDIn(ids...)) },
			(*ent.CountryQuery).All, func(n *ent.Country) int { return n.ID })
		for id, n := range m {
			put(id, n)
		}
	case "Topic":
		var m map[int]*ent.Topic
		m, err = loadNodes(ctx, sel, field, typ, ids,
			func(ids []int) *ent.TopicQuery { return c.Topic.Query().Where(topic.IDIn(ids...)) },
			(*ent.TopicQuery).All, func(n *ent.Topic) int { return n.ID })
		for id, n := range m {
			put(id, n)
		}
	case "Project":
		var m map[int]*ent.Project
		m, err = loadNodes(ctx, sel, field, typ, ids,
			func(ids []int) *ent.ProjectQuery { return c.Project.Query().Where(project.IDIn(ids...)) },
			(*ent.ProjectQuery).All, func(n *ent.Project) int { return n.ID })
		for id, n := range m {
			put(id, n)
		}
	case "Recommendation":
		var m map[int]*ent.Recommendation
		m, err = loadNodes(ctx, sel, field, typ, ids,
			func(ids []int) *ent.RecommendationQuery {
				return c.Recommendation.Query().Where(recommendation.IDIn(ids...))
			},
			(*ent.RecommendationQuery).All, func(n *ent.Recommendation) int { return n.ID })
		for id, n := range m {
			put(id, n)
		}
	default:
		return nil, fmt.Errorf("no loader for keys of type %s", typ)
	}
	return out, err
}

// answer is what every statistic's entry point does: check groupBy and
// first, turn the where input into a predicate (pred is nil without one;
// empty is its "no condition" error), and run. Buckets are never null.
func answer[B any, T ~string, P ~func(*sql.Selector)](ctx context.Context, st *statistic[B], client *ent.Client,
	pred func() (P, error), empty error, groupBy []T, orderBy *StatsOrder, first *int, scan scanner) (*result[B], error) {
	n, err := checkRequest(st.field, groupBy, first)
	if err != nil {
		return nil, err
	}
	var where func(*sql.Selector)
	if pred != nil {
		if where, err = filter(st.field, pred, empty); err != nil {
			return nil, err
		}
	}
	res, err := st.run(ctx, client, dimNames(groupBy), orderBy.order(), n, where, scan)
	if err != nil {
		return nil, err
	}
	if res.buckets == nil {
		res.buckets = []*B{}
	}
	return res, nil
}
