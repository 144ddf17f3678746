// Command sscgraph serves the programme's data as one GraphQL graph.
//
//	sscgraph serve              serve the API (loads the dataset into an empty database)
//	sscgraph seed               load the dataset into a database without serving
//	sscgraph migrate            apply pending schema migrations
//	sscgraph key                manage API keys
//	sscgraph import             import a spreadsheet
//	sscgraph schema             print the GraphQL schema
//	sscgraph version            print the version and the commit built
//
// Run `sscgraph help` for the commands, `sscgraph <command> -h` for flags.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"sscgraph/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
