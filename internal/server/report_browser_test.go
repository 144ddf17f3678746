package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"sscgraph/internal/apitest"
)

// TestReportInBrowser opens the dashboard's printable reports in headless
// Chromium that can reach nothing but the server, and checks them against
// the API's own answers and the database: Egypt's report counts the
// activities the API counts for Egypt, a real activity shows its sources as
// links and a date known to the month as YYYY-MM, printing hides the
// controls on A4 paper, and Africa's report lists the bureau's countries.
func TestReportInBrowser(t *testing.T) {
	browser := chromium(t)
	a := apitest.New(t, apitest.SQLiteCopy(t))

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 900),
		// Every host but the server's resolves to nothing: a report that
		// needed a CDN or a web font would fail here as it would offline.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-sync", true),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	events := &browserLog{responses: map[string]int64{}}
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithListener(events.listen))
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	defer cancelTimeout()

	screenshot := func() string {
		shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			return fmt.Sprintf("no screenshot: %v", err)
		}
		p := filepath.Join(t.TempDir(), "report.png")
		if err := os.WriteFile(p, shot, 0o644); err != nil {
			return fmt.Sprintf("no screenshot: %v", err)
		}
		return "screenshot: " + p
	}
	// keep saves a full-page screenshot to $SSCGRAPH_REPORT_SCREENSHOTS
	// when it names a directory: the pictures of a report, on screen and
	// printed, for docs/ (not part of go generate's drift check).
	keep := func(name string) {
		t.Helper()
		dir := os.Getenv("SSCGRAPH_REPORT_SCREENSHOTS")
		if dir == "" {
			return
		}
		shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fatal := func(what string, err error) {
		t.Helper()
		shot := screenshot()
		events.mu.Lock()
		defer events.mu.Unlock()
		t.Fatalf("%s: %v\n%s\nproblems: %v", what, err, shot, events.problems)
	}
	// open loads a report and waits until every section has answered
	// (report.js marks the body) without an error shown.
	open := func(path string) {
		t.Helper()
		stepCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		err := chromedp.Do(stepCtx,
			chromedp.Navigate(a.Srv.URL+path),
			chromedp.Poll[chromedp.Void](`document.body && document.body.dataset.ready === 'true'`),
		)
		if err != nil {
			fatal("loading "+path, err)
		}
		shown, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const e = document.getElementById('error'); return e.hidden ? '' : e.textContent; })()`))
		if err != nil {
			fatal("reading the error box", err)
		}
		if shown != "" {
			t.Errorf("%s shows an error: %s", path, shown)
		}
	}
	eval := func(what, expr string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			fatal(what, err)
		}
		return v
	}
	count := func(what, expr string) int {
		t.Helper()
		s := eval(what, expr)
		n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
		if err != nil {
			t.Fatalf("%s: %q is not a number", what, s)
		}
		return n
	}

	// exports follows each list's CSV link, as a reader would, and checks
	// that the export has as many rows as the list counts: the link
	// carries the list's own filter.
	exports := func(report string) {
		t.Helper()
		for _, list := range []string{"activities", "projects", "organizations", "consultants", "offers", "needs"} {
			href := eval(list+"'s CSV link", `document.getElementById('`+list+`-csv').getAttribute('href')`)
			total := count(list+"'s count", `document.getElementById('`+list+`-count').dataset.total`)
			e := a.Export(t, href, nil, "")
			if e.Status != http.StatusOK {
				t.Errorf("%s: %s's CSV link %s: status %d: %s", report, list, href, e.Status, e.Body)
				continue
			}
			_, rows := apitest.CSVRows(t, e)
			if len(rows) != total {
				t.Errorf("%s: %s's CSV export %s has %d rows, the list counts %d", report, list, href, len(rows), total)
			}
			t.Logf("%s: %s: %d, as many CSV rows", report, list, total)
		}
	}

	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", browser, err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspViolations}); err != nil {
		t.Fatalf("adding the CSP listener: %v", err)
	}

	// Egypt with real and demonstration data: the count is the API's.
	open("/dashboard/country/EG?demo=all")
	api := a.Query(t, `{ activities(where: {hasBeneficiaryCountriesWith: {code: "EG"}}) { totalCount } }`, nil)
	wantEG := api.Num("activities.totalCount")
	sqlEG := a.Count(t, `SELECT count(DISTINCT b.activity_id) FROM activity_beneficiary_countries b
		JOIN countries c ON c.id = b.country_id WHERE c.code = 'EG'`)
	if wantEG != sqlEG || wantEG == 0 {
		t.Fatalf("the API counts %d activities for Egypt, SQL %d", wantEG, sqlEG)
	}
	if got := count("the total", `document.getElementById('total-count').textContent`); got != wantEG {
		t.Errorf("Egypt's report totals %d activities, the API %d", got, wantEG)
	}
	if got := count("the list's count", `document.getElementById('activities-count').dataset.total`); got != wantEG {
		t.Errorf("Egypt's activity list counts %d, the API %d", got, wantEG)
	}
	if got := count("the rows", `String(document.querySelectorAll('#activities tbody tr[data-id]').length)`); got != min(wantEG, 100) {
		t.Errorf("Egypt's activity list has %d rows, want %d", got, min(wantEG, 100))
	}
	if got := eval("the banner", `document.getElementById('demo-banner').hidden ? '' : document.getElementById('demo-banner').textContent`); !strings.Contains(got, "demonstration") {
		t.Errorf("with demo=all the report shows no demonstration-data banner (got %q)", got)
	}
	for _, name := range []string{"Egypt", "مصر", "Egipto", "Égypte", "Египет", "埃及"} {
		if got := eval("the names", `document.getElementById('names').textContent`); !strings.Contains(got, name) {
			t.Errorf("the names table lacks %q: %s", name, got)
		}
	}
	// A CSV link carries the report's filter: Egypt, and no demo filter.
	csv := eval("the CSV link", `document.getElementById('activities-csv').getAttribute('href')`)
	if !strings.HasPrefix(csv, "/export/activities.csv?") || !strings.Contains(csv, "EG") {
		t.Errorf("the activities' CSV link is %q", csv)
	}

	// Printed: no controls, A4 paper, sources written out.
	exports("Egypt")
	keep("report-EG.png")
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatalf("emulating print: %v", err)
	}
	keep("report-EG-print.png")
	for _, sel := range []string{"#filters", "#nav", "#print", "#activities-csv"} {
		if got := eval("printed "+sel, `getComputedStyle(document.querySelector('`+sel+`')).display`); got != "none" {
			t.Errorf("printed, %s has display %q, want none", sel, got)
		}
	}
	if got := eval("the printed title", `getComputedStyle(document.getElementById('title')).display`); got == "none" {
		t.Error("printed, the title is hidden")
	}
	// The @page rule of the style sheets the page applies in print.
	pageSize := eval("@page", `(() => {
  const sizes = [];
  const walk = (rules) => { for (const r of rules) {
    if (r instanceof CSSPageRule) sizes.push(r.style.getPropertyValue('size'));
    else if (r.cssRules) walk(r.cssRules);
  } };
  for (const s of document.styleSheets) {
    if (s.media.mediaText && !window.matchMedia(s.media.mediaText).matches) continue;
    walk(s.cssRules);
  }
  return sizes.join(',');
})()`)
	if !strings.EqualFold(pageSize, "A4") {
		t.Errorf("printed, @page size is %q, want A4", pageSize)
	}
	// The browser's own print at the page's size: A4 is 595 × 842 points.
	pdf, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: new(true)})
	if err != nil {
		t.Fatalf("printing to PDF: %v", err)
	}
	box := regexp.MustCompile(`/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]`).FindSubmatch(pdf.Data)
	if box == nil {
		t.Errorf("the printed PDF (%d bytes) has no MediaBox", len(pdf.Data))
	} else {
		w, _ := strconv.ParseFloat(string(box[1]), 64)
		h, _ := strconv.ParseFloat(string(box[2]), 64)
		if w < 594 || w > 597 || h < 841 || h > 843 {
			t.Errorf("the printed page is %.1f × %.1f points, not A4 (595 × 842)", w, h)
		}
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
		t.Fatalf("ending print emulation: %v", err)
	}

	// Real data by default: the report of the same country without demo
	// counts Egypt's real activities only, and says nothing of demo data.
	open("/dashboard/country/EG")
	realEG := a.Count(t, `SELECT count(DISTINCT b.activity_id) FROM activity_beneficiary_countries b
		JOIN countries c ON c.id = b.country_id JOIN activities x ON x.id = b.activity_id
		WHERE c.code = 'EG' AND NOT x.demo`)
	if got := count("the real total", `document.getElementById('total-count').textContent`); got != realEG {
		t.Errorf("Egypt's report on real data totals %d activities, SQL %d", got, realEG)
	}
	if got := eval("the banner", `String(document.getElementById('demo-banner').hidden)`); got != "true" {
		t.Error("on real data the report shows the demonstration-data banner")
	}

	// A real activity whose start is known to the month, with an address
	// among its sources, in the report of a country it benefits.
	var (
		id                  int
		title, start, code  string
		sourcesJSON, period string
	)
	err = a.DB.SQL.QueryRow(`SELECT x.id, x.title, x.start_date, x.start_date_precision, x.sources, c.code
		FROM activities x JOIN activity_beneficiary_countries b ON b.activity_id = x.id
		JOIN countries c ON c.id = b.country_id
		WHERE NOT x.demo AND x.start_date_precision = 'MONTH' AND x.sources LIKE '%http%'
		ORDER BY x.id, c.code LIMIT 1`).Scan(&id, &title, &start, &period, &sourcesJSON, &code)
	if err != nil {
		t.Fatalf("finding a real activity dated to the month: %v", err)
	}
	wantDate := start[:7] // the stored date is the month's first day
	var sources []string
	if err := json.Unmarshal([]byte(sourcesJSON), &sources); err != nil {
		t.Fatalf("activity %d's sources %s: %v", id, sourcesJSON, err)
	}
	var links []string
	for _, s := range sources {
		links = append(links, regexp.MustCompile(`https?://[^\s<>"]+[^\s<>".,;:)\]]`).FindAllString(s, -1)...)
	}
	if len(links) == 0 {
		t.Fatalf("activity %d has no address among its sources %q", id, sources)
	}
	open("/dashboard/country/" + code)
	row := `document.querySelector('#activities tr[data-id="` + a.Codec.Encode(id) + `"]')`
	if got := eval("the activity's row", `String(!!`+row+`)`); got != "true" {
		t.Fatalf("%s's report has no row for activity %d %q", code, id, title)
	}
	if got := eval("its dates", row+`.querySelector('td.dates').textContent`); !strings.HasPrefix(got, wantDate) || strings.HasPrefix(got, start[:10]) {
		t.Errorf("activity %d, dated %s to the %s, shows %q: want %s", id, start, period, got, wantDate)
	}
	hrefs := eval("its sources", row+`.querySelectorAll('td.sources a[href]').length + ' ' + [...`+row+`.querySelectorAll('td.sources a[href]')].map(a => a.getAttribute('href')).join(' ')`)
	for _, l := range links {
		if !strings.Contains(hrefs, l) {
			t.Errorf("activity %d's row does not link its source %s: %s", id, l, hrefs)
		}
	}
	if got := eval("its demo badge", row+`.querySelectorAll('.badge.demo').length + ''`); got != "0" {
		t.Errorf("real activity %d carries a demo badge", id)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	// Printed, a source's address follows its link text.
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatalf("emulating print: %v", err)
	}
	open("/dashboard/country/" + code)
	keep("report-" + code + "-print.png")
	if got := eval("a printed source", `getComputedStyle(`+row+`.querySelector('a.source'), '::after').content`); !strings.Contains(got, "http") {
		t.Errorf("printed, a source link is not followed by its address: %q", got)
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
		t.Fatalf("ending print emulation: %v", err)
	}

	// Africa's report lists the bureau's countries.
	open("/dashboard/region/AFRICA")
	wantAfrica := a.Count(t, `SELECT count(*) FROM countries c JOIN regions r ON r.id = c.region_id WHERE r.code = 'AFRICA'`)
	if wantAfrica == 0 {
		t.Fatal("no country in AFRICA")
	}
	if got := count("Africa's countries", `String(document.querySelectorAll('#countries li').length)`); got != wantAfrica {
		t.Errorf("Africa's report lists %d countries, SQL %d", got, wantAfrica)
	}
	if got := count("Africa's country count", `document.getElementById('countries-count').textContent`); got != wantAfrica {
		t.Errorf("Africa's report counts %d countries, SQL %d", got, wantAfrica)
	}
	wantAfricaReal := a.Count(t, `SELECT count(DISTINCT b.activity_id) FROM activity_beneficiary_countries b
		JOIN countries c ON c.id = b.country_id JOIN regions r ON r.id = c.region_id
		JOIN activities x ON x.id = b.activity_id WHERE r.code = 'AFRICA' AND NOT x.demo`)
	if got := count("Africa's total", `document.getElementById('total-count').textContent`); got != wantAfricaReal {
		t.Errorf("Africa's report on real data totals %d activities, SQL %d", got, wantAfricaReal)
	}
	// Activities over time: the table's rows are SQL's years, the
	// activities whose start no source gives under "date unknown".
	rows, err := a.DB.SQL.Query(`SELECT coalesce(substr(x.start_date, 1, 4), 'date unknown'), count(DISTINCT x.id)
		FROM activities x JOIN activity_beneficiary_countries b ON b.activity_id = x.id
		JOIN countries c ON c.id = b.country_id JOIN regions r ON r.id = c.region_id
		WHERE r.code = 'AFRICA' AND NOT x.demo GROUP BY 1 ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var wantYears []string
	for rows.Next() {
		var year string
		var n int
		if err := rows.Scan(&year, &n); err != nil {
			t.Fatal(err)
		}
		wantYears = append(wantYears, fmt.Sprintf("%s=%d", year, n))
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	gotYears := eval("Africa's years", `[...document.querySelectorAll('#years-table tbody tr')].map(r => r.cells[0].textContent + '=' + r.cells[1].textContent.replace(/,/g, '')).join(' ')`)
	if gotYears != strings.Join(wantYears, " ") {
		t.Errorf("Africa's activities over time:\n got %s\nwant %s", gotYears, strings.Join(wantYears, " "))
	}

	// With demonstration data Africa has more activities than a page: the
	// button asks for the next one (first/after) and the rows grow to it.
	open("/dashboard/region/AFRICA?demo=all")
	allAfrica := a.Count(t, `SELECT count(DISTINCT b.activity_id) FROM activity_beneficiary_countries b
		JOIN countries c ON c.id = b.country_id JOIN regions r ON r.id = c.region_id WHERE r.code = 'AFRICA'`)
	if got := count("Africa's total", `document.getElementById('activities-count').dataset.total`); got != allAfrica {
		t.Errorf("Africa's report with demonstration data counts %d activities, SQL %d", got, allAfrica)
	}
	// The lists beside the activities, each against the database.
	for _, c := range []struct{ list, sql string }{
		{"consultants", `SELECT count(DISTINCT ac.consultant_id) FROM activity_consultants ac
			JOIN activity_beneficiary_countries b ON b.activity_id = ac.activity_id
			JOIN countries c ON c.id = b.country_id JOIN regions r ON r.id = c.region_id WHERE r.code = 'AFRICA'`},
		{"needs", `SELECT count(*) FROM match_needs n JOIN countries c ON c.id = n.country_id
			JOIN regions r ON r.id = c.region_id WHERE r.code = 'AFRICA'`},
		{"offers", `SELECT count(*) FROM match_offers o WHERE o.id IN (
			SELECT tr.match_offer_id FROM match_offer_target_regions tr JOIN regions r ON r.id = tr.region_id WHERE r.code = 'AFRICA'
			UNION SELECT tc.match_offer_id FROM match_offer_target_countries tc JOIN countries c ON c.id = tc.country_id
			JOIN regions r ON r.id = c.region_id WHERE r.code = 'AFRICA')`},
	} {
		want := a.Count(t, c.sql)
		if got := count(c.list, `document.getElementById('`+c.list+`-count').dataset.total`); got != want {
			t.Errorf("Africa's report with demonstration data counts %d %s, SQL %d", got, c.list, want)
		}
	}
	exports("Africa")
	if allAfrica > 100 {
		stepCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := chromedp.Do(stepCtx,
			chromedp.Click(chromedp.CSS(`#activities-more`)),
			chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.querySelectorAll('#activities tbody tr[data-id]').length === %d`, min(allAfrica, 200))),
		)
		cancel()
		if err != nil {
			fatal("showing Africa's next page of activities", err)
		}
		ids := eval("the rows' IDs", `[...document.querySelectorAll('#activities tbody tr[data-id]')].map(r => r.dataset.id).join(' ')`)
		seen := map[string]bool{}
		for _, id := range strings.Fields(ids) {
			if seen[id] {
				t.Errorf("activity %s is listed twice across pages", id)
			}
			seen[id] = true
		}
	}
	t.Log(screenshot())

	violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__cspViolations`))
	if err != nil {
		t.Fatalf("reading CSP violations: %v", err)
	}
	if len(violations) > 0 {
		t.Errorf("the Content-Security-Policy blocked: %v", violations)
	}
	events.mu.Lock()
	defer events.mu.Unlock()
	for _, p := range events.problems {
		t.Errorf("in the browser: %s", p)
	}
	local := 0
	for _, u := range events.requests {
		switch {
		case strings.HasPrefix(u, "data:"), u == "about:blank":
		case strings.HasPrefix(u, a.Srv.URL+"/"):
			local++
			if status := events.responses[u]; status != 200 && status != 304 {
				t.Errorf("%s: status %d", u, status)
			}
		default:
			t.Errorf("the report asked for %s, which is not the server", u)
		}
	}
	if local < 20 {
		t.Errorf("the browser made %d requests to the server, want at least 20 (5 report loads of a page, a script, api.js and its queries): %v", local, events.requests)
	}
}
