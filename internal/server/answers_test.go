package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"sscgraph/ent/privacy"
	"sscgraph/graph"
	"sscgraph/internal/apitest"
	"sscgraph/internal/dataset"
	"sscgraph/internal/pgtest"
	"sscgraph/internal/server"
	"sscgraph/internal/viewer"
)

// cached is one answer to a GET of /graphql, read whole.
type cached struct {
	status int
	header http.Header
	body   []byte
	resp   apitest.Response
}

// get sends query and variables as a GET, with the headers given.
func cacheGet(t *testing.T, a *apitest.API, query string, vars map[string]any, headers map[string]string) cached {
	t.Helper()
	p := url.Values{"query": {query}}
	if vars != nil {
		b, err := json.Marshal(vars)
		if err != nil {
			t.Fatal(err)
		}
		p.Set("variables", string(b))
	}
	return getRaw(t, a, "/graphql?"+p.Encode(), headers)
}

func getRaw(t *testing.T, a *apitest.API, path string, headers map[string]string) cached {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, a.Srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := a.Srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	c := cached{status: res.StatusCode, header: res.Header, body: body, resp: apitest.Response{Status: res.StatusCode}}
	if len(body) > 0 {
		var probe map[string]json.RawMessage
		if err := json.Unmarshal(body, &probe); err == nil {
			_, c.resp.HasData = probe["data"]
		}
		if err := json.Unmarshal(body, &c.resp); err != nil {
			t.Fatalf("GET %s: %v\n%s", path, err, body)
		}
	}
	return c
}

// untilHit reads until the answer comes from the cache, for at most
// within: right after a write the cache keeps an answer only once it
// knows when the next offer expires, which a loaded machine may take a
// moment to find.
func untilHit(t *testing.T, a *apitest.API, query string, vars map[string]any, within time.Duration) cached {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		c := cacheGet(t, a, query, vars, nil)
		if c.header.Get("X-Cache") == "HIT" || time.Now().After(deadline) {
			return c
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// data is the answer's data as JSON, for comparing two answers.
func (c cached) data(t *testing.T) string {
	t.Helper()
	b, err := json.Marshal(c.resp.Data)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// cacheConfig is the default configuration, with requests charged their
// price alone (not the time they took, which varies), so that what a
// cached answer is charged can be read exactly.
func cacheConfig() server.Config {
	cfg := server.DefaultConfig()
	cfg.Limits.TimePerPoint = time.Hour
	return cfg
}

func TestAnswerCache(t *testing.T) {
	apitest.ForEachBackendWith(t, cacheConfig(), func(t *testing.T, a *apitest.API) {
		regions := `query Regions($first: Int, $where: RegionWhereInput) { regions(first: $first, where: $where) { totalCount edges { node { code name } } } }`
		vars := map[string]any{"first": 3, "where": map[string]any{"codeNEQ": "AFRICA"}}

		first := cacheGet(t, a, regions, vars, nil)
		if first.status != http.StatusOK || len(first.resp.Errors) > 0 {
			t.Fatalf("first GET: %d %s", first.status, first.body)
		}
		if got := first.header.Get("X-Cache"); got != "MISS" {
			t.Errorf("first GET: X-Cache %q, want MISS", got)
		}
		etag := first.header.Get("ETag")
		if !strings.HasPrefix(etag, `"`) || len(etag) < 10 {
			t.Errorf("first GET: ETag %q, want a quoted validator", etag)
		}
		if got := first.header.Get("Cache-Control"); got != "public, max-age=5, stale-while-revalidate=5" {
			t.Errorf("first GET: Cache-Control %q", got)
		}
		if !strings.Contains(strings.Join(first.header.Values("Vary"), ","), "Authorization") {
			t.Errorf("first GET: Vary %q, want Authorization named", first.header.Values("Vary"))
		}
		want := a.Count(t, `SELECT count(*) FROM regions WHERE code <> 'AFRICA'`)
		if got := first.resp.Num("regions.totalCount"); got != want {
			t.Errorf("totalCount %d, want %d (SQL)", got, want)
		}
		price, _ := strconv.Atoi(first.header.Get("X-RateLimit-Used"))

		// The same question with its variables in another order: the
		// same key, answered from the cache, for the price of its bytes.
		again := cacheGet(t, a, regions, map[string]any{"where": map[string]any{"codeNEQ": "AFRICA"}, "first": 3}, nil)
		if got := again.header.Get("X-Cache"); got != "HIT" {
			t.Fatalf("second GET: X-Cache %q, want HIT", got)
		}
		if again.data(t) != first.data(t) || again.header.Get("ETag") != etag {
			t.Errorf("the cached answer differs:\n%s\n%s", again.data(t), first.data(t))
		}
		hitCost := graph.CachedAnswerPoints(len(first.data(t)))
		if got := again.header.Get("X-RateLimit-Used"); got != strconv.Itoa(hitCost) || hitCost >= price {
			t.Errorf("a hit was charged %s points, want %d (the price is %d)", got, hitCost, price)
		}
		if hit, _ := again.resp.Extensions["cache"].(map[string]any); hit["hit"] != true {
			t.Errorf("extensions.cache = %v, want hit", again.resp.Extensions["cache"])
		}

		// Revalidation: the client's copy is current.
		p := url.Values{"query": {regions}}
		b, _ := json.Marshal(vars)
		p.Set("variables", string(b))
		notModified := getRaw(t, a, "/graphql?"+p.Encode(), map[string]string{"If-None-Match": `"other", ` + etag})
		if notModified.status != http.StatusNotModified || len(notModified.body) != 0 || notModified.header.Get("ETag") != etag {
			t.Errorf("If-None-Match: status %d, body %q, ETag %q; want 304 without a body", notModified.status, notModified.body, notModified.header.Get("ETag"))
		}
		if got := getRaw(t, a, "/graphql?"+p.Encode(), map[string]string{"If-None-Match": `"other"`}); got.status != http.StatusOK || got.data(t) != first.data(t) {
			t.Errorf("If-None-Match with another validator: status %d", got.status)
		}

		// A write through the API empties the cache: the next answer is
		// computed again and shows it.
		editor := apitest.NewKey(t, a, "EDITOR")
		id := a.Query(t, `{ regions(first: 1, where: {code: "ASIA_PACIFIC"}) { edges { node { id } } } }`, nil).Str("regions.edges.0.node.id")
		mutation := `mutation($id: ID!, $name: String!) { updateRegion(id: $id, input: {name: $name}) { name } }`
		_, r := a.Send(t, editor, mutation, map[string]any{"id": id, "name": "Asia and the Pacific (renamed)"})
		if len(r.Errors) > 0 {
			t.Fatalf("updateRegion: %+v", r.Errors)
		}
		after := cacheGet(t, a, regions, vars, nil)
		if got := after.header.Get("X-Cache"); got != "MISS" {
			t.Errorf("after a write: X-Cache %q, want MISS", got)
		}
		if !strings.Contains(after.data(t), "Asia and the Pacific (renamed)") {
			t.Errorf("after a write: %s, want the new name", after.data(t))
		}
		if after.header.Get("ETag") == etag {
			t.Error("after a write: the ETag did not change")
		}

		// A write that does not come through GraphQL (sscgraph's own
		// code, the command line) empties it too.
		cacheGet(t, a, regions, vars, nil)
		// (Every region renamed: the test's database is its own copy.)
		if err := a.DB.Client.Region.Update().SetName("Asia-Pacific").Exec(systemCtx()); err != nil {
			t.Fatal(err)
		}
		if got := cacheGet(t, a, regions, vars, nil); got.header.Get("X-Cache") != "MISS" || !strings.Contains(got.data(t), "Asia-Pacific") {
			t.Errorf("after a write through ent: X-Cache %q, %s", got.header.Get("X-Cache"), got.data(t))
		}
	})
}

// TestAnswerCachePersistedQueries: a persisted query sent over GET by
// its hash alone, as a CDN-fronted dashboard sends it, is answered from
// the cache with a validator, and revalidates with 304.
func TestAnswerCachePersistedQueries(t *testing.T) {
	a := apitest.NewWith(t, apitest.SQLiteCopy(t), cacheConfig())
	q := `{ topics(first: 3, orderBy: {field: CODE}) { edges { node { code } } } }`
	sum := sha256.Sum256([]byte(q))
	ext, _ := json.Marshal(map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}})
	// Registered once with its text (Apollo's automatic persisted
	// queries), then asked for by its hash alone.
	register := getRaw(t, a, "/graphql?"+url.Values{"query": {q}, "extensions": {string(ext)}}.Encode(), nil)
	if register.status != http.StatusOK || len(register.resp.Errors) > 0 {
		t.Fatalf("registering: %d %s", register.status, register.body)
	}
	byHash := "/graphql?" + url.Values{"extensions": {string(ext)}}.Encode()
	hit := getRaw(t, a, byHash, nil)
	if hit.header.Get("X-Cache") != "HIT" || hit.data(t) != register.data(t) || hit.header.Get("ETag") != register.header.Get("ETag") {
		t.Fatalf("by hash: X-Cache %q, ETag %q (registered %q), %s", hit.header.Get("X-Cache"), hit.header.Get("ETag"), register.header.Get("ETag"), hit.body)
	}
	if !strings.HasPrefix(hit.header.Get("Cache-Control"), "public, max-age=") {
		t.Errorf("by hash: Cache-Control %q", hit.header.Get("Cache-Control"))
	}
	if nm := getRaw(t, a, byHash, map[string]string{"If-None-Match": hit.header.Get("ETag")}); nm.status != http.StatusNotModified {
		t.Errorf("by hash with If-None-Match: status %d, want 304", nm.status)
	}
}

// TestAnswerCacheLeavesOut: keyed requests, personal and per-client
// fields, and mutations are never answered from the cache.
func TestAnswerCacheLeavesOut(t *testing.T) {
	a := apitest.NewWith(t, apitest.SQLiteCopy(t), cacheConfig())
	editor := apitest.NewKey(t, a, "EDITOR")
	for _, tt := range []struct {
		name, auth, query string
	}{
		{"a keyed request", editor, `{ regions(first: 2) { edges { node { code } } } }`},
		{"a personal field", "", `{ consultants(first: 2) { edges { node { name email } } } }`},
		{"a personal field in a fragment", "", `query { nodes(ids: []) { ...C } } fragment C on Consultant { email }`},
		{"the client's own bucket", "", `{ rateLimit { remaining } }`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			headers := map[string]string{}
			if tt.auth != "" {
				headers["Authorization"] = tt.auth
			}
			for i := 0; i < 2; i++ {
				c := cacheGet(t, a, tt.query, nil, headers)
				if c.status != http.StatusOK || len(c.resp.Errors) > 0 {
					t.Fatalf("status %d: %s", c.status, c.body)
				}
				if got := c.header.Get("X-Cache"); got != "" {
					t.Errorf("request %d: X-Cache %q, want none", i+1, got)
				}
				if strings.Contains(c.header.Get("Cache-Control"), "public") || c.header.Get("ETag") != "" {
					t.Errorf("request %d: Cache-Control %q, ETag %q: not a public answer", i+1, c.header.Get("Cache-Control"), c.header.Get("ETag"))
				}
			}
		})
	}
	t.Run("keyed answers are no-store", func(t *testing.T) {
		c := cacheGet(t, a, `{ regions(first: 2) { edges { node { code } } } }`, nil, map[string]string{"Authorization": editor})
		if got := c.header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control %q, want no-store", got)
		}
	})
	t.Run("POST is cached but not for HTTP caches", func(t *testing.T) {
		q := `{ topics(first: 2) { edges { node { code } } } }`
		// Until a hit: the key made above was a write, after which the
		// cache keeps answers once it knows the next expiry.
		var h http.Header
		var r apitest.Response
		for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			if h, r = a.Send(t, "", q, nil); h.Get("X-Cache") == "HIT" || time.Now().After(deadline) {
				break
			}
		}
		if len(r.Errors) > 0 || h.Get("X-Cache") != "HIT" {
			t.Errorf("POSTs: X-Cache %q, errors %+v; want a HIT", h.Get("X-Cache"), r.Errors)
		}
		if h.Get("ETag") != "" || strings.Contains(h.Get("Cache-Control"), "public") {
			t.Errorf("POST: ETag %q, Cache-Control %q", h.Get("ETag"), h.Get("Cache-Control"))
		}
	})
}

// TestAnswerCacheExpiry: an answer that changes with time alone (an open
// offer passing its expiresAt reads as EXPIRED) is not served past that
// time, though no write happened.
func TestAnswerCacheExpiry(t *testing.T) {
	a := apitest.NewWith(t, apitest.SQLiteCopy(t), cacheConfig())
	w := apitest.NewMatchWorld(t, a)
	id := w.Offer(t, nil)
	soon := time.Now().Add(1500 * time.Millisecond).UTC().Truncate(time.Millisecond)
	if err := a.DB.Client.MatchOffer.UpdateOneID(apitest.MustDecode(t, id)).SetExpiresAt(soon).Exec(systemCtx()); err != nil {
		t.Fatal(err)
	}
	q := `query($id: ID!) { node(id: $id) { ... on MatchOffer { status expiresAt } } }`
	vars := map[string]any{"id": id}
	first := cacheGet(t, a, q, vars, nil)
	if got := first.resp.Str("node.status"); got != "OPEN" {
		t.Fatalf("before expiresAt: status %q, want OPEN (%s)", got, first.body)
	}
	hit := untilHit(t, a, q, vars, time.Until(soon)/2)
	if hit.header.Get("X-Cache") != "HIT" || hit.resp.Str("node.status") != "OPEN" {
		t.Fatalf("before expiresAt: X-Cache %q, status %q; want a HIT, OPEN", hit.header.Get("X-Cache"), hit.resp.Str("node.status"))
	}
	// HTTP caches may not keep it past expiresAt either (read on the
	// hit: the first answer is not kept, nor described to HTTP caches,
	// when it came before the cache knew the next expiry).
	if cc := hit.header.Get("Cache-Control"); !strings.Contains(cc, "max-age=0") && !strings.Contains(cc, "max-age=1") && cc != "no-cache" {
		t.Errorf("Cache-Control %q, want a max-age within the 1.5 s left", cc)
	}
	time.Sleep(time.Until(soon) + 50*time.Millisecond)
	after := cacheGet(t, a, q, vars, nil)
	if got := after.resp.Str("node.status"); got != "EXPIRED" || after.header.Get("X-Cache") != "MISS" {
		t.Errorf("after expiresAt: status %q, X-Cache %q; want EXPIRED, computed again", got, after.header.Get("X-Cache"))
	}
}

// TestAnswerCacheAcrossProcesses: two servers on one PostgreSQL
// database, as two replicas of sscgraph. A write through one empties the
// other's cache through NOTIFY: the other never answers from before the
// write once the bound has passed. The test measures the delay from the
// write's answer to the first fresh read on the other process.
func TestAnswerCacheAcrossProcesses(t *testing.T) {
	if pgtest.DSN() == "" {
		t.Skip(pgtest.Env + " is not set")
	}
	dsn := apitest.PostgresSchema(t, dataset.DemoSize())
	cfg := cacheConfig()
	cfg.Limits.PerHour = 100_000_000
	writer, reader := apitest.NewWith(t, dsn, cfg), apitest.NewWith(t, dsn, cfg)
	editor := apitest.NewKey(t, writer, "EDITOR")
	id := writer.Query(t, `{ countries(first: 1, where: {code: "EG"}) { edges { node { id } } } }`, nil).Str("countries.edges.0.node.id")
	q := `{ countries(first: 1, where: {code: "EG"}) { edges { node { officialName } } } }`
	mutation := `mutation($id: ID!, $name: String!) { updateCountry(id: $id, input: {officialName: $name}) { officialName } }`

	// The bound this test holds the delay to: NOTIFY reaches a listener
	// in milliseconds; a second is far above it on a loaded machine.
	const bound = time.Second
	var delays []time.Duration
	for i := 0; i < 50; i++ {
		if got := cacheGet(t, reader, q, nil, nil); got.status != http.StatusOK {
			t.Fatalf("warming: %d %s", got.status, got.body)
		}
		if got := untilHit(t, reader, q, nil, 2*time.Second); got.header.Get("X-Cache") != "HIT" {
			t.Fatalf("round %d: the reader's reads: X-Cache %q, want a HIT within 2 s", i, got.header.Get("X-Cache"))
		}
		name := "Arab Republic of Egypt " + strconv.Itoa(i)
		_, r := writer.Send(t, editor, mutation, map[string]any{"id": id, "name": name})
		if len(r.Errors) > 0 {
			t.Fatalf("updateCountry: %+v", r.Errors)
		}
		written := time.Now()
		for {
			got := cacheGet(t, reader, q, nil, nil)
			if got.resp.Str("countries.edges.0.node.officialName") == name {
				delays = append(delays, time.Since(written))
				break
			}
			if time.Since(written) > bound {
				t.Fatalf("round %d: the reader still answers %s %s after the write", i, got.data(t), bound)
			}
			time.Sleep(time.Millisecond)
		}
	}
	sort.Slice(delays, func(i, j int) bool { return delays[i] < delays[j] })
	t.Logf("a write's visibility on the other process over %d writes: median %s, p90 %s, largest %s", len(delays), delays[len(delays)/2], delays[len(delays)*9/10], delays[len(delays)-1])
}

// systemCtx is sscgraph's own code writing, as the command line does.
func systemCtx() context.Context {
	return viewer.WithSystem(privacy.DecisionContext(context.Background(), privacy.Allow), viewer.System{Name: "test"})
}

// TestAnswerCacheRefusal: a request refused after the cache found its
// answer (here, over the rate limit) is answered its refusal, not the
// cached data.
func TestAnswerCacheRefusal(t *testing.T) {
	q := `{ regions(first: 3) { edges { node { code } } } }`
	cfg := cacheConfig()
	// The first request's price, found on a server of its own.
	price, _ := strconv.Atoi(cacheGet(t, apitest.NewWith(t, apitest.SQLiteCopy(t), cfg), q, nil, nil).header.Get("X-RateLimit-Used"))
	if price <= 0 {
		t.Fatal("no price")
	}
	cfg.Limits.PerHour = price // the first request empties the bucket
	a := apitest.NewWith(t, apitest.SQLiteCopy(t), cfg)
	if first := cacheGet(t, a, q, nil, nil); first.status != http.StatusOK || first.header.Get("X-Cache") != "MISS" {
		t.Fatalf("first: %d, X-Cache %q", first.status, first.header.Get("X-Cache"))
	}
	second := cacheGet(t, a, q, nil, nil)
	if second.status != http.StatusTooManyRequests || second.resp.HasData || len(second.resp.Errors) == 0 ||
		second.resp.Errors[0].Extensions["code"] != "RATE_LIMITED" || second.header.Get("X-Cache") != "" {
		t.Errorf("over the limit: status %d, X-Cache %q, body %s; want 429 RATE_LIMITED without data", second.status, second.header.Get("X-Cache"), second.body)
	}
}

// TestAnswerCacheSharesMisses: readers asking the same question at once
// into an empty cache (right after a write) cost one computation, not
// one each.
func TestAnswerCacheSharesMisses(t *testing.T) {
	a := apitest.NewWith(t, apitest.SQLiteCopy(t), cacheConfig())
	q := `{ activityStats(groupBy: [COUNTRY, TOPIC], first: 1000) { total { count } buckets { country { code } topic { code } count } } }`
	computed := func() int {
		t.Helper()
		rec := httptest.NewRecorder()
		a.Handler.Metrics().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		for _, line := range strings.Split(rec.Body.String(), "\n") {
			if v, ok := strings.CutPrefix(line, "sscgraph_answer_cache_computed_total "); ok {
				n, err := strconv.Atoi(v)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
		}
		t.Fatal("no sscgraph_answer_cache_computed_total in /metrics")
		return 0
	}

	const readers = 16
	start := make(chan struct{})
	answers := make(chan cached, readers)
	before := computed()
	for range readers {
		go func() {
			<-start
			answers <- cacheGet(t, a, q, nil, nil)
		}()
	}
	close(start)
	var first string
	for range readers {
		r := <-answers
		if r.status != http.StatusOK || len(r.resp.Errors) > 0 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		if first == "" {
			first = r.data(t)
		} else if r.data(t) != first {
			t.Error("readers got different answers")
		}
	}
	// Without sharing, the readers the per-client cap lets in at once
	// each compute it.
	if n := computed() - before; n != 1 {
		t.Errorf("%d readers at once: %d computations, want 1", readers, n)
	}
}
