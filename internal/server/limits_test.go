package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"sscgraph/internal/apitest"
	"sscgraph/internal/server"
)

// limitedAPI starts a server with small limits that queries can straddle.
func limitedAPI(t *testing.T, change func(*server.Config)) *apitest.API {
	t.Helper()
	cfg := server.DefaultConfig()
	change(&cfg)
	return apitest.NewWith(t, apitest.SQLiteCopy(t), cfg)
}

// nest builds a query that goes n connection levels deep along
// regions -> countries -> activities -> topics -> projects, one node a
// level, ending with leaf.
func nest(levels int, leaf string) string {
	path := []string{"regions", "countries", "activities", "topics", "projects"}
	var open, close strings.Builder
	for i := 0; i < levels; i++ {
		fmt.Fprintf(&open, "%s(first: 1) { edges { node { ", path[i])
		close.WriteString("} } } ")
	}
	return "{ " + open.String() + leaf + " " + close.String() + "}"
}

func TestLimits(t *testing.T) {
	code := func(r apitest.Response) string {
		if len(r.Errors) == 0 {
			return ""
		}
		c, _ := r.Errors[0].Extensions["code"].(string)
		return c
	}
	t.Run("cost", func(t *testing.T) {
		a := limitedAPI(t, func(c *server.Config) { c.Limits.MaxCost = 100 })
		q := `{ regions(first: 6) { edges { node { countries(first: %d) { edges { node { id } } } } } } }`
		r := a.Post(t, fmt.Sprintf(q, 15), nil) // 6 + 6*15 = 96
		if len(r.Errors) > 0 {
			t.Fatalf("cost 96 of 100 refused: %+v", r.Errors)
		}
		r = a.Post(t, fmt.Sprintf(q, 16), nil) // 6 + 6*16 = 102
		if code(r) != "LIMIT_EXCEEDED" || !strings.Contains(r.Errors[0].Message, "query cost 102 is over the limit of 100") || r.HasData {
			t.Errorf("cost 102 of 100: %+v", r.Errors)
		}
	})
	t.Run("a journalist's 4-level traversal fits the default", func(t *testing.T) {
		a := apitest.New(t, apitest.SQLiteCopy(t))
		r := a.Post(t, `{ regions(first: 10) { edges { node { code countries(first: 60) { edges { node { code
			activities(first: 5) { edges { node { title consultants(first: 3) { edges { node { name } } } } } } } } } } } } }`, nil)
		if len(r.Errors) > 0 {
			t.Fatalf("refused: %+v", r.Errors)
		}
		cost, _ := r.Extensions["cost"].(map[string]any)
		if got, _ := cost["requestedQueryCost"].(float64); got != 12_610 {
			t.Errorf("cost %v, want 10 + 10*60 + 600*5 + 3000*3 = 12610", cost["requestedQueryCost"])
		}
		if n := len(r.List("regions.edges")); n != 6 {
			t.Errorf("%d regions, want all 6", n)
		}
	})
	t.Run("a count costs a default page per parent", func(t *testing.T) {
		// A count reads every matching row: pricing it as one node let
		// thousands of counts through the cost limit.
		q := `{ regions(first: 6) { edges { node { countries { totalCount } } } } }` // 6 + 6*100
		if r := limitedAPI(t, func(c *server.Config) { c.Limits.MaxCost = 606 }).Post(t, q, nil); len(r.Errors) > 0 {
			t.Errorf("6 counts at cost 606 refused: %+v", r.Errors)
		}
		r := limitedAPI(t, func(c *server.Config) { c.Limits.MaxCost = 605 }).Post(t, q, nil)
		if code(r) != "LIMIT_EXCEEDED" || !strings.Contains(r.Errors[0].Message, "query cost 606 is over the limit of 605") {
			t.Errorf("6 counts at a limit of 605: %+v", r.Errors)
		}
	})
	t.Run("depth", func(t *testing.T) {
		a := apitest.New(t, apitest.SQLiteCopy(t)) // default depth 16
		r := a.Post(t, nest(5, "code"), nil)       // 5 levels x 3 + code = 16
		if len(r.Errors) > 0 {
			t.Fatalf("depth 16 refused: %+v", r.Errors)
		}
		r = a.Post(t, nest(5, "countries { totalCount }"), nil) // 17
		if code(r) != "LIMIT_EXCEEDED" || !strings.Contains(r.Errors[0].Message, "query depth 17 is over the limit of 16") {
			t.Errorf("depth 17: %+v", r.Errors)
		}
	})
	t.Run("aliases", func(t *testing.T) {
		a := apitest.New(t, apitest.SQLiteCopy(t)) // default 15
		aliased := func(n int) string {
			var b strings.Builder
			b.WriteString("{ ")
			for i := range n {
				fmt.Fprintf(&b, "a%d: recommendation(number: %d) { title } ", i, i+1)
			}
			return b.String() + "}"
		}
		if r := a.Post(t, aliased(15), nil); len(r.Errors) > 0 {
			t.Fatalf("15 aliases refused: %+v", r.Errors)
		}
		r := a.Post(t, aliased(16), nil)
		if code(r) != "LIMIT_EXCEEDED" || !strings.Contains(r.Errors[0].Message, "query aliases 16 is over the limit of 15") {
			t.Errorf("16 aliases: %+v", r.Errors)
		}
	})
	t.Run("tokens", func(t *testing.T) {
		a := limitedAPI(t, func(c *server.Config) { c.MaxTokens = 50 })
		fields := func(n int) string { return "{" + strings.Repeat(" __typename", n) + " }" }
		if r := a.Post(t, fields(48), nil); len(r.Errors) > 0 { // 48 names and 2 braces
			t.Fatalf("50 tokens refused: %+v", r.Errors)
		}
		r := a.Post(t, fields(49), nil)
		// A limit like the others: LIMIT_EXCEEDED naming it, not
		// GRAPHQL_PARSE_FAILED as if the document were malformed.
		if got := code(r); got != "LIMIT_EXCEEDED" {
			t.Fatalf("51 tokens: got code %q (%+v), want LIMIT_EXCEEDED", got, r.Errors)
		}
		if got, want := r.Errors[0].Message, "query tokens are over the limit of 50"; !strings.HasPrefix(got, want) {
			t.Errorf("51 tokens: got message %q, want it to begin %q", got, want)
		}
		if got := r.Errors[0].Extensions["limit"]; got != "tokens" {
			t.Errorf("51 tokens: got extensions.limit %v, want tokens", got)
		}
		if got := r.Errors[0].Extensions["maximum"]; got != float64(50) {
			t.Errorf("51 tokens: got extensions.maximum %v, want 50", got)
		}
	})
	t.Run("body size", func(t *testing.T) {
		a := limitedAPI(t, func(c *server.Config) { c.MaxBodyBytes = 1000 })
		body := func(size int) []byte {
			prefix, suffix := `{"query": "{ __typename`, ` }"}`
			return []byte(prefix + strings.Repeat(" ", size-len(prefix)-len(suffix)) + suffix)
		}
		if r := a.Raw(t, "POST", "/graphql", "application/json", body(1000)); r.Status != http.StatusOK || len(r.Errors) > 0 {
			t.Fatalf("a body of 1000 bytes: status %d, %+v", r.Status, r.Errors)
		}
		r := a.Raw(t, "POST", "/graphql", "application/json", body(1001))
		if r.Status != http.StatusRequestEntityTooLarge || len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, "larger than 1000 bytes") {
			t.Errorf("a body of 1001 bytes: status %d, %+v", r.Status, r.Errors)
		}
	})
	t.Run("page size", func(t *testing.T) {
		a := apitest.New(t, apitest.SQLiteCopy(t))
		if r := a.Post(t, `{ countries(first: 1000) { totalCount } }`, nil); len(r.Errors) > 0 {
			t.Fatalf("first: 1000 refused: %+v", r.Errors)
		}
		if r := a.Post(t, `{ countries(first: 1001) { totalCount } }`, nil); len(r.Errors) == 0 {
			t.Error("first: 1001 accepted")
		}
	})
	t.Run("timeout", func(t *testing.T) {
		a := limitedAPI(t, func(c *server.Config) { c.Timeout = time.Nanosecond })
		r := a.Post(t, `{ activities(first: 100) { edges { node { title } } } }`, nil)
		if r.Status >= 500 || code(r) != "TIMEOUT" {
			t.Errorf("status %d, errors %+v, want a TIMEOUT error", r.Status, r.Errors)
		}
	})
}

func TestRateLimit(t *testing.T) {
	a := limitedAPI(t, func(c *server.Config) {
		c.Limits.PerHour = 200
		// The bucket's arithmetic is what is tested here, not the charge
		// for time beyond the price: on a loaded machine the first
		// query took 3.8 ms, 188 points at the default, and left 12.
		c.Limits.TimePerPoint = time.Hour
		// The same query twice: from the answer cache the second would
		// cost its bytes, not its price (TestAnswerCache).
		c.Answers.MaxBytes = 0
	})
	q := `{ countries(first: 150) { edges { node { code } } } }` // costs 150
	send := func() (http.Header, apitest.Response) {
		t.Helper()
		return a.Send(t, "", q, nil)
	}

	h, r := send()
	if r.Status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("first query: status %d, %+v", r.Status, r.Errors)
	}
	for header, want := range map[string]string{"X-RateLimit-Limit": "200", "X-RateLimit-Remaining": "50", "X-RateLimit-Used": "150"} {
		if got := h.Get(header); got != want {
			t.Errorf("%s = %q, want %q", header, got, want)
		}
	}
	reset, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
	if err != nil || reset <= time.Now().Unix() || reset > time.Now().Add(time.Hour+time.Minute).Unix() {
		t.Errorf("X-RateLimit-Reset = %q, want a Unix time within the hour", h.Get("X-RateLimit-Reset"))
	}
	cost, _ := json.Marshal(r.Extensions["cost"])
	if !strings.Contains(string(cost), `"requestedQueryCost":150`) || !strings.Contains(string(cost), `"remaining":50`) {
		t.Errorf("extensions.cost = %s", cost)
	}

	h, r = send()
	if r.Status != http.StatusTooManyRequests {
		t.Fatalf("over the limit: status %d, want 429", r.Status)
	}
	retry, err := strconv.Atoi(h.Get("Retry-After"))
	// 100 more points at 200 an hour take 1,800 s.
	if err != nil || retry < 1700 || retry > 1800 {
		t.Errorf("Retry-After = %q, want about 1800", h.Get("Retry-After"))
	}
	if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "RATE_LIMITED" || !strings.Contains(r.Errors[0].Message, "retry after") {
		t.Errorf("errors = %+v, want RATE_LIMITED saying when to come back", r.Errors)
	}

	// The rateLimit field costs 1 and reports the bucket.
	r = a.Query(t, `{ rateLimit { cost maxCost limit remaining resetAt } }`, nil)
	if r.Num("rateLimit.cost") != 1 || r.Num("rateLimit.limit") != 200 || r.Num("rateLimit.remaining") != 49 || r.Num("rateLimit.maxCost") != 50000 {
		t.Errorf("rateLimit = %v", r.Get("rateLimit"))
	}
	if _, err := time.Parse(time.RFC3339, r.Str("rateLimit.resetAt")); err != nil {
		t.Errorf("resetAt = %v: %v", r.Get("rateLimit.resetAt"), err)
	}
}
