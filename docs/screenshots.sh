#!/bin/sh
# Regenerates the screenshots in docs/img from the browser tests, on the
# shipped dataset in headless Chromium. Not part of go generate's drift
# check: pictures differ by a pixel from one Chromium to the next.
#
#   sh docs/screenshots.sh
set -eu
cd "$(dirname "$0")/.."
out="$(pwd)/docs/img"
mkdir -p "$out"
SSCGRAPH_BROWSER_TEST=1 SSCGRAPH_DASHBOARD_SCREENSHOT="$out/dashboard.png" \
	go test ./internal/server/ -run 'TestDashboardInBrowser$' -count=1
SSCGRAPH_BROWSER_TEST=1 SSCGRAPH_REPORT_SCREENSHOTS="$out" \
	go test ./internal/server/ -run 'TestReportInBrowser$' -count=1
ls -l "$out"
