// Command sscgraph-load runs a realistic mix of queries (dashboard counts,
// country traversals, Match offer pages, searches, 4-level nesting)
// against a running sscgraph for a bounded time, and prints throughput and
// p50/p90/p99 latency per query and overall.
//
//	sscgraph-load -url http://127.0.0.1:8080/graphql -duration 30s -concurrency 8
//
// With -mode subscribers it measures subscriptions instead: it opens
// -subscribers event streams following offerPosted, posts -offers offers
// one at a time with an EDITOR key (-key, or SSCGRAPH_LOAD_KEY; the offers
// are deleted at the end), and prints how long each took to reach every
// subscriber:
//
//	sscgraph-load -mode subscribers -subscribers 1000 -offers 50 -key sscg_…
//
// -mode dashboard sends the dashboard's first view, and -mode query one
// query of your own (-query '{ … }' or -query @file.graphql), over and
// over: what readers of a published dashboard or a story send.
//
// It loads servers on this machine only, unless given -allow-remote.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"sscgraph/internal/loadtest"
)

func main() {
	fs := flag.NewFlagSet("sscgraph-load", flag.ContinueOnError)
	url := fs.String("url", "http://127.0.0.1:8080/graphql", "the GraphQL endpoint")
	duration := fs.Duration("duration", 30*time.Second, "how long to run (at most 1h)")
	concurrency := fs.Int("concurrency", 8, "concurrent clients")
	allowRemote := fs.Bool("allow-remote", false, "allow a target that is not on this machine")
	mode := fs.String("mode", "mix", "mix: the query mix; dashboard: the dashboard's first view; query: one query (-query); subscribers: delivery of new offers to subscribers")
	query := fs.String("query", "", "query mode: the query to send, or @file to read it from a file")
	subscribers := fs.Int("subscribers", 1000, "subscribers mode: event streams open at once")
	offers := fs.Int("offers", 50, "subscribers mode: offers posted and timed")
	// The key's default comes from the environment, and is a secret: the
	// usage does not show it.
	key := fs.String("key", "", "subscribers mode: an EDITOR or ADMIN key to post offers with (default: env SSCGRAPH_LOAD_KEY)")
	parseFlags(fs, os.Args[1:])
	if *key == "" {
		*key = os.Getenv("SSCGRAPH_LOAD_KEY")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var mix []loadtest.Query
	switch *mode {
	case "mix":
	case "dashboard":
		mix = loadtest.DashboardMix
	case "query":
		text := *query
		if name, ok := strings.CutPrefix(text, "@"); ok {
			b, err := os.ReadFile(name)
			if err != nil {
				fmt.Fprintln(os.Stderr, "sscgraph-load: -query:", err)
				os.Exit(2)
			}
			text = string(b)
		}
		if strings.TrimSpace(text) == "" {
			fmt.Fprintln(os.Stderr, "sscgraph-load: -mode query needs -query")
			os.Exit(2)
		}
		mix = []loadtest.Query{{Name: "query", Weight: 1, Query: text}}
	case "subscribers":
		res, err := loadtest.RunSubscribers(ctx, loadtest.SubscriberOptions{URL: *url, Subscribers: *subscribers, Offers: *offers, Key: *key, AllowRemote: *allowRemote})
		if err != nil {
			fmt.Fprintln(os.Stderr, "sscgraph-load:", err)
			os.Exit(2)
		}
		res.Report(os.Stdout)
		if res.Missed > 0 {
			os.Exit(1)
		}
		return
	default:
		fmt.Fprintf(os.Stderr, "sscgraph-load: -mode must be mix, dashboard, query or subscribers, got %q\n", *mode)
		os.Exit(2)
	}
	res, err := loadtest.Run(ctx, loadtest.Options{URL: *url, Duration: *duration, Concurrency: *concurrency, Mix: mix, AllowRemote: *allowRemote})
	if err != nil {
		fmt.Fprintln(os.Stderr, "sscgraph-load:", err)
		os.Exit(2)
	}
	res.Report(os.Stdout)
	if res.Total.Errors > 0 {
		os.Exit(1)
	}
}

// parseFlags parses the command line as sscgraph does: -h prints the
// usage on stdout and exits 0; a mistake prints one line pointing to -h
// and exits 2.
func parseFlags(fs *flag.FlagSet, args []string) {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	switch {
	case err == nil:
		return
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(os.Stdout)
		fmt.Println("usage: sscgraph-load [flags]\n\nRuns a query mix (or -mode) against a running sscgraph and reports\nthroughput and latency. See the package documentation.\n\nflags:")
		fs.PrintDefaults()
		os.Exit(0)
	default:
		msg := err.Error()
		if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
			msg = "unknown flag " + name
		}
		fmt.Fprintf(os.Stderr, "sscgraph-load: %s (see 'sscgraph-load -h')\n", msg)
		os.Exit(2)
	}
}
