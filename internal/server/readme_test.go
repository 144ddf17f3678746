package server_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"sscgraph/graph"
	"sscgraph/internal/apitest"
)

// TestReadmeExamples runs every GraphQL example in README.md and docs/, so
// that the documentation cannot drift from the API, and checks what each
// answers:
//
//   - its shape, for any example: every field the example selects is in
//     the answer, non-null where the schema says so, with a value of its
//     type (IDs of the object's type, times that parse, enum values the
//     schema has, non-empty non-null strings);
//   - connections: a first page holds min(first, totalCount) edges,
//     hasNextPage agrees, an orderBy on a selected number or time is
//     followed, and a root connection of an example is not empty (an
//     example that shows nothing shows nothing); without a filter its
//     count is the table's, in SQL;
//   - readmeFacts: values the examples show, computed in SQL from the
//     test's database.
func TestReadmeExamples(t *testing.T) { apitest.ForEachBackend(t, testReadmeExamples) }

func testReadmeExamples(t *testing.T, a *apitest.API) {
	examples := readExamples(t)
	if len(examples) < 3 {
		t.Fatalf("found %d GraphQL examples in README.md and docs/, want at least one per kind of user", len(examples))
	}
	schema := graph.PublicSchema()
	matched := make([]bool, len(readmeFacts))
	for _, ex := range examples {
		t.Run(ex.name, func(t *testing.T) {
			// Write examples carry placeholder IDs and the audit trail needs
			// an ADMIN key: the mutation tests cover both.
			if strings.HasPrefix(strings.TrimSpace(ex.query), "mutation") || strings.Contains(ex.query, "auditEvents") {
				t.Skip("a mutation or the audit trail: see the mutation tests")
			}
			// Placeholder IDs ("MatchNeed_…") stand for a row of the type:
			// the example runs with the first row (by ID) for which it
			// shows something.
			ex.query = withPlaceholders(t, a, ex.query)
			doc, errs := gqlparser.LoadQuery(schema, ex.query)
			if len(errs) > 0 || len(doc.Operations) != 1 {
				t.Fatalf("the example does not fit the schema: %v", errs)
			}
			if doc.Operations[0].Operation == "subscription" {
				t.Skip("a subscription: it fits the schema; TestSubscriptions runs them over WebSocket and SSE")
			}
			r := a.Query(t, ex.query, nil)
			op := doc.Operations[0]
			c := answerCheck{t: t, a: a, schema: schema}
			// The schema lets a root field such as country(code:) be null;
			// an example shows something that exists.
			for _, sel := range op.SelectionSet {
				if f, ok := sel.(*ast.Field); ok && r.Data[f.Alias] == nil {
					t.Errorf("%s is null", f.Alias)
				}
			}
			c.selection("", schema.Query, op.SelectionSet, r.Data, true)
			for i, f := range readmeFacts {
				if f.check(t, a, r.Data) {
					matched[i] = true
				}
			}
		})
	}
	// A fact that matches no example checks nothing: it was written for an
	// example that has changed, and must change with it.
	for i, f := range readmeFacts {
		if !matched[i] {
			t.Errorf("fact %s %s matched no example: update readmeFacts", f.at, f.field)
		}
	}
}

type example struct{ name, query string }

// readExamples returns the ```graphql blocks of README.md and docs/*.md,
// each named by its file and line.
func readExamples(t *testing.T) []example {
	t.Helper()
	docs, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)```graphql\n(.*?)```")
	var out []example
	for _, path := range append([]string{"../../README.md"}, docs...) {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range block.FindAllSubmatchIndex(text, -1) {
			line := 1 + strings.Count(string(text[:m[0]]), "\n")
			out = append(out, example{
				name:  fmt.Sprintf("%s:%d", filepath.Base(path), line),
				query: string(text[m[2]:m[3]]),
			})
		}
	}
	return out
}

// answerCheck checks an answer against the selection that asked for it.
type answerCheck struct {
	t      *testing.T
	a      *apitest.API
	schema *ast.Schema
}

// idShape is a global ID: a type name, an underscore and 22 base64url
// characters (package gid).
var idShape = regexp.MustCompile(`^([A-Za-z]+)_[A-Za-z0-9_-]{22}$`)

// selection checks obj, the answer to set on a value of type def; root
// says that set is the operation's.
func (c answerCheck) selection(path string, def *ast.Definition, set ast.SelectionSet, obj map[string]any, root bool) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			c.field(path, s, obj, root)
		case *ast.InlineFragment:
			if c.applies(s.TypeCondition, def, obj) {
				c.selection(path, def, s.SelectionSet, obj, root)
			}
		case *ast.FragmentSpread:
			if c.applies(s.Definition.TypeCondition, def, obj) {
				c.selection(path, def, s.Definition.SelectionSet, obj, root)
			}
		}
	}
}

// applies tells whether a fragment on typ applies to obj, a value of type
// def; when def is abstract only __typename tells, and without it the
// fragment is not checked.
func (c answerCheck) applies(typ string, def *ast.Definition, obj map[string]any) bool {
	return typ == "" || typ == def.Name || obj["__typename"] == typ
}

func (c answerCheck) field(path string, f *ast.Field, obj map[string]any, root bool) {
	p := strings.TrimPrefix(path+"."+f.Alias, ".")
	v, ok := obj[f.Alias]
	if !ok {
		c.t.Errorf("%s: selected but not in the answer", p)
		return
	}
	c.value(p, f, f.Definition.Type, v)
	if conn, ok := v.(map[string]any); ok && strings.HasSuffix(f.Definition.Type.Name(), "Connection") {
		c.connection(p, f, conn, root)
	}
}

// value checks v, the answer of f (or an element of it) of type typ.
func (c answerCheck) value(p string, f *ast.Field, typ *ast.Type, v any) {
	if v == nil {
		if typ.NonNull {
			c.t.Errorf("%s is null; the schema says %s", p, typ)
		}
		return
	}
	if typ.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			c.t.Errorf("%s = %v, want a list", p, v)
			return
		}
		for i, e := range list {
			c.value(fmt.Sprintf("%s.%d", p, i), f, typ.Elem, e)
		}
		return
	}
	def := c.schema.Types[typ.NamedType]
	switch def.Kind {
	case ast.Object, ast.Interface, ast.Union:
		obj, ok := v.(map[string]any)
		if !ok {
			c.t.Errorf("%s = %v, want an object", p, v)
			return
		}
		c.selection(p, def, f.SelectionSet, obj, false)
	case ast.Enum:
		if s, _ := v.(string); def.EnumValues.ForName(s) == nil {
			c.t.Errorf("%s = %v, not a value of %s", p, v, def.Name)
		}
	case ast.Scalar:
		c.scalar(p, f, def.Name, typ.NonNull, v)
	}
}

func (c answerCheck) scalar(p string, f *ast.Field, typ string, nonNull bool, v any) {
	s, isString := v.(string)
	n, isNumber := v.(float64)
	ok := true
	switch typ {
	case "ID":
		m := idShape.FindStringSubmatch(s)
		// An object's own id names its type; other IDs (nodeID) any type.
		ok = m != nil && (f.Name != "id" || f.ObjectDefinition.Kind != ast.Object || m[1] == f.ObjectDefinition.Name)
	case "String":
		// No record of the demo data has an empty name or title: an empty
		// non-null string is a field the resolver did not fill.
		ok = isString && (!nonNull || strings.TrimSpace(s) != "")
	case "Int":
		ok = isNumber && n == float64(int64(n))
	case "Float":
		ok = isNumber
	case "Boolean":
		_, ok = v.(bool)
	case "Time":
		_, err := time.Parse(time.RFC3339, s)
		ok = err == nil
	case "Cursor":
		ok = s != ""
	case "Map":
		_, ok = v.(map[string]any)
	}
	if !ok {
		c.t.Errorf("%s = %#v, not a %s", p, v, typ)
	}
}

// connection checks what holds for any connection's answer.
func (c answerCheck) connection(p string, f *ast.Field, conn map[string]any, root bool) {
	args := f.ArgumentMap(nil)
	page := graph.DefaultPageSize
	if first, ok := args["first"].(int64); ok {
		page = int(first)
	}
	// A first page: not after or before a cursor, not from the end.
	firstPage := args["after"] == nil && args["before"] == nil && args["last"] == nil
	edges, haveEdges := conn["edges"].([]any)
	total, haveTotal := conn["totalCount"].(float64)
	if haveEdges && len(edges) > page {
		c.t.Errorf("%s: %d edges, over the page of %d", p, len(edges), page)
	}
	if haveEdges && haveTotal && firstPage {
		if want := min(page, int(total)); len(edges) != want {
			c.t.Errorf("%s: %d edges of %d rows, want the first %d", p, len(edges), int(total), want)
		}
		info, _ := conn["pageInfo"].(map[string]any)
		if next, ok := info["hasNextPage"].(bool); ok && next != (int(total) > len(edges)) {
			c.t.Errorf("%s: hasNextPage %v with %d edges of %d rows", p, next, len(edges), int(total))
		}
	}
	if haveEdges {
		c.order(p, args["orderBy"], edges)
	}
	if !root {
		return
	}
	if (haveTotal && total == 0) || (haveEdges && len(edges) == 0) {
		c.t.Errorf("%s is empty: the example shows nothing", p)
	}
	if args["where"] == nil && !strings.HasPrefix(f.Name, "suggested") && f.Name != "search" {
		// Without a filter a root connection is the whole table (the
		// suggestions and search hits are computed, not a table).
		rows := c.a.Count(c.t, "SELECT COUNT(*) FROM "+snake(f.Name))
		if haveTotal && int(total) != rows {
			c.t.Errorf("%s: totalCount %d, the table holds %d", p, int(total), rows)
		}
		if haveEdges && firstPage && len(edges) != min(page, rows) {
			c.t.Errorf("%s: %d edges, want the first %d of the table's %d", p, len(edges), min(page, rows), rows)
		}
	}
}

// order checks that edges follow the first term of orderBy, when its field
// is a number or time the nodes show. Strings are left alone: the
// databases' collations are not Go's byte order.
func (c answerCheck) order(p string, orderBy any, edges []any) {
	terms, _ := orderBy.([]any)
	if len(terms) == 0 {
		return
	}
	term, _ := terms[0].(map[string]any)
	field, _ := term["field"].(string)
	name := camel(field)
	desc := term["direction"] == "DESC"
	var prev float64
	for i, e := range edges {
		node, _ := e.(map[string]any)["node"].(map[string]any)
		cur, ok := sortable(node[name])
		if !ok {
			return
		}
		if i > 0 && ((desc && cur > prev) || (!desc && cur < prev)) {
			c.t.Errorf("%s: edge %d has %s %v, out of the order %s %s", p, i, name, node[name], field, term["direction"])
		}
		prev = cur
	}
}

// sortable returns v as a number that orders as v does.
func sortable(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case string:
		t, err := time.Parse(time.RFC3339, v)
		return float64(t.UnixNano()), err == nil
	}
	return 0, false
}

// camel turns an order field (START_DATE) into its GraphQL field
// (startDate).
func camel(s string) string {
	parts := strings.Split(strings.ToLower(s), "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// snake turns a root connection (matchOffers) into its table
// (match_offers).
func snake(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// fact is a value the examples show, computed independently in SQL. At
// every object at path at in an answer (* standing for every list index)
// that has field (a dotted path; len(…) for a list's length), the value
// must be the SQL's answer. %s in sql is the object's key field, quoted;
// a global ID is decoded to the row's key first.
type fact struct {
	at, field, sql, key string
}

// readmeFacts are the facts of the examples in README.md, for the demo
// dataset.
var readmeFacts = []fact{
	// The programme in figures.
	{"", "africa.totalCount", `SELECT COUNT(DISTINCT b.activity_id) FROM activity_beneficiary_countries b
		JOIN countries c ON c.id = b.country_id JOIN regions r ON r.id = c.region_id WHERE r.code = 'AFRICA'`, ""},
	{"", "arab.totalCount", `SELECT COUNT(DISTINCT b.activity_id) FROM activity_beneficiary_countries b
		JOIN countries c ON c.id = b.country_id JOIN regions r ON r.id = c.region_id WHERE r.code = 'ARAB'`, ""},
	{"", "southSouthSince2020.totalCount", `SELECT COUNT(*) FROM activities WHERE kind = 'SOUTH_SOUTH' AND start_date >= '2020-01-01'`, ""},
	{"", "ldcs.totalCount", `SELECT COUNT(*) FROM countries WHERE ldc`, ""},
	{"regions.edges.*.node", "name", `SELECT name FROM regions WHERE code = %s`, "code"},
	{"regions.edges.*.node", "countries.totalCount", `SELECT COUNT(*) FROM countries c JOIN regions r ON r.id = c.region_id WHERE r.code = %s`, "code"},
	// A country's projects.
	{"country", "iso3", `SELECT iso3 FROM countries WHERE code = 'EG'`, ""},
	{"country", "region.name", `SELECT r.name FROM regions r JOIN countries c ON c.region_id = r.id WHERE c.code = 'EG'`, ""},
	{"country", "len(projects.edges)", `SELECT COUNT(*) FROM (SELECT 1 FROM project_countries pc
		JOIN countries c ON c.id = pc.country_id WHERE c.code = 'EG' LIMIT 10) x`, ""},
	{"country.projects.edges.*.node", "title", `SELECT title FROM projects WHERE code = %s`, "code"},
	{"country.projects.edges.*.node", "len(countries.edges)", `SELECT COUNT(*) FROM project_countries pc
		JOIN projects p ON p.id = pc.project_id WHERE p.code = %s`, "code"},
	{"country.projects.edges.*.node", "activities.totalCount", `SELECT COUNT(*) FROM activities a JOIN projects p ON p.id = a.project_id WHERE p.code = %s`, "code"},
	// Offers of help.
	{"matchOffers", "totalCount", `SELECT COUNT(*) FROM match_offers o WHERE o.status = 'OPEN' AND EXISTS (SELECT 1 FROM match_offer_topics ot
		JOIN topics t ON t.id = ot.topic_id WHERE ot.match_offer_id = o.id AND t.code IN ('PATENTS', 'TECHNOLOGY_TRANSFER'))`, ""},
	{"matchOffers.edges.*.node", "title", `SELECT title FROM match_offers WHERE id = %s`, "id"},
	{"matchOffers.edges.*.node", "provider.name", `SELECT p.name FROM organizations p JOIN match_offers o ON o.provider_id = p.id WHERE o.id = %s`, "id"},
	{"matchOffers.edges.*.node", "len(topics.edges)", `SELECT COUNT(*) FROM match_offer_topics WHERE match_offer_id = %s`, "id"},
	{"matchOffers.edges.*.node", "len(matches.edges)", `SELECT COUNT(*) FROM (SELECT 1 FROM matches WHERE offer_id = %s LIMIT 3) x`, "id"},
	// Deep nesting.
	{"regions.edges.*.node", "len(countries.edges)", `SELECT COUNT(*) FROM (SELECT 1 FROM countries c
		JOIN regions r ON r.id = c.region_id WHERE r.code = %s LIMIT 60) x`, "code"},
}

// check applies the fact to data, and tells whether it found the field.
func (f fact) check(t *testing.T, a *apitest.API, data map[string]any) bool {
	t.Helper()
	found := false
	for _, obj := range objectsAt(data, f.at) {
		got, ok := valueAt(obj, f.field)
		if !ok {
			continue
		}
		found = true
		query := f.sql
		if f.key != "" {
			key, _ := obj[f.key].(string)
			query = fmt.Sprintf(f.sql, sqlValue(t, f.key, key))
		}
		want := a.Column(t, query)
		if len(want) != 1 || want[0] != got {
			t.Errorf("%s %s = %s, the database says %v", f.at, f.field, got, want)
		}
	}
	return found
}

// objectsAt returns the objects at path in data.
func objectsAt(data map[string]any, path string) []map[string]any {
	vals := []any{data}
	if path != "" {
		for _, part := range strings.Split(path, ".") {
			var next []any
			for _, v := range vals {
				switch v := v.(type) {
				case map[string]any:
					if part != "*" && v[part] != nil {
						next = append(next, v[part])
					}
				case []any:
					if part == "*" {
						next = append(next, v...)
					}
				}
			}
			vals = next
		}
	}
	var out []map[string]any
	for _, v := range vals {
		if m, ok := v.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// valueAt returns the value at field in obj, as SQL would print it.
func valueAt(obj map[string]any, field string) (string, bool) {
	length := strings.HasPrefix(field, "len(") && strings.HasSuffix(field, ")")
	if length {
		field = field[len("len(") : len(field)-1]
	}
	var v any = obj
	for _, part := range strings.Split(field, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return "", false
		}
		if v, ok = m[part]; !ok {
			return "", false
		}
	}
	switch v := v.(type) {
	case []any:
		if length {
			return strconv.Itoa(len(v)), true
		}
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), !length
	case string:
		return v, !length
	}
	return fmt.Sprint(v), false
}

// sqlValue quotes a key for SQL; a global ID becomes the row's key.
func sqlValue(t *testing.T, field, v string) string {
	t.Helper()
	if field == "id" {
		key, err := apitest.DefaultCodec.Decode(v)
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		return strconv.Itoa(key)
	}
	return "'" + strings.ReplaceAll(v, "'", "''") + "'"
}

// withPlaceholders replaces the placeholder IDs of query with the first
// rows of their types (of the first 20) that make every root connection
// of the answer non-empty.
func withPlaceholders(t *testing.T, a *apitest.API, query string) string {
	t.Helper()
	m := placeholderID.FindStringSubmatch(query)
	if m == nil {
		return query
	}
	r := a.Query(t, fmt.Sprintf(`{ rows: %s(first: 20) { edges { node { id } } } }`, connectionOf(m[1])), nil)
	for _, id := range r.IDs("rows") {
		q := strings.ReplaceAll(query, m[0], fmt.Sprintf("%q", id))
		if placeholderID.MatchString(q) {
			q = withPlaceholders(t, a, q)
		}
		answer := a.Post(t, q, nil)
		shows := len(answer.Errors) == 0
		for _, v := range answer.Data {
			if conn, ok := v.(map[string]any); ok {
				if edges, ok := conn["edges"].([]any); ok && len(edges) == 0 {
					shows = false
				}
			}
		}
		if shows {
			return q
		}
	}
	t.Fatalf("no %s of the first 20 makes the example show something", m[1])
	return ""
}

// placeholderID is how examples write an ID: "Type_…".
var placeholderID = regexp.MustCompile(`"([A-Z][A-Za-z]+)_…"`)

// connectionOf names the root connection of a node type.
func connectionOf(typ string) string {
	name := strings.ToLower(typ[:1]) + typ[1:]
	switch {
	case strings.HasSuffix(name, "y"):
		return name[:len(name)-1] + "ies"
	case strings.HasSuffix(name, "ch"):
		return name + "es"
	}
	return name + "s"
}
