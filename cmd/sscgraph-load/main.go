// Command sscgraph-load runs a realistic mix of queries (dashboard counts,
// country traversals, Match offer pages, searches, 4-level nesting)
// against a running sscgraph for a bounded time, and prints throughput and
// p50/p90/p99 latency per query and overall.
//
//	sscgraph-load -url http://127.0.0.1:8080/graphql -duration 30s -concurrency 8
//
// It loads servers on this machine only, unless given -allow-remote.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"sscgraph/internal/loadtest"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:8080/graphql", "the GraphQL endpoint")
	duration := flag.Duration("duration", 30*time.Second, "how long to run (at most 1h)")
	concurrency := flag.Int("concurrency", 8, "concurrent clients")
	allowRemote := flag.Bool("allow-remote", false, "allow a target that is not on this machine")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := loadtest.Run(ctx, loadtest.Options{URL: *url, Duration: *duration, Concurrency: *concurrency, AllowRemote: *allowRemote})
	if err != nil {
		fmt.Fprintln(os.Stderr, "sscgraph-load:", err)
		os.Exit(2)
	}
	res.Report(os.Stdout)
	if res.Total.Errors > 0 {
		os.Exit(1)
	}
}
