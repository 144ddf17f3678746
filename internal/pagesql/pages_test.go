package pagesql_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/dataset"
	"sscgraph/internal/gid"
	"sscgraph/internal/server"
)

// nestedEdge is a connection from a parent type to its children, with the
// SQL listing its pairs of parent and child keys: the test's own account
// of the edge, written from the tables, not from ent.
type nestedEdge struct {
	parent, field, child string
	pairs                string
}

// nestedEdges are all connections below the root: every to-many edge of
// the model.
var nestedEdges = []nestedEdge{
	{"Activity", "beneficiaryCountries", "Country", `SELECT activity_id AS parent, country_id AS child FROM activity_beneficiary_countries`},
	{"Activity", "providerCountries", "Country", `SELECT activity_id AS parent, country_id AS child FROM activity_provider_countries`},
	{"Activity", "consultants", "Consultant", `SELECT activity_id AS parent, consultant_id AS child FROM activity_consultants`},
	{"Activity", "partners", "Organization", `SELECT activity_id AS parent, organization_id AS child FROM activity_partners`},
	{"Activity", "topics", "Topic", `SELECT activity_id AS parent, topic_id AS child FROM activity_topics`},
	{"Consultant", "expertise", "Topic", `SELECT consultant_id AS parent, topic_id AS child FROM consultant_expertise`},
	{"Consultant", "activities", "Activity", `SELECT consultant_id AS parent, activity_id AS child FROM activity_consultants`},
	{"Country", "projects", "Project", `SELECT country_id AS parent, project_id AS child FROM project_countries`},
	{"Country", "activities", "Activity", `SELECT country_id AS parent, activity_id AS child FROM activity_beneficiary_countries`},
	{"Country", "providedActivities", "Activity", `SELECT country_id AS parent, activity_id AS child FROM activity_provider_countries`},
	{"Country", "hostedActivities", "Activity", `SELECT venue_country_id AS parent, id AS child FROM activities WHERE venue_country_id IS NOT NULL`},
	{"Country", "consultants", "Consultant", `SELECT nationality_id AS parent, id AS child FROM consultants WHERE nationality_id IS NOT NULL`},
	{"Country", "organizations", "Organization", `SELECT country_id AS parent, id AS child FROM organizations WHERE country_id IS NOT NULL`},
	{"Country", "needs", "MatchNeed", `SELECT country_id AS parent, id AS child FROM match_needs`},
	{"Country", "targetingOffers", "MatchOffer", `SELECT country_id AS parent, match_offer_id AS child FROM match_offer_target_countries`},
	{"MatchNeed", "topics", "Topic", `SELECT match_need_id AS parent, topic_id AS child FROM match_need_topics`},
	{"MatchNeed", "matches", "Match", `SELECT need_id AS parent, id AS child FROM matches`},
	{"MatchOffer", "topics", "Topic", `SELECT match_offer_id AS parent, topic_id AS child FROM match_offer_topics`},
	{"MatchOffer", "targetRegions", "Region", `SELECT match_offer_id AS parent, region_id AS child FROM match_offer_target_regions`},
	{"MatchOffer", "targetCountries", "Country", `SELECT match_offer_id AS parent, country_id AS child FROM match_offer_target_countries`},
	{"MatchOffer", "matches", "Match", `SELECT offer_id AS parent, id AS child FROM matches`},
	{"Organization", "offers", "MatchOffer", `SELECT provider_id AS parent, id AS child FROM match_offers`},
	{"Organization", "needs", "MatchNeed", `SELECT seeker_id AS parent, id AS child FROM match_needs`},
	{"Organization", "activities", "Activity", `SELECT organization_id AS parent, activity_id AS child FROM activity_partners`},
	{"Project", "recommendations", "Recommendation", `SELECT project_id AS parent, recommendation_id AS child FROM project_recommendations`},
	{"Project", "countries", "Country", `SELECT project_id AS parent, country_id AS child FROM project_countries`},
	{"Project", "topics", "Topic", `SELECT project_id AS parent, topic_id AS child FROM project_topics`},
	{"Project", "activities", "Activity", `SELECT project_id AS parent, id AS child FROM activities WHERE project_id IS NOT NULL`},
	{"Recommendation", "projects", "Project", `SELECT recommendation_id AS parent, project_id AS child FROM project_recommendations`},
	{"Region", "countries", "Country", `SELECT region_id AS parent, id AS child FROM countries WHERE region_id IS NOT NULL`},
	{"Region", "targetingOffers", "MatchOffer", `SELECT region_id AS parent, match_offer_id AS child FROM match_offer_target_regions`},
	{"Topic", "projects", "Project", `SELECT topic_id AS parent, project_id AS child FROM project_topics`},
	{"Topic", "activities", "Activity", `SELECT topic_id AS parent, activity_id AS child FROM activity_topics`},
	{"Topic", "consultants", "Consultant", `SELECT topic_id AS parent, consultant_id AS child FROM consultant_expertise`},
	{"Topic", "offers", "MatchOffer", `SELECT topic_id AS parent, match_offer_id AS child FROM match_offer_topics`},
	{"Topic", "needs", "MatchNeed", `SELECT topic_id AS parent, match_need_id AS child FROM match_need_topics`},
}

// oneToMany reports whether the children hold their parent's key, so that
// no two parents can share one.
func (e nestedEdge) oneToMany() bool { return strings.Contains(e.pairs, " id AS child") }

// tableOf is each type's table.
var tableOf = map[string]string{
	"Activity": "activities", "Consultant": "consultants", "Country": "countries",
	"MatchNeed": "match_needs", "MatchOffer": "match_offers", "Match": "matches",
	"Organization": "organizations", "Project": "projects", "Recommendation": "recommendations",
	"Region": "regions", "Topic": "topics",
}

// sharedSize is a data set in which parents share many children: 1,500
// activities over 249 countries and 16 topics, consultants on several
// activities each, offers and needs on several topics.
var sharedSize = dataset.Size{
	Projects: 40, Organizations: 60, Consultants: 150, Activities: 1500,
	Offers: 240, Needs: 120, Matches: 150,
}

// TestNestedPagesMatchSQL is a property test of nested connections: random
// pages (first or last, after or before a cursor, any order field and
// direction, with and without a filter) of every to-many edge, asked for
// under several parents that share children at once, must hold exactly the
// rows, in the order, that the same page holds when asked for under one
// parent alone, and that SQL written here gives. SSCGRAPH_PAGES_SEED picks
// other cases; SSCGRAPH_PAGES_CASES runs more of them per edge.
func TestNestedPagesMatchSQL(t *testing.T) {
	t.Parallel()
	seed := uint64(20261128)
	if s := os.Getenv("SSCGRAPH_PAGES_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("SSCGRAPH_PAGES_SEED: %v", err)
		}
		seed = n
	}
	cases := 12
	if s := os.Getenv("SSCGRAPH_PAGES_CASES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("SSCGRAPH_PAGES_CASES: %v", err)
		}
		cases = n
	}
	for _, b := range apitest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			cfg := server.DefaultConfig()
			cfg.Limits.PerHour = 0 // thousands of requests, each asking for a full list
			a := apitest.NewWith(t, b.Sized(t, sharedSize), cfg)
			orders := orderFieldsOf(t, a)
			rng := rand.New(rand.NewPCG(seed, 7))
			t.Logf("seed %d, %d cases per edge", seed, cases)
			for _, e := range nestedEdges {
				t.Run(e.parent+"."+e.field, func(t *testing.T) {
					g := newGraphOf(t, a, e)
					if len(g.shared) == 0 && !e.oneToMany() {
						t.Fatalf("no two %s share a child through %s: the data set does not exercise shared children", e.parent, e.field)
					}
					for i := range cases {
						c := randomPage(rng, g, orders[e.child])
						if !checkPage(t, a, e, g, c) {
							t.Fatalf("case %d of seed %d failed", i, seed)
						}
					}
				})
			}
		})
	}
}

// TestRootPagesMatchSQL is the same property for the root connections:
// random pages of every type's root connection against SQL over all its
// rows (the root is one parent of every row).
func TestRootPagesMatchSQL(t *testing.T) {
	t.Parallel()
	seed := uint64(20261129)
	for _, b := range apitest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			cfg := server.DefaultConfig()
			cfg.Limits.PerHour = 0
			a := apitest.NewWith(t, b.Sized(t, sharedSize), cfg)
			orders := orderFieldsOf(t, a)
			rng := rand.New(rand.NewPCG(seed, 11))
			for typ, table := range tableOf {
				e := nestedEdge{parent: "", field: apitest.TopLevel[typ], child: typ, pairs: "SELECT 0 AS parent, id AS child FROM " + table}
				t.Run(e.field, func(t *testing.T) {
					g := newGraphOf(t, a, e)
					for i := range 12 {
						c := randomPage(rng, g, orders[typ])
						c.parents, c.anchor = []int{0}, 0
						if !checkRootPage(t, a, e, c) {
							t.Fatalf("case %d of seed %d failed", i, seed)
						}
					}
				})
			}
		})
	}
}

// checkRootPage asks for c through the root connection and compares it
// with SQL; the cursor is the one the API gives the row at c.cursorAt.
func checkRootPage(t *testing.T, a *apitest.API, e nestedEdge, c pageCase) bool {
	t.Helper()
	want := orderedChildren(t, a, e, c, 0, 0)
	var cursor string
	cursorKey := 0
	if c.cursorAt >= 0 && len(want) > 0 {
		i := min(c.cursorAt, len(want)-1, MaxPageSize-1)
		lead := askRoot(t, a, e, pageCase{first: ptr(i + 1), cursorAt: -1, order: c.order, filter: c.filter}.withCursor(""))
		if got := keysOf(t, lead.edges); !slices.Equal(got, want[:i+1]) {
			t.Errorf("%s, the first %d rows in order %v filter %v:\n got %v\nwant %v", e.field, i+1, c.order, c.filter, got, want[:i+1])
			return false
		}
		cursor, cursorKey = lead.edges[i].Cursor, want[i]
	}
	got := askRoot(t, a, e, c.withCursor(cursor))
	return samePage(t, fmt.Sprintf("%s, %s", e.field, c), got, sqlPageOf(t, a, e, c, 0, cursorKey, cursor != ""))
}

// MaxPageSize is the API's largest page.
const MaxPageSize = 1000

// askRoot asks for a page of e's root connection.
func askRoot(t *testing.T, a *apitest.API, e nestedEdge, p pagedArgs) *apiPage {
	t.Helper()
	vars := map[string]any{}
	args, decls := p.arguments(e.child, vars)
	q := fmt.Sprintf(`query%s { page: %s%s %s }`, decls, e.field, args, pageSelection)
	r := a.Query(t, q, asVariable(vars).(map[string]any))
	return decodePage(t, r.Get("page"))
}

// edgeGraph is an edge's pairs read with SQL.
type edgeGraph struct {
	children map[int][]int // parent key -> child keys
	parents  map[int][]int // child key -> parent keys
	shared   []int         // children with two parents or more
}

func newGraphOf(t *testing.T, a *apitest.API, e nestedEdge) *edgeGraph {
	t.Helper()
	rows, err := a.DB.SQL.Query(e.pairs)
	if err != nil {
		t.Fatalf("%s: %v", e.pairs, err)
	}
	defer rows.Close()
	g := &edgeGraph{children: map[int][]int{}, parents: map[int][]int{}}
	for rows.Next() {
		var p, c int
		if err := rows.Scan(&p, &c); err != nil {
			t.Fatal(err)
		}
		g.children[p] = append(g.children[p], c)
		g.parents[c] = append(g.parents[c], p)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for c, ps := range g.parents {
		if len(ps) > 1 {
			g.shared = append(g.shared, c)
		}
	}
	slices.Sort(g.shared)
	return g
}

// orderFieldsOf reads each type's order fields from the schema, so that a
// new order field is tested without changing this file.
func orderFieldsOf(t *testing.T, a *apitest.API) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for typ := range tableOf {
		r := a.Query(t, `query($n: String!) { __type(name: $n) { enumValues { name } } }`, map[string]any{"n": typ + "OrderField"})
		for _, v := range r.List("__type.enumValues") {
			out[typ] = append(out[typ], v.(map[string]any)["name"].(string))
		}
		if len(out[typ]) == 0 {
			t.Fatalf("%sOrderField has no values", typ)
		}
	}
	return out
}

// pageCase is one random page of a nested connection.
type pageCase struct {
	parents     []int // asked for together; they share children
	anchor      int   // the parent whose full list the cursor comes from
	first, last *int
	cursorAt    int // position of the cursor row in the anchor's list, or -1
	cursorAfter bool
	order       []orderTerm
	filter      filterCase
	literal     bool // arguments written into the document, not variables
}

type orderTerm struct{ field, direction string }

// filterCase is a where argument and its SQL.
type filterCase struct {
	kind string // "", "idGT", "idNotIn"
	keys []int
}

func (c pageCase) String() string {
	s := fmt.Sprintf("parents %v (anchor %d)", c.parents, c.anchor)
	if c.first != nil {
		s += fmt.Sprintf(" first %d", *c.first)
	}
	if c.last != nil {
		s += fmt.Sprintf(" last %d", *c.last)
	}
	if c.cursorAt >= 0 {
		s += fmt.Sprintf(" cursor at %d (after %v)", c.cursorAt, c.cursorAfter)
	}
	return s + fmt.Sprintf(" order %v filter %s%v literal %v", c.order, c.filter.kind, c.filter.keys, c.literal)
}

func randomPage(rng *rand.Rand, g *edgeGraph, fields []string) pageCase {
	// Parents that share a child (where children can be shared), plus
	// others at random.
	all := make([]int, 0, len(g.children))
	for p := range g.children {
		all = append(all, p)
	}
	slices.Sort(all)
	var parents []int
	if len(g.shared) > 0 {
		parents = append(parents, g.parents[g.shared[rng.IntN(len(g.shared))]]...)
	}
	for range 1 + rng.IntN(4) {
		parents = append(parents, all[rng.IntN(len(all))])
	}
	slices.Sort(parents)
	parents = slices.Compact(parents)
	if len(parents) > 8 {
		rng.Shuffle(len(parents), func(i, j int) { parents[i], parents[j] = parents[j], parents[i] })
		parents = parents[:8]
		slices.Sort(parents)
	}
	c := pageCase{parents: parents, anchor: parents[rng.IntN(len(parents))], cursorAt: -1, literal: rng.IntN(3) == 0}
	sizes := []int{0, 1, 2, 3, 5, 10}
	n := sizes[rng.IntN(len(sizes))]
	if rng.IntN(3) == 0 {
		c.last = &n
	} else {
		c.first = &n
	}
	for range rng.IntN(3) {
		dir := "ASC"
		if rng.IntN(2) == 0 {
			dir = "DESC"
		}
		c.order = append(c.order, orderTerm{fields[rng.IntN(len(fields))], dir})
	}
	children := g.children[c.anchor]
	switch rng.IntN(4) {
	case 1:
		c.filter = filterCase{kind: "idGT", keys: []int{children[rng.IntN(len(children))]}}
	case 2:
		var keys []int
		for range 1 + rng.IntN(3) {
			keys = append(keys, children[rng.IntN(len(children))])
		}
		c.filter = filterCase{kind: "idNotIn", keys: keys}
	}
	if rng.IntN(3) > 0 {
		c.cursorAt = rng.IntN(len(children) + 1) // clipped to the filtered list later
		c.cursorAfter = c.first != nil
		if rng.IntN(5) == 0 {
			c.cursorAfter = !c.cursorAfter
		}
	}
	return c
}

// sqlPage is the answer SQL gives for one parent.
type sqlPage struct {
	keys                 []int
	hasNext, hasPrevious bool
	total                int
}

// checkPage runs c through the API, once for all parents together and once
// for each parent alone, and compares both with SQL. It reports whether
// they all agree.
func checkPage(t *testing.T, a *apitest.API, e nestedEdge, g *edgeGraph, c pageCase) bool {
	t.Helper()
	// The full list of the anchor, with cursors, through the API; it must
	// equal SQL's order, and it provides the cursor.
	full := pageCase{parents: []int{c.anchor}, anchor: c.anchor, first: ptr(1000), cursorAt: -1, order: c.order, filter: c.filter}
	fullPages := askAlone(t, a, e, full)
	want := orderedChildren(t, a, e, c, c.anchor, 0)
	if got := keysOf(t, fullPages.edges); !slices.Equal(got, want) {
		t.Errorf("%s.%s of %d, all rows in order %v filter %v:\n got %v\nwant %v", e.parent, e.field, c.anchor, c.order, c.filter, got, want)
		return false
	}
	var cursor string
	cursorKey := 0
	if c.cursorAt >= 0 && len(fullPages.edges) > 0 {
		i := min(c.cursorAt, len(fullPages.edges)-1)
		cursor = fullPages.edges[i].Cursor
		cursorKey = want[i]
	}
	together := askTogether(t, a, e, c, cursor)
	ok := true
	for _, p := range c.parents {
		wantPage := sqlPageOf(t, a, e, c, p, cursorKey, cursor != "")
		if !samePage(t, fmt.Sprintf("%s.%s of %d asked with others, %s", e.parent, e.field, p, c), together[p], wantPage) {
			ok = false
		}
		if p == c.anchor || p == c.parents[0] {
			alone := askAlone(t, a, e, c.forParent(p).withCursor(cursor))
			if !samePage(t, fmt.Sprintf("%s.%s of %d asked alone, %s", e.parent, e.field, p, c), alone, wantPage) {
				ok = false
			}
			if together[p] != nil && alone != nil && !slices.Equal(cursorsOf(together[p]), cursorsOf(alone)) {
				t.Errorf("%s.%s of %d: cursors differ between the page asked with others and alone", e.parent, e.field, p)
				ok = false
			}
		}
	}
	return ok
}

func ptr[T any](v T) *T { return &v }

// forParent is c asked under parent alone.
func (c pageCase) forParent(parent int) pageCase {
	c.parents = []int{parent}
	return c
}

// apiPage is a connection as the API answered it.
type apiPage struct {
	TotalCount int `json:"totalCount"`
	PageInfo   struct {
		HasNextPage     bool    `json:"hasNextPage"`
		HasPreviousPage bool    `json:"hasPreviousPage"`
		StartCursor     *string `json:"startCursor"`
		EndCursor       *string `json:"endCursor"`
	} `json:"pageInfo"`
	edges []pageEdge
}

type pageEdge struct {
	Cursor string
	ID     string
}

// pageSelection is what every request asks of the page.
const pageSelection = `{ totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } }`

// withCursor returns c with the cursor in the arguments.
func (c pageCase) withCursor(cursor string) pagedArgs {
	return pagedArgs{pageCase: c, cursor: cursor}
}

type pagedArgs struct {
	pageCase
	cursor string
}

// arguments writes the page's arguments, as literals or as variables.
func (p pagedArgs) arguments(child string, vars map[string]any) (string, string) {
	var args, decls []string
	add := func(name, typ string, v any) {
		if p.literal {
			args = append(args, name+": "+literal(v))
			return
		}
		args = append(args, name+": $"+name)
		decls = append(decls, "$"+name+": "+typ)
		vars[name] = v
	}
	if p.first != nil {
		add("first", "Int", *p.first)
	}
	if p.last != nil {
		add("last", "Int", *p.last)
	}
	if p.cursor != "" {
		if p.cursorAfter {
			add("after", "Cursor", p.cursor)
		} else {
			add("before", "Cursor", p.cursor)
		}
	}
	if len(p.order) > 0 {
		var terms []any
		for _, o := range p.order {
			terms = append(terms, map[string]any{"field": enum(o.field), "direction": enum(o.direction)})
		}
		add("orderBy", "["+child+"Order!]", terms)
	}
	switch p.filter.kind {
	case "idGT":
		add("where", child+"WhereInput", map[string]any{"idGT": encodeID(p.filter.keys[0])})
	case "idNotIn":
		var ids []any
		for _, k := range p.filter.keys {
			ids = append(ids, encodeID(k))
		}
		add("where", child+"WhereInput", map[string]any{"idNotIn": ids})
	}
	d := ""
	if len(decls) > 0 {
		d = "(" + strings.Join(decls, ", ") + ")"
	}
	return "(" + strings.Join(args, ", ") + ")", d
}

// enum is a GraphQL enum value in a literal.
type enum string

// literal writes v as a GraphQL literal.
func literal(v any) string {
	switch x := v.(type) {
	case enum:
		return string(x)
	case string:
		return strconv.Quote(x)
	case int:
		return strconv.Itoa(x)
	case []any:
		parts := make([]string, len(x))
		for i := range x {
			parts[i] = literal(x[i])
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + literal(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	default:
		panic(fmt.Sprintf("literal: %T", v))
	}
}

// asVariable turns enums into the strings JSON variables carry.
func asVariable(v any) any {
	switch x := v.(type) {
	case enum:
		return string(x)
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = asVariable(x[i])
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = asVariable(e)
		}
		return out
	default:
		return v
	}
}

// encodeID is the ID of key on servers of the default secret, which the
// page tests use.
func encodeID(key int) string {
	var b strings.Builder
	if err := gid.MarshalID(key).MarshalGQLContext(gid.NewContext(context.Background(), apitest.DefaultCodec), &b); err != nil {
		panic(err)
	}
	s, err := strconv.Unquote(b.String())
	if err != nil {
		panic(err)
	}
	return s
}

// askTogether asks for the page under all of c's parents in one request,
// through the parent type's root connection.
func askTogether(t *testing.T, a *apitest.API, e nestedEdge, c pageCase, cursor string) map[int]*apiPage {
	t.Helper()
	vars := map[string]any{}
	args, decls := c.withCursor(cursor).arguments(e.child, vars)
	var ids []any
	for _, p := range c.parents {
		ids = append(ids, encodeID(p))
	}
	q := fmt.Sprintf(`query%s { parents: %s(first: %d, where: {idIn: %s}) { edges { node { id page: %s%s %s } } } }`,
		decls, apitest.TopLevel[e.parent], len(c.parents), literal(ids), e.field, args, pageSelection)
	r := a.Query(t, q, asVariable(vars).(map[string]any))
	out := map[int]*apiPage{}
	for _, edge := range r.List("parents.edges") {
		node := edge.(map[string]any)["node"].(map[string]any)
		key, err := gid.UnmarshalID(gid.NewContext(context.Background(), a.Codec), node["id"])
		if err != nil {
			t.Fatal(err)
		}
		out[key] = decodePage(t, node["page"])
	}
	if len(out) != len(c.parents) {
		t.Fatalf("asked for %d parents, got %d", len(c.parents), len(out))
	}
	return out
}

// askAlone asks for the page under c's first parent alone, through node.
func askAlone(t *testing.T, a *apitest.API, e nestedEdge, p interface{ args() pagedArgs }) *apiPage {
	t.Helper()
	pa := p.args()
	vars := map[string]any{"id": encodeID(pa.parents[0])}
	args, decls := pa.arguments(e.child, vars)
	decls = strings.TrimSuffix(strings.TrimPrefix(decls, "("), ")")
	if decls != "" {
		decls = ", " + decls
	}
	q := fmt.Sprintf(`query($id: ID!%s) { node(id: $id) { ... on %s { page: %s%s %s } } }`, decls, e.parent, e.field, args, pageSelection)
	r := a.Query(t, q, asVariable(vars).(map[string]any))
	return decodePage(t, r.Get("node.page"))
}

func (c pageCase) args() pagedArgs  { return pagedArgs{pageCase: c} }
func (p pagedArgs) args() pagedArgs { return p }

func decodePage(t *testing.T, v any) *apiPage {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("page is %T, not an object", v)
	}
	p := &apiPage{TotalCount: int(m["totalCount"].(float64))}
	info := m["pageInfo"].(map[string]any)
	p.PageInfo.HasNextPage = info["hasNextPage"].(bool)
	p.PageInfo.HasPreviousPage = info["hasPreviousPage"].(bool)
	if s, ok := info["startCursor"].(string); ok {
		p.PageInfo.StartCursor = &s
	}
	if s, ok := info["endCursor"].(string); ok {
		p.PageInfo.EndCursor = &s
	}
	for _, e := range m["edges"].([]any) {
		em := e.(map[string]any)
		p.edges = append(p.edges, pageEdge{Cursor: em["cursor"].(string), ID: em["node"].(map[string]any)["id"].(string)})
	}
	return p
}

func keysOf(t *testing.T, edges []pageEdge) []int {
	t.Helper()
	keys := make([]int, 0, len(edges))
	for _, e := range edges {
		k, err := gid.UnmarshalID(gid.NewContext(context.Background(), apitest.DefaultCodec), e.ID)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	return keys
}

func cursorsOf(p *apiPage) []string {
	out := make([]string, len(p.edges))
	for i, e := range p.edges {
		out[i] = e.Cursor
	}
	return out
}

// orderedChildren lists a parent's children that pass c's filter, in c's
// order with ties broken by key, plus the row extra (when not 0) in its
// place: SQL's own ORDER BY places the cursor row among them.
func orderedChildren(t *testing.T, a *apitest.API, e nestedEdge, c pageCase, parent, extra int) []int {
	t.Helper()
	table := tableOf[e.child]
	where := fmt.Sprintf("c.id IN (SELECT child FROM (%s) AS pairs WHERE parent = %d)", e.pairs, parent)
	switch c.filter.kind {
	case "idGT":
		where += fmt.Sprintf(" AND c.id > %d", c.filter.keys[0])
	case "idNotIn":
		where += " AND c.id NOT IN (" + joinInts(c.filter.keys) + ")"
	}
	if extra != 0 {
		where = fmt.Sprintf("(%s) OR c.id = %d", where, extra)
	}
	var order []string
	for _, o := range c.order {
		// NULL is the largest value (pagesql.NullsRule), written out: the
		// databases disagree on their own.
		nulls := " NULLS LAST"
		if o.direction == "DESC" {
			nulls = " NULLS FIRST"
		}
		order = append(order, "c."+strings.ToLower(o.field)+" "+o.direction+nulls)
	}
	order = append(order, "c.id ASC")
	q := fmt.Sprintf("SELECT c.id FROM %s c WHERE %s ORDER BY %s", table, where, strings.Join(order, ", "))
	var keys []int
	for _, s := range a.Column(t, q) {
		k, err := strconv.Atoi(s)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	return keys
}

func joinInts(keys []int) string {
	s := make([]string, len(keys))
	for i, k := range keys {
		s[i] = strconv.Itoa(k)
	}
	return strings.Join(s, ", ")
}

// sqlPageOf is the page of one parent by SQL and the Relay rules: rows
// strictly after (or before) the cursor row, the first (or last) n of
// them; hasNextPage when a first page leaves rows after it, or a before
// cursor was given; hasPreviousPage likewise; totalCount ignores cursors.
func sqlPageOf(t *testing.T, a *apitest.API, e nestedEdge, c pageCase, parent, cursorKey int, hasCursor bool) sqlPage {
	t.Helper()
	all := orderedChildren(t, a, e, c, parent, 0)
	p := sqlPage{total: len(all)}
	rows := all
	if hasCursor {
		placed := orderedChildren(t, a, e, c, parent, cursorKey)
		at := slices.Index(placed, cursorKey)
		if c.cursorAfter {
			rows = without(placed[at+1:], cursorKey)
			p.hasPrevious = true
		} else {
			rows = without(placed[:at], cursorKey)
			p.hasNext = true
		}
	}
	switch {
	case c.first != nil:
		if len(rows) > *c.first {
			rows, p.hasNext = rows[:*c.first], true
		}
	case c.last != nil:
		if len(rows) > *c.last {
			rows, p.hasPrevious = rows[len(rows)-*c.last:], true
		}
	}
	p.keys = rows
	return p
}

func without(keys []int, k int) []int {
	return slices.DeleteFunc(slices.Clone(keys), func(x int) bool { return x == k })
}

// samePage compares an API page with SQL's and reports any difference.
func samePage(t *testing.T, what string, got *apiPage, want sqlPage) bool {
	t.Helper()
	if got == nil {
		t.Errorf("%s: no page", what)
		return false
	}
	keys := keysOf(t, got.edges)
	ok := true
	if !slices.Equal(keys, want.keys) {
		t.Errorf("%s: rows\n got %v\nwant %v", what, keys, want.keys)
		ok = false
	}
	if got.PageInfo.HasNextPage != want.hasNext || got.PageInfo.HasPreviousPage != want.hasPrevious {
		t.Errorf("%s: hasNextPage %v hasPreviousPage %v, want %v %v", what,
			got.PageInfo.HasNextPage, got.PageInfo.HasPreviousPage, want.hasNext, want.hasPrevious)
		ok = false
	}
	if got.TotalCount != want.total {
		t.Errorf("%s: totalCount %d, want %d", what, got.TotalCount, want.total)
		ok = false
	}
	if n := len(got.edges); n > 0 {
		if got.PageInfo.StartCursor == nil || *got.PageInfo.StartCursor != got.edges[0].Cursor ||
			got.PageInfo.EndCursor == nil || *got.PageInfo.EndCursor != got.edges[n-1].Cursor {
			t.Errorf("%s: startCursor and endCursor are not the first and last edges' cursors", what)
			ok = false
		}
	} else if got.PageInfo.StartCursor != nil || got.PageInfo.EndCursor != nil {
		t.Errorf("%s: an empty page has start or end cursors", what)
		ok = false
	}
	return ok
}
