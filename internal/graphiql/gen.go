//go:build ignore

// gen.go installs the npm packages that web/package-lock.json pins and
// copies GraphiQL's browser files from them into assets/, with LICENSES
// naming every installed package and carrying its license text. It runs
// through `go generate ./internal/graphiql/...` (see graphiql.go).
//
// internal/webvendor does the work: this file says what to copy.
package main

import (
	"fmt"
	"os"

	"sscgraph/internal/webvendor"
)

// copies are the files the page loads: the UMD builds, which need no
// bundler and put React, ReactDOM and GraphiQL on window. Keys are paths
// under web/node_modules, values the names in assets/.
var copies = []webvendor.Copy{
	{From: "react/umd/react.production.min.js", To: "react.production.min.js"},
	{From: "react-dom/umd/react-dom.production.min.js", To: "react-dom.production.min.js"},
	{From: "graphiql/graphiql.min.js", To: "graphiql.min.js"},
	{From: "graphiql/graphiql.min.css", To: "graphiql.min.css"},
}

// intro opens LICENSES, after its title.
const intro = "The files here are copied by internal/graphiql/gen.go from npm packages\n" +
	"that internal/graphiql/web/package-lock.json pins. These are the packages\n" +
	"it installs, each with its license: the bundles contain code of some of\n" +
	"them (graphiql.min.js bundles GraphiQL's dependencies, all but React,\n" +
	"and graphql-ws, the WebSocket client the page's subscriptions use, which\n" +
	"the lockfile installs for its license alone: GraphiQL bundles a 5.x).\n\n"

func main() {
	if err := webvendor.Run(copies, intro); err != nil {
		fmt.Fprintln(os.Stderr, "graphiql gen:", err)
		os.Exit(1)
	}
}
