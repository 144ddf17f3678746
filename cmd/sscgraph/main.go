// Command sscgraph serves the programme's data as one GraphQL graph.
//
//	sscgraph serve              serve the API (loads the dataset into an empty database)
//	sscgraph seed               load the dataset into a database without serving
//	sscgraph schema             print the GraphQL schema
//
// Run `sscgraph help` for flags.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"sscgraph/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := cli.Run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if code := cli.ExitCode(err); code != 0 {
		fmt.Fprintln(os.Stderr, "sscgraph:", err)
		os.Exit(code)
	}
}
