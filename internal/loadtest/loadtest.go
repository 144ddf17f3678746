// Package loadtest drives a running sscgraph with a realistic mix of
// queries from concurrent clients for a bounded time and reports
// throughput and latency percentiles.
package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Query is one kind of request in the mix, with its relative weight.
type Query struct {
	Name   string
	Weight int
	Query  string
	// Vars returns the variables of one request; nil for none.
	Vars func(i int) map[string]any
}

var countryCodes = []string{"KE", "EG", "BR", "IN", "NP", "SN", "PE", "VN", "MA", "UG", "BD", "CO", "ET", "ID", "TZ"}

// Mix is the default mix: what the three kinds of user send.
var Mix = []Query{
	{Name: "dashboard_counts", Weight: 3, Query: `query DashboardCounts {
  africa: activities(where: {hasBeneficiaryCountriesWith: {hasRegionWith: {code: "AFRICA"}}}) { totalCount }
  asia: activities(where: {hasBeneficiaryCountriesWith: {hasRegionWith: {code: "ASIA_PACIFIC"}}}) { totalCount }
  southSouth: activities(where: {kind: SOUTH_SOUTH, startDateGTE: "2020-01-01T00:00:00Z"}) { totalCount }
  openOffers: matchOffers(where: {status: OPEN}) { totalCount }
  regions(first: 6) { edges { node { code countries(first: 1) { totalCount } } } }
}`},
	{Name: "country_traversal", Weight: 3, Query: `query CountryTraversal($code: String!) {
  country(code: $code) {
    name region { name }
    projects(first: 10) { edges { node { code title recommendations(first: 5) { edges { node { number } } } } } }
    activities(first: 20, orderBy: [{field: START_DATE, direction: DESC}]) {
      totalCount edges { node { title type startDate topics(first: 3) { edges { node { code } } } } }
    }
  }
}`, Vars: func(i int) map[string]any { return map[string]any{"code": countryCodes[i%len(countryCodes)]} }},
	{Name: "match_offers_page", Weight: 4, Query: `query MatchOffers {
  matchOffers(first: 20, where: {status: OPEN}, orderBy: [{field: POSTED_AT, direction: DESC}]) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id title kind postedAt provider { name country { name } } topics(first: 3) { edges { node { code } } } } }
  }
}`},
	{Name: "search", Weight: 2, Query: `query Search($q: String!) {
  consultants(first: 10, where: {search: $q, available: true}) { totalCount edges { node { name languages } } }
  projects(first: 5, where: {search: $q}) { edges { node { code title } } }
}`, Vars: func(i int) map[string]any {
		return map[string]any{"q": []string{"patent", "touri", "geographical indications", "copyright training"}[i%4]}
	}},
	{Name: "nested_4_levels", Weight: 1, Query: `query Nested4 {
  countries(first: 10, where: {hasActivities: true}, orderBy: [{field: NAME}]) {
    edges { node { code
      activities(first: 10, orderBy: [{field: START_DATE, direction: DESC}]) {
        edges { node { title topics(first: 2) { edges { node { code } } }
          consultants(first: 3) { edges { node { name expertise(first: 2) { edges { node { code } } } } } } } }
      }
    } }
  }
}`},
}

// DashboardMix is what the built-in dashboard's first view asks (package
// dashboard, page/dashboard.js): its seven requests, on real data, in
// equal parts. Every reader of a published dashboard sends the same ones,
// which is what the answer cache is for.
var DashboardMix = func() []Query {
	where := func(int) map[string]any { return map[string]any{"where": map[string]any{"demo": false}} }
	return []Query{
		{Name: "options", Weight: 1, Query: `query DashboardOptions($lang: Language) {
  regions(first: 20) { edges { node { code name } } }
  topics(first: 100, orderBy: {field: NAME}) { edges { node { code name } } }
  countries(first: 300) { edges { node { code iso3 ldc name(lang: $lang) numericCode latitude longitude } } }
}`, Vars: func(int) map[string]any { return map[string]any{"lang": "EN"} }},
		{Name: "map", Weight: 1, Vars: where, Query: `query DashboardMap($where: ActivityWhereInput) {
  activityStats(where: $where, groupBy: [COUNTRY], first: 300) {
    total { count participants participantsKnown }
    buckets { country { code } count participants participantsKnown }
  }
}`},
		{Name: "flows", Weight: 1, Query: `query DashboardFlows($where: ActivityWhereInput) {
  activityStats(where: $where, groupBy: [PROVIDER_COUNTRY, COUNTRY], orderBy: {field: COUNT, direction: DESC}, first: 20) {
    buckets { providerCountry { code } country { code } count participants }
  }
}`, Vars: func(int) map[string]any {
			return map[string]any{"where": map[string]any{"demo": false, "kindIn": []string{"SOUTH_SOUTH", "TRIANGULAR"}}}
		}},
		{Name: "year_kind", Weight: 1, Vars: where, Query: `query DashboardYearKind($where: ActivityWhereInput) {
  activityStats(where: $where, groupBy: [YEAR, KIND], first: 400) {
    buckets { year kind count participants participantsKnown }
  }
}`},
		{Name: "regions", Weight: 1, Vars: where, Query: `query DashboardRegions($where: ActivityWhereInput) {
  activityStats(where: $where, groupBy: [REGION]) {
    buckets { region { code name } count }
  }
}`},
		{Name: "topics", Weight: 1, Vars: where, Query: `query DashboardTopics($where: ActivityWhereInput) {
  activityStats(where: $where, groupBy: [TOPIC], orderBy: {field: COUNT, direction: DESC}, first: 10) {
    buckets { topic { code name } count }
  }
}`},
		{Name: "match_funnel", Weight: 1, Query: `query DashboardMatchFunnel($offers: MatchOfferWhereInput, $needs: MatchNeedWhereInput, $matches: MatchWhereInput) {
  offerStats(where: $offers, groupBy: [STATUS]) { total { count } buckets { status count } }
  needStats(where: $needs, groupBy: [STATUS]) { total { count } buckets { status count } }
  matchStats(where: $matches, groupBy: [STATUS]) { total { count } buckets { status count } }
  matchTiming(where: $matches) { count medianDaysFromNeed medianDaysFromOffer }
}`, Vars: func(int) map[string]any {
			return map[string]any{"offers": map[string]any{"demo": false}, "needs": map[string]any{"demo": false}, "matches": map[string]any{"demo": false}}
		}},
	}
}()

// Options configure a run.
type Options struct {
	URL         string
	Duration    time.Duration
	Concurrency int
	Mix         []Query
	// AllowRemote permits a target that is not on this machine.
	AllowRemote bool
}

// Result sums up a run.
type Result struct {
	Duration time.Duration
	Total    Stats
	ByQuery  map[string]*Stats
}

// Stats are the figures of one kind of request.
type Stats struct {
	Requests  int
	Errors    int
	latencies []time.Duration
}

// Percentile returns the p-th percentile latency (0 < p <= 100).
func (s *Stats) Percentile(p float64) time.Duration {
	if len(s.latencies) == 0 {
		return 0
	}
	l := slices.Clone(s.latencies)
	slices.Sort(l)
	i := int(float64(len(l))*p/100+0.5) - 1
	return l[min(max(i, 0), len(l)-1)]
}

func (s *Stats) add(d time.Duration, failed bool) {
	s.Requests++
	if failed {
		s.Errors++
	}
	s.latencies = append(s.latencies, d)
}

// Run sends the mix from opts.Concurrency clients until opts.Duration has
// passed or ctx ends.
func Run(ctx context.Context, opts Options) (*Result, error) {
	u, err := url.Parse(opts.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("target %q is not an http(s) URL", opts.URL)
	}
	if !opts.AllowRemote && !isLocal(u.Hostname()) {
		return nil, fmt.Errorf("target %s is not on this machine; pass --allow-remote to load a server elsewhere", u.Host)
	}
	if opts.Duration <= 0 || opts.Duration > time.Hour {
		return nil, fmt.Errorf("duration must be between 0 and 1h, got %s", opts.Duration)
	}
	if opts.Concurrency < 1 || opts.Concurrency > 1000 {
		return nil, fmt.Errorf("concurrency must be between 1 and 1000, got %d", opts.Concurrency)
	}
	mix := opts.Mix
	if len(mix) == 0 {
		mix = Mix
	}
	var schedule []int // weighted round-robin over the mix
	for i, q := range mix {
		for range q.Weight {
			schedule = append(schedule, i)
		}
	}
	bodies := make([][][]byte, len(mix)) // a few variants per query
	for i, q := range mix {
		for v := range 16 {
			var vars map[string]any
			if q.Vars != nil {
				vars = q.Vars(v)
			}
			b, err := json.Marshal(map[string]any{"query": q.Query, "variables": vars})
			if err != nil {
				return nil, err
			}
			bodies[i] = append(bodies[i], b)
		}
	}

	ctx, cancel := context.WithTimeout(ctx, opts.Duration)
	defer cancel()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: opts.Concurrency}, Timeout: 30 * time.Second}
	res := &Result{ByQuery: map[string]*Stats{}}
	for _, q := range mix {
		res.ByQuery[q.Name] = &Stats{}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for w := range opts.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := w; ctx.Err() == nil; n += opts.Concurrency {
				qi := schedule[n%len(schedule)]
				body := bodies[qi][n%len(bodies[qi])]
				t0 := time.Now()
				failed := send(ctx, client, opts.URL, body)
				d := time.Since(t0)
				if ctx.Err() != nil {
					return // cut by the end of the run: not counted
				}
				mu.Lock()
				res.ByQuery[mix[qi].Name].add(d, failed)
				res.Total.add(d, failed)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.Duration = time.Since(start)
	return res, nil
}

// send posts one request; it reports failure for transport errors, non-200
// answers and GraphQL errors.
func send(ctx context.Context, client *http.Client, url string, body []byte) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return true
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return true
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return err != nil || res.StatusCode != http.StatusOK || bytes.Contains(b, []byte(`"errors"`))
}

func isLocal(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Report writes the result as a table.
func (r *Result) Report(w io.Writer) {
	secs := r.Duration.Seconds()
	fmt.Fprintf(w, "%-20s %9s %7s %9s %9s %9s %9s\n", "query", "requests", "errors", "req/s", "p50", "p90", "p99")
	names := make([]string, 0, len(r.ByQuery))
	for n := range r.ByQuery {
		names = append(names, n)
	}
	sort.Strings(names)
	row := func(name string, s *Stats) {
		fmt.Fprintf(w, "%-20s %9d %7d %9.1f %9s %9s %9s\n", name, s.Requests, s.Errors, float64(s.Requests)/secs,
			ms(s.Percentile(50)), ms(s.Percentile(90)), ms(s.Percentile(99)))
	}
	for _, n := range names {
		row(n, r.ByQuery[n])
	}
	fmt.Fprintln(w, strings.Repeat("-", 77))
	row("all", &r.Total)
	fmt.Fprintf(w, "%.1f s\n", secs)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
