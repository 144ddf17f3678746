package participants

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/vikstrous/dataloadgen"

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

// Loader reads the beneficiary pages of many activities together: the
// activities of a page resolve their beneficiaries concurrently, and
// gathering their keys for a moment turns one query per activity into one
// per page. It lives for one GraphQL operation (see graph.Loaders).
type Loader struct {
	pages *dataloadgen.Loader[Page, *Connection]
}

// batchWait is how long the loader gathers keys before it reads: longer
// than gqlgen takes to start the resolvers of a page's rows, and short
// beside a query.
const batchWait = 500 * time.Microsecond

// NewLoader returns a loader reading through client, or through the
// transaction in the context of the first request of a batch.
func NewLoader(client *ent.Client) *Loader {
	fetch := func(ctx context.Context, keys []Page) ([]*Connection, []error) {
		c := client
		if tx := ent.FromContext(ctx); tx != nil {
			c = tx
		}
		return fetchPages(ctx, c, keys)
	}
	return &Loader{pages: dataloadgen.NewLoader(fetch, dataloadgen.WithWait(batchWait), dataloadgen.WithBatchCapacity(maxArms))}
}

// Load returns one activity's page.
func (l *Loader) Load(ctx context.Context, p Page) (*Connection, error) {
	return l.pages.Load(ctx, p)
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
func fetchPages(ctx context.Context, client *ent.Client, keys []Page) ([]*Connection, []error) {
	out := make([]*Connection, len(keys))
	errs := make([]error, len(keys))
	rows, err := readLinks(ctx, client, keys)
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return out, errs
	}
	counts, err := countLinks(ctx, client, keys)
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return out, errs
	}
	countries, err := loadCountries(ctx, client, rows)
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return out, errs
	}
	for i, k := range keys {
		out[i] = page(k, rows[i], countries, counts[k.Activity])
	}
	return out, errs
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
	stmt := strings.Join(arms, " UNION ALL ")
	rs, err := client.QueryContext(ctx, stmt)
	if err != nil {
		return nil, fmt.Errorf("reading beneficiary countries: %w", err)
	}
	defer rs.Close()
	byArm := make([][]link, len(keys))
	for rs.Next() {
		var (
			n            int
			l            link
			participants *int64
		)
		if err := rs.Scan(&n, &l.activity, &l.country, &participants); err != nil {
			return nil, fmt.Errorf("reading beneficiary countries: %w", err)
		}
		if participants != nil {
			p := int(*participants)
			l.participants = &p
		}
		byArm[n] = append(byArm[n], l)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("reading beneficiary countries: %w", err)
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
	stmt := fmt.Sprintf("SELECT activity_id, COUNT(*) FROM %s WHERE activity_id IN (%s) GROUP BY activity_id",
		activitybeneficiary.Table, strings.Join(ids, ", "))
	rs, err := client.QueryContext(ctx, stmt)
	if err != nil {
		return nil, fmt.Errorf("counting beneficiary countries: %w", err)
	}
	defer rs.Close()
	for rs.Next() {
		var id, n int
		if err := rs.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("counting beneficiary countries: %w", err)
		}
		counts[id] = n
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("counting beneficiary countries: %w", err)
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
