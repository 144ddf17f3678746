package participants

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect/sql"

	"sscgraph/ent"
	"sscgraph/ent/activitybeneficiary"
	"sscgraph/ent/country"
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

// Loader reads the beneficiary pages of many activities together. The
// server resolves an object's fields one after another, not each in a
// goroutine (internal/gqlgenrun), so keys cannot be gathered by waiting
// for them: instead the first activity of a page to ask names its
// siblings, the other activities of the same list, and one statement
// reads the page of every one of them; the rest find theirs in the
// cache. A Loader lives for one GraphQL operation (see graph.Loaders).
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
	for _, id := range siblings {
		k := p
		k.Activity = id
		if _, ok := l.pages[k]; !ok && id != p.Activity {
			keys = append(keys, k)
		}
	}
	c := l.client
	if tx := ent.FromContext(ctx); tx != nil {
		c = tx
	}
	for start := 0; start < len(keys); start += maxArms {
		batch := keys[start:min(start+maxArms, len(keys))]
		pages, err := fetchPages(ctx, c, batch)
		if err != nil {
			return nil, err
		}
		for i, k := range batch {
			l.pages[k] = pages[i]
		}
	}
	return l.pages[p], nil
}

type loaderKey struct{}

// WithLoader returns ctx carrying l.
func WithLoader(ctx context.Context, l *Loader) context.Context {
	return context.WithValue(ctx, loaderKey{}, l)
}

// LoaderFrom returns the operation's loader, or a new one reading through
// client when the context carries none.
func LoaderFrom(ctx context.Context, client *ent.Client) *Loader {
	if l, ok := ctx.Value(loaderKey{}).(*Loader); ok {
		return l
	}
	return NewLoader(client)
}

// maxArms bounds the per-activity subqueries of one statement: SQLite
// allows 500 terms in a compound SELECT.
const maxArms = 250

// link is one row of the link table.
type link struct {
	activity, country int
	participants      *int
}

// fetchPages answers keys in order. Keys that read the same page of
// different activities (the usual case: one connection field under a page
// of activities) share one statement: a UNION ALL of one top-n subquery
// per activity, each read in order from the primary key (activity,
// country) and stopping after its page, never all of an activity's links.
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
// whether there is another page, in the page's order.
func readLinks(ctx context.Context, client *ent.Client, keys []Page) ([][]link, error) {
	arms := make([]string, 0, len(keys))
	for i, k := range keys {
		arms = append(arms, arm(i, k))
	}
	// Integers only, formatted by the server: nothing a client sends is
	// spliced into the statement, and one text serves both databases,
	// whose placeholders differ.
	var found []struct {
		N            int  `sql:"n"`
		Activity     int  `sql:"activity_id"`
		Country      int  `sql:"country_id"`
		Participants *int `sql:"participants"`
	}
	err := client.ActivityBeneficiary.Query().Modify(func(s *sql.Selector) {
		s.Select("n", "activity_id", "country_id", "participants").
			FromExpr(sql.Expr("(" + strings.Join(arms, " UNION ALL ") + ") AS sscg_links"))
	}).Scan(ctx, &found)
	if err != nil {
		return nil, fmt.Errorf("reading beneficiary countries: %w", err)
	}
	byArm := make([][]link, len(keys))
	for _, f := range found {
		byArm[f.N] = append(byArm[f.N], link{activity: f.Activity, country: f.Country, participants: f.Participants})
	}
	for i, k := range keys {
		if k.Backward { // read newest-first; a page is in key order
			r := byArm[i]
			for a, b := 0, len(r)-1; a < b; a, b = a+1, b-1 {
				r[a], r[b] = r[b], r[a]
			}
		}
	}
	return byArm, nil
}

// arm is the subquery of the i-th key: its page of links plus one, in
// the page's direction, tagged with i so that rows find their key again
// whatever order UNION ALL returns the arms in. Each arm is wrapped in a
// derived table because SQLite allows ORDER BY and LIMIT only at the end
// of a compound SELECT.
func arm(i int, k Page) string {
	var b strings.Builder
	fmt.Fprintf(&b, "SELECT %d AS n, activity_id, country_id, participants FROM (SELECT activity_id, country_id, participants FROM %s WHERE activity_id = %d",
		i, activitybeneficiary.Table, k.Activity)
	if k.After != 0 {
		fmt.Fprintf(&b, " AND country_id > %d", k.After)
	}
	if k.Before != 0 {
		fmt.Fprintf(&b, " AND country_id < %d", k.Before)
	}
	dir := "ASC"
	if k.Backward {
		dir = "DESC"
	}
	fmt.Fprintf(&b, " ORDER BY country_id %s LIMIT %d) AS sscg_arm%d", dir, k.Limit+1, i)
	return b.String()
}

// countLinks counts the links of the activities whose keys asked for
// totalCount.
func countLinks(ctx context.Context, client *ent.Client, keys []Page) (map[int]int, error) {
	ids := []string{}
	seen := map[int]bool{}
	for _, k := range keys {
		if k.Count && !seen[k.Activity] {
			seen[k.Activity] = true
			ids = append(ids, strconv.Itoa(k.Activity))
		}
	}
	counts := map[int]int{}
	if len(ids) == 0 {
		return counts, nil
	}
	var found []struct {
		Activity int `sql:"activity_id"`
		N        int `sql:"n"`
	}
	err := client.ActivityBeneficiary.Query().Modify(func(s *sql.Selector) {
		s.Select("activity_id", "COUNT(*) AS n").
			Where(sql.ExprP("activity_id IN (" + strings.Join(ids, ", ") + ")")).
			GroupBy("activity_id")
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
// when there is another page), in key order.
func page(k Page, rows []link, countries map[int]*ent.Country, total int) *Connection {
	c := &Connection{TotalCount: total, Edges: []*Edge{}}
	if len(rows) > k.Limit {
		if k.Backward {
			rows = rows[1:] // the extra row is the earliest
			c.PageInfo.HasPreviousPage = true
		} else {
			rows = rows[:k.Limit]
			c.PageInfo.HasNextPage = true
		}
	}
	for _, l := range rows {
		c.Edges = append(c.Edges, &Edge{
			Node:   &Beneficiary{Country: countries[l.country], Participants: l.participants},
			Cursor: entgql.Cursor[int]{ID: l.country},
		})
	}
	if n := len(c.Edges); n > 0 {
		c.PageInfo.StartCursor = &c.Edges[0].Cursor
		c.PageInfo.EndCursor = &c.Edges[n-1].Cursor
	}
	return c
}
