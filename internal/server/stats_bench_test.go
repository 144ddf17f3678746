package server_test

import (
	"context"
	"encoding/json"
	"syscall"
	"testing"
	"time"

	"sscgraph/internal/database"
	"sscgraph/internal/loadtest"

	"entgo.io/ent/dialect"
)

// statsQuestion is the dashboard's question: South-South activities per
// beneficiary region and year, with their participants and budgets.
const statsQuestion = `{ activityStats(where: {kind: SOUTH_SOUTH}, groupBy: [REGION, YEAR], first: 1000) {
  buckets { region { code name } year count participants budget } } }`

// statsSQL answers statsQuestion by hand, per dialect: the floor the API
// is measured against. Each activity counts once per region it benefits,
// so its rows are made distinct per region before they are summed.
var statsSQL = map[string]string{
	dialect.SQLite: `SELECT r.code, r.name, t.y, COUNT(*), SUM(t.participants), SUM(t.budget)
  FROM (SELECT DISTINCT c.region_id, CAST(strftime('%Y', a.start_date) AS INTEGER) AS y, a.id, a.participants, a.budget
        FROM activities a
        JOIN activity_beneficiary_countries bc ON bc.activity_id = a.id
        JOIN countries c ON c.id = bc.country_id
        WHERE a.kind = 'SOUTH_SOUTH') t
  JOIN regions r ON r.id = t.region_id
  GROUP BY r.id, r.code, r.name, t.y ORDER BY r.id, t.y`,
	dialect.Postgres: `SELECT r.code, r.name, t.y, COUNT(*), SUM(t.participants), SUM(t.budget)
  FROM (SELECT DISTINCT c.region_id, CAST(EXTRACT(YEAR FROM a.start_date AT TIME ZONE 'UTC') AS INTEGER) AS y, a.id, a.participants, a.budget
        FROM activities a
        JOIN activity_beneficiary_countries bc ON bc.activity_id = a.id
        JOIN countries c ON c.id = bc.country_id
        WHERE a.kind = 'SOUTH_SOUTH') t
  JOIN regions r ON r.id = t.region_id
  GROUP BY r.id, r.code, r.name, t.y ORDER BY r.id, t.y`,
}

// dashboardStats is the load test's dashboard_counts (internal/loadtest)
// answered through the statistics: the activities per region in one
// grouped statement instead of one count per region.
const dashboardStats = `query DashboardStats {
  perRegion: activityStats(groupBy: [REGION]) { buckets { region { code } count } }
  southSouth: activityStats(where: {kind: SOUTH_SOUTH, startDateGTE: "2020-01-01T00:00:00Z"}, groupBy: [KIND]) { total { count } }
  openOffers: offerStats(where: {status: OPEN}, groupBy: [STATUS]) { total { count } }
  regions(first: 6) { edges { node { code countries(first: 1) { totalCount } } } }
}`

// BenchmarkActivityStats runs statsQuestion through the API (HTTP, one
// client) and its hand-written SQL on the same database, side by side:
// the sql sub-benchmark reports api-ns/op divided by its own as
// api/sql. On SQLite at scale 1, and on PostgreSQL when
// SSCGRAPH_BENCH_POSTGRES names a database seeded at scale 1. The
// dashboard sub-benchmark times the load test's dashboard counts through
// the statistics.
func BenchmarkActivityStats(b *testing.B) {
	forEachBenchDB(b, func(b *testing.B, dsn string) {
		srv := benchServerOn(b, dsn)
		direct, err := database.Open(context.Background(), dsn, database.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { direct.Close() })
		body, err := json.Marshal(map[string]any{"query": statsQuestion})
		if err != nil {
			b.Fatal(err)
		}
		var apiPerOp time.Duration
		b.Run("api", func(b *testing.B) {
			client := srv.Client()
			for b.Loop() {
				postBench(b, client, srv.URL+"/graphql", body)
			}
			apiPerOp = b.Elapsed() / time.Duration(b.N)
		})
		b.Run("sql", func(b *testing.B) {
			groups := 0
			for b.Loop() {
				groups = sqlGroups(b, direct, statsSQL[direct.Dialect])
			}
			if groups == 0 {
				b.Fatal("the SQL found no groups")
			}
			if apiPerOp > 0 {
				b.ReportMetric(float64(apiPerOp)/float64(b.Elapsed()/time.Duration(b.N)), "api/sql")
			}
		})
		dash, err := json.Marshal(map[string]any{"query": dashboardStats})
		if err != nil {
			b.Fatal(err)
		}
		b.Run("dashboard", func(b *testing.B) {
			client := srv.Client()
			for b.Loop() {
				postBench(b, client, srv.URL+"/graphql", dash)
			}
		})
		// The load test's own query, through the connections' counts,
		// for comparison.
		conns, err := json.Marshal(map[string]any{"query": dashboardCounts(b)})
		if err != nil {
			b.Fatal(err)
		}
		b.Run("dashboard-connections", func(b *testing.B) {
			client := srv.Client()
			for b.Loop() {
				postBench(b, client, srv.URL+"/graphql", conns)
			}
		})
	})
}

// dashboardCounts is the load test's dashboard query.
func dashboardCounts(b *testing.B) string {
	for _, q := range loadtest.Mix {
		if q.Name == "dashboard_counts" {
			return q.Query
		}
	}
	b.Fatal("the load test has no dashboard_counts query")
	return ""
}

// sqlGroups runs the hand-written statement, reading every value as the
// API does, and returns the number of groups.
func sqlGroups(b *testing.B, db *database.DB, query string) int {
	rows, err := db.SQL.Query(query)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var (
			code, name   string
			year, count  int
			participants int
			budget       *float64
		)
		if err := rows.Scan(&code, &name, &year, &count, &participants, &budget); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return n
}

// dashboardShapes are the dashboard's five activityStats questions
// (internal/dashboard/page/dashboard.js), with no filter: the view a
// visitor opens first.
var dashboardShapes = []struct{ name, query string }{
	{"country", `{ activityStats(groupBy: [COUNTRY], first: 300) {
  total { count participants participantsKnown }
  buckets { country { code } count participants participantsKnown } } }`},
	{"provider-country", `{ activityStats(groupBy: [PROVIDER_COUNTRY, COUNTRY], orderBy: {field: COUNT, direction: DESC}, first: 20) {
  buckets { providerCountry { code } country { code } count participants } } }`},
	{"year-kind", `{ activityStats(groupBy: [YEAR, KIND], first: 400) {
  buckets { year kind count participants participantsKnown } } }`},
	{"region", `{ activityStats(groupBy: [REGION]) { buckets { region { code name } count } } }`},
	{"topic", `{ activityStats(groupBy: [TOPIC], orderBy: {field: COUNT, direction: DESC}, first: 10) {
  buckets { topic { code name } count } } }`},
}

// BenchmarkDashboardStats times each of the dashboard's activityStats
// questions through the API (HTTP, one client), one sub-benchmark per
// shape, at scale 1 (100,000 activities). Besides ns/op it reports
// cpu-ns/op, the CPU time the process (client, server and SQLite, all in
// it) spent per request: on a machine other work shares, the wall time
// of a request follows the load, its CPU time much less.
func BenchmarkDashboardStats(b *testing.B) {
	forEachBenchDB(b, func(b *testing.B, dsn string) {
		srv := benchServerOn(b, dsn)
		for _, shape := range dashboardShapes {
			body, err := json.Marshal(map[string]any{"query": shape.query})
			if err != nil {
				b.Fatal(err)
			}
			b.Run(shape.name, func(b *testing.B) {
				client := srv.Client()
				start := cpuTime(b)
				for b.Loop() {
					postBench(b, client, srv.URL+"/graphql", body)
				}
				b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
			})
		}
	})
}

// cpuTime is the user and system CPU time the process has used so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("reading the CPU time: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
