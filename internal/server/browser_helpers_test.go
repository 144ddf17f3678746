package server_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"sscgraph/internal/apitest"
)

// chromium finds the browser the browser tests drive: Debian's chromium,
// which CI installs. Without one the test is skipped, unless
// SSCGRAPH_BROWSER_TEST=1 says it must run (CI sets it), so that a
// missing browser cannot pass silently there.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("SSCGRAPH_BROWSER_TEST") == "1" {
		t.Fatal("SSCGRAPH_BROWSER_TEST=1 but no chromium on PATH: apt-get install chromium")
	}
	t.Skip("no chromium on PATH (apt-get install chromium, or set SSCGRAPH_BROWSER_TEST=1 to require it)")
	return ""
}

// browserLog is what the page did that the test checks afterwards: every
// URL it asked for, the answers, and what went wrong.
type browserLog struct {
	mu        sync.Mutex
	requests  []string
	responses map[string]int64
	problems  []string
	// expected are problems a test causes on purpose (a refused key's
	// 401 in the console), which checkTraffic lets pass: substrings.
	expected []string
}

// expect lets checkTraffic pass the browser's reports that hold substr:
// what a test provokes on purpose.
func (b *browser) expect(substr string) {
	b.events.mu.Lock()
	defer b.events.mu.Unlock()
	b.events.expected = append(b.events.expected, substr)
}

func (l *browserLog) listen(ev any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		l.requests = append(l.requests, ev.Request.URL)
	case *network.EventResponseReceived:
		l.responses[ev.Response.URL] = ev.Response.Status
	case *network.EventLoadingFailed:
		l.problems = append(l.problems, fmt.Sprintf("loading failed (%s): %s", ev.Type, ev.ErrorText))
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil {
			text += " " + d.Exception.Description
		}
		l.problems = append(l.problems, fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber, text))
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			l.problems = append(l.problems, fmt.Sprintf("console error (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
		}
	}
}

// cspViolations records, in the page, each Content-Security-Policy
// violation: DevTools adds it before the page's own scripts run, and the
// policy does not apply to it.
const cspViolations = `window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});`

// browser is one headless Chromium a test drives, with what its pages
// did (events) for the checks at the end.
type browser struct {
	t      *testing.T
	ctx    context.Context // the browser's: every action runs within it
	path   string          // the executable
	events *browserLog
}

// newBrowser starts headless Chromium with a window of width × height
// that can reach nothing but the test's server, as on an intranet: every
// host but 127.0.0.1 resolves to nothing, so a page that needed a CDN or
// web fonts fails here as it would offline. It records each page's
// requests, console errors and exceptions, and CSP violations, gives up
// on everything after timeout, and closes when the test ends (before the
// server, when the server was started first). It skips or fails as
// chromium does when there is no browser.
func newBrowser(t *testing.T, width, height int, timeout time.Duration) *browser {
	t.Helper()
	path := chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-sync", true),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	b := &browser{t: t, path: path, events: &browserLog{responses: map[string]int64{}}}
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithListener(b.events.listen))
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(cancelTimeout)
	b.ctx = ctx

	// The first action starts the browser, which lives as long as the
	// context of that action: ctx, not a step's.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspViolations}); err != nil {
		t.Fatalf("adding the CSP listener: %v", err)
	}
	return b
}

// screenshot saves what the browser shows to the test's directory and to
// each of also that is not empty, and says where (or why not), for a
// failure's message or the test's log.
func (b *browser) screenshot(also ...string) string {
	shot, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		return fmt.Sprintf("no screenshot: %v", err)
	}
	paths := []string{filepath.Join(b.t.TempDir(), "screenshot.png")}
	for _, p := range also {
		if p != "" {
			paths = append(paths, p)
		}
	}
	for _, p := range paths {
		if err := os.WriteFile(p, shot, 0o644); err != nil {
			return fmt.Sprintf("no screenshot: %v", err)
		}
	}
	return "screenshot: " + paths[len(paths)-1]
}

// fatal ends the test with what went wrong, a screenshot, and what the
// browser reported.
func (b *browser) fatal(what string, err error) {
	b.t.Helper()
	shot := b.screenshot()
	b.events.mu.Lock()
	defer b.events.mu.Unlock()
	b.t.Fatalf("%s: %v\n%s\nproblems: %v", what, err, shot, b.events.problems)
}

// step runs actions within 20 s: a page that does not come up fails in
// that time, with what the browser reported.
func (b *browser) step(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	b.stepWithin(20*time.Second, what, actions...)
}

// stepWithin is step with a time of its own.
func (b *browser) stepWithin(d time.Duration, what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	stepCtx, cancel := context.WithTimeout(b.ctx, d)
	defer cancel()
	err := chromedp.Do(stepCtx, actions...)
	if err != nil && strings.Contains(err.Error(), "Cannot find context with specified id") {
		// The page's JavaScript context was replaced (a navigation) while
		// the step ran in the old one: a race in the DevTools protocol,
		// not the page's fault (CI's second run met it once). The step
		// navigates or polls from the start, so it is run once more.
		err = chromedp.Do(stepCtx, actions...)
	}
	if err != nil {
		b.fatal(what, err)
	}
}

// eval evaluates a JavaScript expression whose value is a string.
func (b *browser) eval(what, expr string) string {
	b.t.Helper()
	return evaluate[string](b, what, expr)
}

// evaluate evaluates a JavaScript expression in the page, ending the test
// when it cannot.
func evaluate[T any](b *browser, what, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.fatal(what, err)
	}
	return v
}

// checkTraffic holds what the pages did to the end of the test: no CSP
// violation, no console error or exception, no request to any host but
// the server at base, and each request to it answered with one of ok
// (200 when none is given). It returns the number of requests to the
// server, for a test to hold to a minimum.
func (b *browser) checkTraffic(base string, ok ...int64) int {
	b.t.Helper()
	if len(ok) == 0 {
		ok = []int64{200}
	}
	violations, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`window.__cspViolations`))
	if err != nil {
		b.t.Fatalf("reading CSP violations: %v", err)
	}
	if len(violations) > 0 {
		b.t.Errorf("the Content-Security-Policy blocked: %v", violations)
	}
	b.events.mu.Lock()
	defer b.events.mu.Unlock()
	for _, p := range b.events.problems {
		if !slices.ContainsFunc(b.events.expected, func(e string) bool { return strings.Contains(p, e) }) {
			b.t.Errorf("in the browser: %s", p)
		}
	}
	local := 0
	for _, u := range b.events.requests {
		switch {
		case strings.HasPrefix(u, "data:"), u == "about:blank":
		case strings.HasPrefix(u, base+"/"):
			local++
			if status := b.events.responses[u]; !slices.Contains(ok, status) {
				b.t.Errorf("%s: status %d", u, status)
			}
		default:
			b.t.Errorf("the page asked for %s, which is not the server", u)
		}
	}
	return local
}

// requests returns the URLs the pages asked for so far.
func (b *browser) requests() []string {
	b.events.mu.Lock()
	defer b.events.mu.Unlock()
	return slices.Clone(b.events.requests)
}

// onSQLite reports whether the test's database is SQLite: the pictures a
// test may save for docs/ come from that run, not once per backend.
func onSQLite(a *apitest.API) bool { return a.DB.Dialect == dialect.SQLite }

// dialectSQL returns the spelling of a statement for the test's database
// where SQLite's and PostgreSQL's differ (placeholders, dates, JSON).
func dialectSQL(t *testing.T, a *apitest.API, sqlite, postgres string) string {
	t.Helper()
	switch a.DB.Dialect {
	case dialect.SQLite:
		return sqlite
	case dialect.Postgres:
		return postgres
	}
	t.Fatalf("no SQL for the dialect %q", a.DB.Dialect)
	return ""
}
