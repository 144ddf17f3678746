//go:build ignore

// gen.go installs the npm packages that web/package-lock.json pins and
// copies the dashboard's browser files from them into assets/: d3's and
// topojson-client's UMD builds and world-atlas's 110m country shapes, with
// LICENSES naming every installed package and carrying its license text.
// It runs through `go generate ./internal/dashboard/...` (see
// dashboard.go).
//
// internal/webvendor does the work: this file says what to copy.
package main

import (
	"fmt"
	"os"

	"sscgraph/internal/webvendor"
)

// copies are the files the page loads: the UMD builds, which need no
// bundler and put d3 and topojson on window, and the country shapes
// (Natural Earth 1:110m, public domain, keyed by ISO 3166-1 numeric
// code). Keys are paths under web/node_modules, values the names in
// assets/.
var copies = []webvendor.Copy{
	{From: "d3/dist/d3.min.js", To: "d3.min.js"},
	{From: "topojson-client/dist/topojson-client.min.js", To: "topojson-client.min.js"},
	{From: "world-atlas/countries-110m.json", To: "countries-110m.json"},
}

// intro opens LICENSES, after its title.
const intro = "The files here are copied by internal/dashboard/gen.go from npm packages\n" +
	"that internal/dashboard/web/package-lock.json pins. These are the packages\n" +
	"it installs, each with its license: d3.min.js bundles the d3-* modules\n" +
	"and their dependencies; countries-110m.json is world-atlas's, made from\n" +
	"Natural Earth's 1:110m Admin 0 countries, which are in the public domain.\n\n"

func main() {
	if err := webvendor.Run(copies, intro); err != nil {
		fmt.Fprintln(os.Stderr, "dashboard gen:", err)
		os.Exit(1)
	}
}
