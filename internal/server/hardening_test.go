package server_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vmihailenco/msgpack/v5"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
	"sscgraph/internal/server"
)

// forgeCursor decodes a cursor this service issued, lets edit change its
// order values and encodes it again: the cursor's ID stays genuine, so
// only the checks on the values can refuse it.
func forgeCursor(t *testing.T, cursor string, edit func(v any) any) string {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		ID    string `msgpack:"i"`
		Value any    `msgpack:"v,omitempty"`
	}
	if err := msgpack.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	c.Value = edit(c.Value)
	var buf bytes.Buffer
	if err := msgpack.NewEncoder(&buf).Encode(c); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(buf.Bytes())
}

// orFilter is a where-input of n alternatives.
func orFilter(n int) map[string]any {
	ors := make([]any, n)
	for i := range ors {
		ors[i] = map[string]any{"titleContainsFold": fmt.Sprintf("x%d", i)}
	}
	return map[string]any{"or": ors}
}

// TestHostileQueries sends what an attacker or a careless client would:
// each is refused before it runs, with the code and limit it names, or
// runs bounded; none is answered with a server error.
func TestHostileQueries(t *testing.T) { apitest.ForEachBackend(t, testHostileQueries) }

func testHostileQueries(t *testing.T, a *apitest.API) {
	r := a.Query(t, `{
		activities(first: 1, orderBy: [{field: START_DATE}]) { edges { cursor node { id } } }
		countries(first: 1) { edges { cursor } }
	}`, nil)
	activityCursor := r.Str("activities.edges.0.cursor")
	countryCursor := r.Str("countries.edges.0.cursor")
	activityID := r.Str("activities.edges.0.node.id")
	if activityCursor == "" || countryCursor == "" {
		t.Fatalf("no cursors: %+v", r.Data)
	}
	introspection := func(n int) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			fmt.Fprintf(&b, " s%d: __schema { types { name fields { name } } }", i)
		}
		return b.String() + " }"
	}
	deepOr := fmt.Sprintf(`{ activities(where: %s) { totalCount } }`, strings.Repeat("{or: [", 16)+`{titleContainsFold: "x"}`+strings.Repeat("]}", 16))

	tests := []struct {
		name    string
		query   string
		vars    map[string]any
		code    string // of the first error
		limit   string // extensions.limit, for LIMIT_EXCEEDED
		message string // part of the first error's message
	}{
		// Finding 2: filters are bounded wherever they come from.
		{"900 alternatives in a variable", `query($w: ActivityWhereInput) { activities(where: $w) { totalCount } }`, map[string]any{"w": orFilter(900)}, "LIMIT_EXCEEDED", "predicates", "query predicates 900 is over the limit of 200"},
		{"3,000 alternatives", `query($w: ActivityWhereInput) { activities(where: $w) { totalCount } }`, map[string]any{"w": orFilter(3000)}, "LIMIT_EXCEEDED", "variables", "over the limit of 65536"},
		{"the same filter under five aliases", `query($w: ActivityWhereInput) { a0: activities(where: $w) { totalCount } a1: activities(where: $w) { totalCount } a2: activities(where: $w) { totalCount } a3: activities(where: $w) { totalCount } a4: activities(where: $w) { totalCount } }`, map[string]any{"w": orFilter(50)}, "LIMIT_EXCEEDED", "predicates", "query predicates 250 is over the limit of 200"},
		{"a filter 16 deep in a variable", `query($w: ActivityWhereInput) { activities(where: $w) { totalCount } }`, map[string]any{"w": apitest.NestedNot(16)}, "LIMIT_EXCEEDED", "filterDepth", "query filterDepth 16 is over the limit of 8"},
		{"a literal filter 16 deep", deepOr, nil, "LIMIT_EXCEEDED", "filterDepth", "over the limit of 8"},
		{"an idIn of 1,001", `query($ids: [ID!]) { activities(where: {idIn: $ids}) { totalCount } }`, map[string]any{"ids": strings.Split(strings.Repeat(activityID+",", 1000)+activityID, ",")}, "LIMIT_EXCEEDED", "listLength", "query listLength 1001 is over the limit of 1000"},
		// Finding 3: introspection is priced by what it returns.
		{"15 aliased __schema", introspection(15), nil, "LIMIT_EXCEEDED", "introspection", "the schema is answered once per request"},
		{"two __schema", introspection(2), nil, "LIMIT_EXCEEDED", "introspection", "once per request"},
		// Finding 7: cursors that are not this connection's.
		{"a Country cursor for activities", `query($c: Cursor) { activities(after: $c) { totalCount } }`, map[string]any{"c": countryCursor}, "BAD_USER_INPUT", "", "the cursor belongs to a page of Country, not of Activity"},
		{"a literal Country cursor for activities", fmt.Sprintf(`{ activities(after: %q) { totalCount } }`, countryCursor), nil, "BAD_USER_INPUT", "", "not of Activity"},
		{"a cursor of another order", `query($c: Cursor) { activities(after: $c) { totalCount } }`, map[string]any{"c": activityCursor}, "BAD_USER_INPUT", "", "another order"},
		{"forged order values: not a list", `query($c: Cursor) { activities(after: $c, orderBy: [{field: START_DATE}]) { totalCount } }`,
			map[string]any{"c": forgeCursor(t, activityCursor, func(any) any { return "x" })}, "BAD_USER_INPUT", "", "not a list"},
		{"forged order values: too many", `query($c: Cursor) { activities(after: $c, orderBy: [{field: START_DATE}]) { totalCount } }`,
			map[string]any{"c": forgeCursor(t, activityCursor, func(any) any { return []any{"a", "b"} })}, "BAD_USER_INPUT", "", "another order"},
		{"forged order values: a string for a date", `query($c: Cursor) { activities(after: $c, orderBy: [{field: START_DATE}]) { edges { node { id } } } }`,
			map[string]any{"c": forgeCursor(t, activityCursor, func(any) any { return []any{"not a date"} })}, "BAD_USER_INPUT", "", "it was not issued for this order"},
		{"forged order values: an object", `query($c: Cursor) { activities(after: $c, orderBy: [{field: START_DATE}]) { totalCount } }`,
			map[string]any{"c": forgeCursor(t, activityCursor, func(any) any { return []any{map[string]any{"a": 1}} })}, "BAD_USER_INPUT", "", "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.Post(t, tt.query, tt.vars)
			if r.Status >= 500 {
				t.Fatalf("status %d", r.Status)
			}
			if len(r.Errors) == 0 {
				t.Fatalf("answered without an error: %.300v", r.Data)
			}
			e := r.Errors[0]
			if e.Extensions["code"] != tt.code {
				t.Errorf("code = %v, want %s (%s)", e.Extensions["code"], tt.code, e.Message)
			}
			if tt.limit != "" && e.Extensions["limit"] != tt.limit {
				t.Errorf("limit = %v, want %s", e.Extensions["limit"], tt.limit)
			}
			if !strings.Contains(e.Message, tt.message) {
				t.Errorf("message %q does not say %q", e.Message, tt.message)
			}
			if r.HasData {
				t.Errorf("a refused request has a data entry: %.300v", r.Data)
			}
		})
	}
}

// TestNullPageIsTheDefaultPage: a literal first: null or last: null is the
// same as leaving the argument out (finding 1): the default page of 100,
// priced as such, never the whole list.
func TestNullPageIsTheDefaultPage(t *testing.T) {
	apitest.ForEachBackend(t, func(t *testing.T, a *apitest.API) {
		total := a.Count(t, `SELECT COUNT(*) FROM activities`)
		if total <= 100 {
			t.Fatalf("the demo data has %d activities; the test needs more than a page", total)
		}
		for _, arg := range []string{"first: null", "last: null", "first: null, last: null", ""} {
			t.Run(arg, func(t *testing.T) {
				q := fmt.Sprintf(`{ activities(%s) { totalCount edges { node { id } } } }`, arg)
				if arg == "" {
					q = `{ activities { totalCount edges { node { id } } } }`
				}
				r := a.Query(t, q, nil)
				if n := len(r.List("activities.edges")); n != 100 {
					t.Errorf("%d activities, want the default page of 100", n)
				}
				if got := r.Num("activities.totalCount"); got != total {
					t.Errorf("totalCount %d, want %d", got, total)
				}
				cost, _ := r.Extensions["cost"].(map[string]any)
				if got, _ := cost["requestedQueryCost"].(float64); got != 200 {
					t.Errorf("cost %v, want 100 for the page and 100 for the count", cost["requestedQueryCost"])
				}
			})
		}
		// Nested, a null page must not multiply the rows either.
		r := a.Query(t, `{ countries(first: 2, where: {hasActivities: true}) { edges { node { activities(first: null) { edges { node { id } } } } } } }`, nil)
		for i, e := range r.List("countries.edges") {
			n := len(e.(map[string]any)["node"].(map[string]any)["activities"].(map[string]any)["edges"].([]any))
			if n > 100 {
				t.Errorf("country %d: %d activities under first: null", i, n)
			}
		}
	})
}

// TestFiltersArePriced: a condition across an edge costs a subquery per
// row, and so a default page per parent; a plain condition one point;
// and every filter the rows it reads, 50 a point (graph/price.go).
func TestFiltersArePriced(t *testing.T) {
	a := apitest.New(t, apitest.SQLiteCopy(t))
	regions := a.Count(t, `SELECT count(*) FROM regions`)
	countries := a.Count(t, `SELECT count(*) FROM countries`)
	activities := a.Count(t, `SELECT count(*) FROM activities`)
	points := func(rows int) float64 { return float64((rows + 49) / 50) }
	// The countries of 6 regions, or the whole table if more: the rows a
	// nested filter reads; each country leads to activities/countries
	// activities (rounded up).
	nested := max(countries, 6*((countries+regions-1)/regions))
	perCountry := (activities + countries - 1) / countries
	tests := []struct {
		query string
		cost  float64
	}{
		{`{ regions(first: 6) { edges { node { code } } } }`, 6},
		{`{ regions(first: 6, where: {codeNEQ: "x"}) { edges { node { code } } } }`, 7 + points(regions)},
		// A has<Edge> probes each country's edge (2 rows).
		{`{ regions(first: 6) { edges { node { countries(where: {hasActivities: true}) { totalCount } } } } }`, 6 + 6*(100+10) + points(3*nested)},
		// A has…With joins each country's activities (4 rows each) and
		// matches a text in them (12 more).
		{`{ regions(first: 6) { edges { node { countries(where: {hasActivitiesWith: {titleContainsFold: "x"}}) { totalCount } } } } }`, 6 + 6*(100+100+1) + points(nested+nested*perCountry*16)},
		{`{ __type(name: "Country") { name } }`, 0},
	}
	for _, tt := range tests {
		r := a.Query(t, tt.query, nil)
		cost, _ := r.Extensions["cost"].(map[string]any)
		got, _ := cost["requestedQueryCost"].(float64)
		if tt.cost == 0 {
			// Introspection of one type: its fields and arguments.
			if got < 20 {
				t.Errorf("%s: cost %v, want the size of the type", tt.query, got)
			}
			continue
		}
		if got != tt.cost {
			t.Errorf("%s: cost %v, want %v", tt.query, got, tt.cost)
		}
	}
	// One introspection query is well within the limit; tools send them.
	r := a.Query(t, `{ __schema { types { name fields { name args { name } } } } }`, nil)
	if len(r.List("__schema.types")) < 50 {
		t.Errorf("introspection answered %d types", len(r.List("__schema.types")))
	}
}

// TestVariablesAreBounded: the variables' JSON text has a limit of its own
// (the token limit does not see them), and malformed variables are named
// in plain words, by POST and by GET.
func TestVariablesAreBounded(t *testing.T) {
	cfg := server.DefaultConfig()
	cfg.MaxVariablesBytes = 1000
	a := apitest.NewWith(t, apitest.SQLiteCopy(t), cfg)
	q := `query($w: ActivityWhereInput) { activities(where: $w) { totalCount } }`
	if r := a.Post(t, q, map[string]any{"w": orFilter(10)}); len(r.Errors) > 0 {
		t.Fatalf("small variables refused: %+v", r.Errors)
	}
	r := a.Post(t, q, map[string]any{"w": map[string]any{"titleContainsFold": strings.Repeat("x", 1000)}})
	if r.Status != http.StatusRequestEntityTooLarge || len(r.Errors) == 0 ||
		r.Errors[0].Extensions["code"] != "LIMIT_EXCEEDED" || r.Errors[0].Extensions["limit"] != "variables" ||
		!strings.Contains(r.Errors[0].Message, "over the limit of 1000") {
		t.Errorf("large variables: status %d, %+v", r.Status, r.Errors)
	}
	get := func(vars string) apitest.Response {
		return a.Raw(t, http.MethodGet, "/graphql?query="+url.QueryEscape(q)+"&variables="+url.QueryEscape(vars), "", nil)
	}
	if r := get(`{"w": {"titleContainsFold": "` + strings.Repeat("x", 1000) + `"}}`); r.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("large variables by GET: status %d, %+v", r.Status, r.Errors)
	}
	for vars, want := range map[string]string{
		`{"w": `: "variables must be a JSON object: the JSON text ends too early",
		`[1]`:    "variables must be an object, not an array",
		`{"w"}`:  "variables must be a JSON object: it is not valid JSON (at byte 5)",
	} {
		r := get(vars)
		if r.Status != http.StatusBadRequest || len(r.Errors) == 0 || r.Errors[0].Message != want {
			t.Errorf("variables %s: status %d, %+v, want %q", vars, r.Status, r.Errors, want)
		}
	}
}

// TestBogusKeys: requests with made-up keys are charged to their address
// (finding 4): after AuthFailuresPerHour of them the address gets 429
// before any look-up, a key made up twice is looked up once, and neither
// a valid key already in use nor anonymous reads from the address suffer.
func TestBogusKeys(t *testing.T) {
	cfg := server.DefaultConfig()
	cfg.Limits.AuthFailuresPerHour = 5
	a := apitest.NewWith(t, apitest.SQLiteCopy(t), cfg)
	_, valid, err := auth.Create(context.Background(), a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	const q = `{ regions(first: 1) { totalCount } }`
	if _, r := a.Send(t, "Bearer "+valid, q, nil); r.Status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("valid key: status %d, %+v", r.Status, r.Errors)
	}
	bogus := func(i int) string { return fmt.Sprintf("Bearer sscg_madeup%040d", i) }

	// The same made-up key twice: one look-up.
	before := a.Statements.Load()
	for range 2 {
		if _, r := a.Send(t, bogus(0), q, nil); r.Status != http.StatusUnauthorized || r.Errors[0].Extensions["code"] != "UNAUTHENTICATED" {
			t.Fatalf("made-up key: status %d, %+v", r.Status, r.Errors)
		}
	}
	if n := a.Statements.Load() - before; n != 1 {
		t.Errorf("a made-up key sent twice cost %d look-ups, want 1", n)
	}
	for i := 1; i < 4; i++ { // five failures in all, the repeated key included
		if _, r := a.Send(t, bogus(i), q, nil); r.Status != http.StatusUnauthorized {
			t.Fatalf("made-up key %d: status %d, %+v", i, r.Status, r.Errors)
		}
	}
	// The bucket is empty: refused without a look-up.
	before = a.Statements.Load()
	h, r := a.Send(t, bogus(99), q, nil)
	if r.Status != http.StatusTooManyRequests || r.Errors[0].Extensions["code"] != "RATE_LIMITED" ||
		!strings.Contains(r.Errors[0].Message, "too many requests with unknown, expired or revoked API keys") {
		t.Errorf("the sixth made-up key: status %d, %+v", r.Status, r.Errors)
	}
	if retry := h.Get("Retry-After"); retry == "" || retry == "0" {
		t.Errorf("Retry-After %q", retry)
	}
	if n := a.Statements.Load() - before; n != 0 {
		t.Errorf("a refused made-up key cost %d statements", n)
	}
	// The valid key is still known; anonymous reads still run.
	if _, r := a.Send(t, "Bearer "+valid, q, nil); r.Status != http.StatusOK || len(r.Errors) > 0 {
		t.Errorf("valid key after the flood: status %d, %+v", r.Status, r.Errors)
	}
	if r := a.Post(t, q, nil); r.Status != http.StatusOK || len(r.Errors) > 0 {
		t.Errorf("anonymous read after the flood: status %d, %+v", r.Status, r.Errors)
	}
}

// TestFailedTransactionsAreMasked: a mutation whose transaction fails to
// commit, or to open, is an internal error naming the request, with no
// driver text, and writes nothing (finding 5).
func TestFailedTransactionsAreMasked(t *testing.T) {
	apitest.ForEachBackend(t, func(t *testing.T, a *apitest.API) {
		_, key, err := auth.Create(context.Background(), a.DB.Client, auth.CreateOptions{Role: auth.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}
		// A deferred check makes every new region fail at COMMIT, after
		// the mutation's statements have run.
		setup := map[string][]string{
			"sqlite3": {
				`CREATE TABLE commit_fails (ref INTEGER REFERENCES regions(id) DEFERRABLE INITIALLY DEFERRED)`,
				`CREATE TRIGGER commit_fails AFTER INSERT ON regions BEGIN INSERT INTO commit_fails VALUES (-1); END`,
			},
			"postgres": {
				`CREATE FUNCTION commit_fails() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'database is on fire'; END $$`,
				`CREATE CONSTRAINT TRIGGER commit_fails AFTER INSERT ON regions DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION commit_fails()`,
			},
		}[a.DB.Dialect]
		for _, stmt := range setup {
			if _, err := a.DB.SQL.Exec(stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
		regions := a.Count(t, `SELECT COUNT(*) FROM regions`)
		masked := func(t *testing.T, r apitest.Response) {
			t.Helper()
			if r.Status != http.StatusOK || len(r.Errors) != 1 {
				t.Fatalf("status %d, errors %+v", r.Status, r.Errors)
			}
			e := r.Errors[0]
			id, _ := e.Extensions["requestId"].(string)
			if e.Extensions["code"] != "INTERNAL_SERVER_ERROR" || id == "" || !strings.Contains(e.Message, id) {
				t.Errorf("error %+v, want INTERNAL_SERVER_ERROR naming the request", e)
			}
			for _, leak := range []string{"transaction", "FOREIGN KEY", "fire", "sql:", "database", "constraint"} {
				if strings.Contains(e.Message, leak) {
					t.Errorf("message %q shows %q", e.Message, leak)
				}
			}
		}
		const create = `mutation { createRegion(input: {code: "TEST_REGION", name: "Test"}) { id } }`
		_, r := a.Send(t, "Bearer "+key, create, nil)
		masked(t, r)
		if r.Get("createRegion") != nil {
			t.Errorf("data of a rolled-back write: %v", r.Data)
		}
		if n := a.Count(t, `SELECT COUNT(*) FROM regions`); n != regions {
			t.Errorf("%d regions after a failed commit, want %d", n, regions)
		}

		// The database gone: the transaction cannot open. (The key is
		// cached, so the request gets that far.)
		a.DB.SQL.Close()
		_, r = a.Send(t, "Bearer "+key, create, nil)
		masked(t, r)
	})
}

// TestMatchesStayWithTheirParties: taking a match away from its need or
// offer (removeMatchIDs, clearMatches) would leave it without a party; it
// is refused as bad input naming deleteMatch, and the match stays.
func TestMatchesStayWithTheirParties(t *testing.T) {
	apitest.ForEachBackend(t, testMatchesStayWithTheirParties)
}

func testMatchesStayWithTheirParties(t *testing.T, a *apitest.API) {
	_, key, err := auth.Create(context.Background(), a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	editor := apitest.Caller{A: a, Key: key}
	codec := a.Codec
	var matchID, needID, offerID int
	if err := a.DB.SQL.QueryRow(`SELECT id, need_id, offer_id FROM matches ORDER BY id LIMIT 1`).Scan(&matchID, &needID, &offerID); err != nil {
		t.Fatal(err)
	}
	before := a.Count(t, `SELECT COUNT(*) FROM matches`)
	cases := []struct {
		name, mutation string
		party          int
		input          map[string]any
	}{
		{"remove from need", "updateMatchNeed", needID, map[string]any{"removeMatchIDs": []string{codec.Encode(matchID)}}},
		{"clear need's", "updateMatchNeed", needID, map[string]any{"clearMatches": true}},
		{"remove from offer", "updateMatchOffer", offerID, map[string]any{"removeMatchIDs": []string{codec.Encode(matchID)}}},
		{"clear offer's", "updateMatchOffer", offerID, map[string]any{"clearMatches": true}},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			typ := map[string]string{"updateMatchNeed": "UpdateMatchNeedInput", "updateMatchOffer": "UpdateMatchOfferInput"}[tt.mutation]
			q := fmt.Sprintf(`mutation($id: ID!, $in: %s!) { %s(id: $id, input: $in) { id } }`, typ, tt.mutation)
			r := editor.Do(t, q, map[string]any{"id": codec.Encode(tt.party), "in": tt.input})
			if apitest.ErrCode(r) != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "deleteMatch") {
				t.Errorf("answered %+v %+v, want BAD_USER_INPUT naming deleteMatch", r.Data, r.Errors)
			}
		})
	}
	if after := a.Count(t, `SELECT COUNT(*) FROM matches`); after != before {
		t.Errorf("%d matches after the refusals, want %d", after, before)
	}
}

// TestKeysAreNoOracle: for anyone but an ADMIN key, the ID of an API key
// or an audit event answers exactly as an ID of no row does (null), so
// made-up IDs cannot count keys; reading the lists is refused in words
// that speak of reading.
func TestKeysAreNoOracle(t *testing.T) { apitest.ForEachBackend(t, testKeysAreNoOracle) }

func testKeysAreNoOracle(t *testing.T, a *apitest.API) {
	ctx := context.Background()
	adminRec, adminKey, err := auth.Create(ctx, a.DB.Client, auth.CreateOptions{Role: auth.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	_, editorKey, err := auth.Create(ctx, a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	admin := apitest.Caller{A: a, Key: adminKey}
	// An audit event to look up: the editor's write.
	if r := (apitest.Caller{A: a, Key: editorKey}).Do(t, `mutation { createTopic(input: {code: "ORACLE", name: "t", kind: SECTOR}) { id } }`, nil); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	r := admin.Do(t, `{ auditEvents(first: 1) { edges { node { id } } } }`, nil)
	eventID := r.Str("auditEvents.edges.0.node.id")
	if eventID == "" {
		t.Fatalf("no audit event: %+v", r.Errors)
	}
	codec := a.Codec
	keyID := codec.Encode(adminRec.ID)
	missingKeyID := codec.Encode(adminRec.ID + 1000)

	q := `query($id: ID!) { node(id: $id) { id ... on APIKey { role } ... on AuditEvent { type } } }`
	if r := admin.Do(t, q, map[string]any{"id": keyID}); r.Str("node.role") != "ADMIN" {
		t.Errorf("an ADMIN key looked its own key up: %+v %+v", r.Data, r.Errors)
	}
	if r := admin.Do(t, q, map[string]any{"id": eventID}); r.Str("node.type") != "Topic" {
		t.Errorf("an ADMIN key looked an event up: %+v %+v", r.Data, r.Errors)
	}
	for _, c := range []struct {
		name string
		who  apitest.Caller
	}{{"anonymous", apitest.Caller{A: a, Key: ""}}, {"EDITOR", apitest.Caller{A: a, Key: editorKey}}} {
		t.Run(c.name, func(t *testing.T) {
			missing := c.who.Do(t, q, map[string]any{"id": missingKeyID})
			if len(missing.Errors) > 0 || missing.Get("node") != nil {
				t.Fatalf("a missing key: %+v %+v", missing.Data, missing.Errors)
			}
			for _, id := range []string{keyID, eventID} {
				r := c.who.Do(t, q, map[string]any{"id": id})
				if len(r.Errors) > 0 || r.Get("node") != nil {
					t.Errorf("node(%s) = %+v %+v, want null as for a missing row", id, r.Data, r.Errors)
				}
			}
			many := `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`
			got := c.who.Do(t, many, map[string]any{"ids": []string{keyID, eventID}})
			want := c.who.Do(t, many, map[string]any{"ids": []string{missingKeyID, missingKeyID}})
			if fmt.Sprint(got.Data, errorTexts(got)) != fmt.Sprint(want.Data, errorTexts(want)) {
				t.Errorf("nodes of real keys %v %v differ from nodes of missing ones %v %v", got.Data, errorTexts(got), want.Data, errorTexts(want))
			}
			r := c.who.Do(t, `{ apiKeys(first: 1) { totalCount } }`, nil)
			if len(r.Errors) == 0 || strings.Contains(r.Errors[0].Message, "change") || r.Get("apiKeys") != nil {
				t.Errorf("apiKeys: %+v %+v, want a refusal to read", r.Data, r.Errors)
			}
		})
	}
}

// errorTexts lists a response's errors as code: message at path, without
// the parts that differ between requests (the request ID).
func errorTexts(r apitest.Response) []string {
	var out []string
	for _, e := range r.Errors {
		out = append(out, fmt.Sprintf("%v: %s at %v", e.Extensions["code"], e.Message, e.Path))
	}
	return out
}

// TestKeyChangesAreAudited: making and revoking keys, through the API and
// the command line, leaves audit events like every other write, with the
// key's hash redacted.
func TestKeyChangesAreAudited(t *testing.T) { apitest.ForEachBackend(t, testKeyChangesAreAudited) }

func testKeyChangesAreAudited(t *testing.T, a *apitest.API) {
	ctx := context.Background()
	// The command line's way (sscgraph key create / revoke).
	adminRec, adminKey, err := auth.Create(ctx, a.DB.Client, auth.CreateOptions{Role: auth.RoleAdmin, Name: "ops"})
	if err != nil {
		t.Fatal(err)
	}
	admin := apitest.Caller{A: a, Key: adminKey}
	codec := a.Codec
	// The API's way.
	r := admin.Do(t, `mutation { createAPIKey(input: {role: EDITOR, name: "via api"}) { key apiKey { id } } }`, nil)
	apiKeyID := r.Str("createAPIKey.apiKey.id")
	if apiKeyID == "" {
		t.Fatal(r.Errors)
	}
	if r := admin.Do(t, `mutation($id: ID!) { revokeAPIKey(id: $id) { id } }`, map[string]any{"id": apiKeyID}); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	cliRec, _, err := auth.Create(ctx, a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	if err := auth.Revoke(ctx, a.DB.Client, cliRec.ID); err != nil {
		t.Fatal(err)
	}
	// Revoking twice is refused, and writes no event.
	if r := admin.Do(t, `mutation($id: ID!) { revokeAPIKey(id: $id) { id } }`, map[string]any{"id": apiKeyID}); apitest.ErrCode(r) != "BAD_USER_INPUT" {
		t.Errorf("a second revocation: %+v", r.Errors)
	}

	r = admin.Do(t, `{ auditEvents(first: 10, where: {type: "APIKey"}) { edges { node { nodeID operation keyID role via changes } } } }`, nil)
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	var got []string
	for i := range r.List("auditEvents.edges") {
		n := fmt.Sprintf("auditEvents.edges.%d.node.", i)
		node := map[string]string{codec.Encode(adminRec.ID): "admin", apiKeyID: "api", codec.Encode(cliRec.ID): "cli"}[r.Str(n+"nodeID")]
		by := "key " + map[string]string{codec.Encode(adminRec.ID): "admin"}[r.Str(n+"keyID")]
		if r.Get(n+"keyID") == nil {
			by = "no key"
		}
		got = append(got, fmt.Sprintf("%s %s by %s as %s via %s", r.Str(n+"operation"), node, by, r.Str(n+"role"), r.Str(n+"via")))
		changes := fmt.Sprint(r.Get(n + "changes"))
		if r.Str(n+"operation") == "CREATE" && !strings.Contains(changes, "hash:map[new:[redacted]]") {
			t.Errorf("a key's creation shows %s, want the hash redacted", changes)
		}
		if r.Str(n+"operation") == "UPDATE" && !strings.Contains(changes, "revokedAt") {
			t.Errorf("a revocation shows %s, want revokedAt", changes)
		}
	}
	want := []string{
		"UPDATE cli by no key as SYSTEM via CLI",
		"CREATE cli by no key as SYSTEM via CLI",
		"UPDATE api by key admin as ADMIN via API",
		"CREATE api by key admin as ADMIN via API",
		"CREATE admin by no key as SYSTEM via CLI",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("key events, newest first:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
