package server_test

import (
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
// On SQLite, and on PostgreSQL when SSCGRAPH_TEST_POSTGRES names one.
func TestReportInBrowser(t *testing.T) {
	chromium(t) // skip before loading a database when there is no browser
	apitest.ForEachBackend(t, reportInBrowser)
}

func reportInBrowser(t *testing.T, a *apitest.API) {
	b := newBrowser(t, 1200, 900, 3*time.Minute)
	// keep saves a full-page screenshot to $SSCGRAPH_REPORT_SCREENSHOTS
	// when it names a directory: the pictures of a report, on screen and
	// printed, for docs/ (not part of go generate's drift check), taken
	// once: on SQLite, not again on PostgreSQL.
	keep := func(name string) {
		t.Helper()
		dir := os.Getenv("SSCGRAPH_REPORT_SCREENSHOTS")
		if dir == "" || !onSQLite(a) {
			return
		}
		shot, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// open loads a report and waits until every section has answered
	// (report.js marks the body) without an error shown.
	open := func(path string) {
		t.Helper()
		b.stepWithin(30*time.Second, "loading "+path,
			chromedp.Navigate(a.Srv.URL+path),
			chromedp.Poll[chromedp.Void](`document.body && document.body.dataset.ready === 'true'`),
		)
		if shown := b.eval("reading the error box", `(() => { const e = document.getElementById('error'); return e.hidden ? '' : e.textContent; })()`); shown != "" {
			t.Errorf("%s shows an error: %s", path, shown)
		}
	}
	count := func(what, expr string) int {
		t.Helper()
		s := b.eval(what, expr)
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
			href := b.eval(list+"'s CSV link", `document.getElementById('`+list+`-csv').getAttribute('href')`)
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
	if got := b.eval("the banner", `document.getElementById('demo-banner').hidden ? '' : document.getElementById('demo-banner').textContent`); !strings.Contains(got, "demonstration") {
		t.Errorf("with demo=all the report shows no demonstration-data banner (got %q)", got)
	}
	for _, name := range []string{"Egypt", "مصر", "Egipto", "Égypte", "Египет", "埃及"} {
		if got := b.eval("the names", `document.getElementById('names').textContent`); !strings.Contains(got, name) {
			t.Errorf("the names table lacks %q: %s", name, got)
		}
	}
	// A CSV link carries the report's filter: Egypt, and no demo filter.
	csv := b.eval("the CSV link", `document.getElementById('activities-csv').getAttribute('href')`)
	if !strings.HasPrefix(csv, "/export/activities.csv?") || !strings.Contains(csv, "EG") {
		t.Errorf("the activities' CSV link is %q", csv)
	}

	// Printed: no controls, A4 paper, sources written out.
	exports("Egypt")
	keep("report-EG.png")
	if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatalf("emulating print: %v", err)
	}
	keep("report-EG-print.png")
	for _, sel := range []string{"#filters", "#nav", "#print", "#activities-csv"} {
		if got := b.eval("printed "+sel, `getComputedStyle(document.querySelector('`+sel+`')).display`); got != "none" {
			t.Errorf("printed, %s has display %q, want none", sel, got)
		}
	}
	if got := b.eval("the printed title", `getComputedStyle(document.getElementById('title')).display`); got == "none" {
		t.Error("printed, the title is hidden")
	}
	// The @page rule of the style sheets the page applies in print.
	pageSize := b.eval("@page", `(() => {
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
	pdf, err := chromedp.Call(b.ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: new(true)})
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
	if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
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
	if got := b.eval("the banner", `String(document.getElementById('demo-banner').hidden)`); got != "true" {
		t.Error("on real data the report shows the demonstration-data banner")
	}

	// A real activity whose start is known to the month, with an address
	// among its sources, in the report of a country it benefits.
	var (
		id                  int
		title, start, code  string
		sourcesJSON, period string
	)
	// SQLite keeps a date as text, PostgreSQL as a timestamp read here as
	// text in UTC, as the API writes it; the sources are JSON, text in
	// SQLite and jsonb in PostgreSQL, which LIKE reads as text.
	startDate := dialectSQL(t, a, `x.start_date`, `to_char(x.start_date AT TIME ZONE 'UTC', 'YYYY-MM-DD')`)
	err = a.DB.SQL.QueryRow(`SELECT x.id, x.title, `+startDate+`, x.start_date_precision, CAST(x.sources AS TEXT), c.code
		FROM activities x JOIN activity_beneficiary_countries b ON b.activity_id = x.id
		JOIN countries c ON c.id = b.country_id
		WHERE NOT x.demo AND x.start_date_precision = 'MONTH' AND CAST(x.sources AS TEXT) LIKE '%http%'
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
	if got := b.eval("the activity's row", `String(!!`+row+`)`); got != "true" {
		t.Fatalf("%s's report has no row for activity %d %q", code, id, title)
	}
	if got := b.eval("its dates", row+`.querySelector('td.dates').textContent`); !strings.HasPrefix(got, wantDate) || strings.HasPrefix(got, start[:10]) {
		t.Errorf("activity %d, dated %s to the %s, shows %q: want %s", id, start, period, got, wantDate)
	}
	hrefs := b.eval("its sources", row+`.querySelectorAll('td.sources a[href]').length + ' ' + [...`+row+`.querySelectorAll('td.sources a[href]')].map(a => a.getAttribute('href')).join(' ')`)
	for _, l := range links {
		if !strings.Contains(hrefs, l) {
			t.Errorf("activity %d's row does not link its source %s: %s", id, l, hrefs)
		}
	}
	if got := b.eval("its demo badge", row+`.querySelectorAll('.badge.demo').length + ''`); got != "0" {
		t.Errorf("real activity %d carries a demo badge", id)
	}
	if err := chromedp.Do(b.ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	// Printed, a source's address follows its link text.
	if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatalf("emulating print: %v", err)
	}
	open("/dashboard/country/" + code)
	keep("report-" + code + "-print.png")
	if got := b.eval("a printed source", `getComputedStyle(`+row+`.querySelector('a.source'), '::after').content`); !strings.Contains(got, "http") {
		t.Errorf("printed, a source link is not followed by its address: %q", got)
	}
	if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
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
	year := dialectSQL(t, a, `substr(x.start_date, 1, 4)`, `to_char(x.start_date AT TIME ZONE 'UTC', 'YYYY')`)
	rows, err := a.DB.SQL.Query(`SELECT coalesce(` + year + `, 'date unknown'), count(DISTINCT x.id)
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
	gotYears := b.eval("Africa's years", `[...document.querySelectorAll('#years-table tbody tr')].map(r => r.cells[0].textContent + '=' + r.cells[1].textContent.replace(/,/g, '')).join(' ')`)
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
		b.stepWithin(30*time.Second, "showing Africa's next page of activities",
			chromedp.Click(chromedp.CSS(`#activities-more`)),
			chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.querySelectorAll('#activities tbody tr[data-id]').length === %d`, min(allAfrica, 200))),
		)
		ids := b.eval("the rows' IDs", `[...document.querySelectorAll('#activities tbody tr[data-id]')].map(r => r.dataset.id).join(' ')`)
		seen := map[string]bool{}
		for _, id := range strings.Fields(ids) {
			if seen[id] {
				t.Errorf("activity %s is listed twice across pages", id)
			}
			seen[id] = true
		}
	}
	t.Log(b.screenshot())

	if local := b.checkTraffic(a.Srv.URL, 200, 304); local < 20 {
		t.Errorf("the browser made %d requests to the server, want at least 20 (5 report loads of a page, a script, api.js and its queries): %v", local, b.requests())
	}
}
