package participants

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sync"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"sscgraph/ent"
	"sscgraph/ent/activitybeneficiary"
	"sscgraph/ent/country"
	"sscgraph/internal/paging"
)

// Beneficiary is one country an activity benefits (GraphQL Beneficiary).
type Beneficiary struct {
	Country      *ent.Country
	Participants *int
}

// Edge is a Beneficiary in a page (GraphQL BeneficiaryEdge).
type Edge struct {
	Node   *Beneficiary
	Cursor entgql.Cursor[int]
}

// Connection is a page of an activity's beneficiaries (GraphQL
// BeneficiaryConnection). Its cursors carry the country's key: the page
// is in key order, which the link table's primary key (activity, country)
// serves.
type Connection struct {
	Edges      []*Edge
	PageInfo   entgql.PageInfo[int]
	TotalCount int
}

// Page says which page of one activity's beneficiaries to read.
type Page struct {
	Activity int
	// After and Before are country keys; 0 for none.
	After, Before int
	// Limit is the page size; Backward reads the last Limit rows (last:).
	Limit    int
	Backward bool
	// Count asks for the total as well (totalCount was selected).
	Count bool
}

// window is the rows a page reads: one beyond it, to tell whether another
// page follows (or, backward, comes before).
func (p Page) window() paging.Window { return paging.Window{Size: p.Limit, Backward: p.Backward} }

// Loader reads the beneficiary pages of many activities together. The
// server resolves an object's fields one after another, not each in a
// goroutine (internal/gqlgenrun), so keys cannot be gathered by waiting
// for them: instead the first activity of a page to ask names its
// siblings, the other activities of the same list, and one statement
// reads the page of every one of them; the rest find theirs in the
// cache. A Loader lives for one root field of a query or mutation, so
// that a mutation's answer never shows what an earlier root field read
// before it wrote; subscriptions get none (see graph.Loaders).
type Loader struct {
	client *ent.Client
	mu     sync.Mutex
	pages  map[Page]*Connection
}

// NewLoader returns a loader reading through client, or through the
// transaction in the context of a request.
func NewLoader(client *ent.Client) *Loader {
	return &Loader{client: client, pages: map[Page]*Connection{}}
}

// Load returns p's page, reading it together with the same page of each
// sibling activity when it is not known yet.
func (l *Loader) Load(ctx context.Context, p Page, siblings []int) (*Connection, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c, ok := l.pages[p]; ok {
		return c, nil
	}
	keys := []Page{p}
	asked := map[int]bool{p.Activity: true}
	for _, id := range siblings {
		k := p
		k.Activity = id
		if _, ok := l.pages[k]; !ok && !asked[id] {
			asked[id] = true
			keys = append(keys, k)
		}
	}
	c := l.client
	if tx := ent.FromContext(ctx); tx != nil {
		c = tx
	}
	pages, err := fetchPages(ctx, c, keys)
	if err != nil {
		return nil, err
	}
	for i, k := range keys {
		l.pages[k] = pages[i]
	}
	return l.pages[p], nil
}

type loaderKey struct{}

// WithLoader returns ctx carrying l.
func WithLoader(ctx context.Context, l *Loader) context.Context {
	return context.WithValue(ctx, loaderKey{}, l)
}

// LoaderFrom returns the root field's loader, or a new one reading through
// client when the context carries none (a subscription's events).
func LoaderFrom(ctx context.Context, client *ent.Client) *Loader {
	if l, ok := ctx.Value(loaderKey{}).(*Loader); ok {
		return l
	}
	return NewLoader(client)
}

// link is one row of the link table.
type link struct {
	activity, country int
	participants      *int
}

// fetchPages answers keys, which ask for the same page of different
// activities, in order: their links in one statement (readLinks), their
// counts in another when asked for, and the countries the links name.
func fetchPages(ctx context.Context, client *ent.Client, keys []Page) ([]*Connection, error) {
	rows, err := readLinks(ctx, client, keys)
	if err != nil {
		return nil, err
	}
	counts, err := countLinks(ctx, client, keys)
	if err != nil {
		return nil, err
	}
	countries, err := loadCountries(ctx, client, rows)
	if err != nil {
		return nil, err
	}
	out := make([]*Connection, len(keys))
	for i, k := range keys {
		out[i] = page(k, rows[i], countries, counts[k.Activity])
	}
	return out, nil
}

// readLinks reads each key's links, one more than the page to tell
// whether there is another page, in key order. The keys of one batch ask
// for the same page of different activities (Load makes them so), and one
// statement of fixed text (so prepared once) reads them all: per activity,
// a top-n subquery served in order by the link table's primary key
// (activity, country), which stops after the page, never reading all of
// an activity's links.
func readLinks(ctx context.Context, client *ent.Client, keys []Page) ([][]link, error) {
	k := keys[0]
	after, before := int64(k.After), int64(math.MaxInt64)
	if k.Before != 0 {
		before = int64(k.Before)
	}
	dir := "ASC"
	if k.Backward {
		dir = "DESC"
	}
	ids, err := activityList(keys)
	if err != nil {
		return nil, err
	}
	var found []struct {
		Activity     int  `sql:"activity_id"`
		Country      int  `sql:"country_id"`
		Participants *int `sql:"participants"`
	}
	err = client.ActivityBeneficiary.Query().Modify(func(s *sql.Selector) {
		from := sql.ExprFunc(func(b *sql.Builder) {
			if s.Dialect() == dialect.Postgres {
				b.WriteString("(SELECT l.activity_id, l.country_id, l.participants FROM " +
					"(SELECT value::bigint AS id FROM json_array_elements_text(").Arg(ids).WriteString("::json)) AS p " +
					"CROSS JOIN LATERAL (SELECT activity_id, country_id, participants FROM " + activitybeneficiary.Table +
					" WHERE activity_id = p.id AND country_id > ").Arg(after).WriteString(" AND country_id < ").Arg(before).
					WriteString(" ORDER BY country_id " + dir + " LIMIT ").Arg(k.window().Read()).WriteString(") AS l) AS sscg_links")
				return
			}
			// SQLite has no LATERAL: a correlated subquery picks each
			// activity's page by rowid.
			b.WriteString("(SELECT l.activity_id, l.country_id, l.participants FROM json_each(").Arg(ids).
				WriteString(") AS p JOIN " + activitybeneficiary.Table + " AS l ON l.rowid IN (SELECT x.rowid FROM " +
					activitybeneficiary.Table + " AS x WHERE x.activity_id = p.value AND x.country_id > ").Arg(after).
				WriteString(" AND x.country_id < ").Arg(before).
				WriteString(" ORDER BY x.country_id " + dir + " LIMIT ").Arg(k.window().Read()).WriteString(")) AS sscg_links")
		})
		s.Select("activity_id", "country_id", "participants").FromExpr(from).
			OrderBy("activity_id", "country_id")
	}).Scan(ctx, &found)
	if err != nil {
		return nil, fmt.Errorf("reading beneficiary countries: %w", err)
	}
	index := make(map[int]int, len(keys))
	for i, k := range keys {
		index[k.Activity] = i
	}
	byKey := make([][]link, len(keys))
	for _, f := range found {
		i := index[f.Activity]
		byKey[i] = append(byKey[i], link{activity: f.Activity, country: f.Country, participants: f.Participants})
	}
	return byKey, nil
}

// activityList is the keys' activities as a JSON array, the one parameter
// the statements take for any number of them.
func activityList(keys []Page) (string, error) {
	ids := make([]int, len(keys))
	for i, k := range keys {
		ids[i] = k.Activity
	}
	b, err := json.Marshal(ids)
	if err != nil {
		return "", fmt.Errorf("listing activities: %w", err)
	}
	return string(b), nil
}

// countLinks counts the links of the activities whose keys asked for
// totalCount.
func countLinks(ctx context.Context, client *ent.Client, keys []Page) (map[int]int, error) {
	counts := map[int]int{}
	if !keys[0].Count {
		return counts, nil
	}
	ids, err := activityList(keys)
	if err != nil {
		return nil, err
	}
	var found []struct {
		Activity int `sql:"activity_id"`
		N        int `sql:"n"`
	}
	err = client.ActivityBeneficiary.Query().Modify(func(s *sql.Selector) {
		from := sql.ExprFunc(func(b *sql.Builder) {
			list := "(SELECT value AS id FROM json_each("
			if s.Dialect() == dialect.Postgres {
				list = "(SELECT value::bigint AS id FROM json_array_elements_text("
			}
			b.WriteString("(SELECT p.id AS activity_id, (SELECT COUNT(*) FROM " + activitybeneficiary.Table +
				" AS x WHERE x.activity_id = p.id) AS n FROM " + list).Arg(ids)
			if s.Dialect() == dialect.Postgres {
				b.WriteString("::json")
			}
			b.WriteString(")) AS p) AS sscg_counts")
		})
		s.Select("activity_id", "n").FromExpr(from)
	}).Scan(ctx, &found)
	if err != nil {
		return nil, fmt.Errorf("counting beneficiary countries: %w", err)
	}
	for _, f := range found {
		counts[f.Activity] = f.N
	}
	return counts, nil
}

func loadCountries(ctx context.Context, client *ent.Client, rows [][]link) (map[int]*ent.Country, error) {
	ids := []int{}
	seen := map[int]bool{}
	for _, r := range rows {
		for _, l := range r {
			if !seen[l.country] {
				seen[l.country] = true
				ids = append(ids, l.country)
			}
		}
	}
	if len(ids) == 0 {
		return map[int]*ent.Country{}, nil
	}
	cs, err := client.Country.Query().Where(country.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading beneficiary countries: %w", err)
	}
	m := make(map[int]*ent.Country, len(cs))
	for _, c := range cs {
		m[c.ID] = c
	}
	return m, nil
}

// page builds one key's connection from its rows (one more than the page
// when there is another page), in key order. A page after a cursor does
// not say a page comes before it (entgql's pagers do): only a backward
// page's extra row does.
func page(k Page, rows []link, countries map[int]*ent.Country, total int) *Connection {
	rows, info := paging.Cut(k.window(), rows)
	edges, info := paging.Edges(info, rows,
		func(_ int, l link) entgql.Cursor[int] { return entgql.Cursor[int]{ID: l.country} },
		func(_ int, l link, c entgql.Cursor[int]) (*Edge, bool) {
			return &Edge{Node: &Beneficiary{Country: countries[l.country], Participants: l.participants}, Cursor: c}, true
		})
	return &Connection{Edges: edges, PageInfo: info, TotalCount: total}
}
