package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
)

// chromium finds the browser the GraphiQL test drives: Debian's chromium,
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

// editorValue reads the text of the CodeMirror editor under selector.
const editorValue = `(selector) => {
  const cm = document.querySelector(selector + ' .CodeMirror');
  return cm ? cm.CodeMirror.getValue() : null;
}`

// TestGraphiQLInBrowser loads GraphiQL in headless Chromium that can
// reach nothing but the server, as on an intranet: the page must come up
// from the binary's own files, send a query with a key from the headers
// editor, show the answer, and open the schema's documentation.
func TestGraphiQLInBrowser(t *testing.T) {
	browser := chromium(t)
	a := apitest.New(t, apitest.SQLiteCopy(t))
	const keyName = "graphiql-browser-test"
	_, key, err := auth.Create(context.Background(), a.DB.Client, auth.CreateOptions{Role: auth.RoleAdmin, Name: keyName})
	if err != nil {
		t.Fatal(err)
	}
	// The query reads countries, which anyone may, and API keys, which
	// only a key may: the answer shows that the header was sent.
	const query = `{
  countries(first: 3) { edges { node { code name } } }
  apiKeys(first: 5) { edges { node { name } } }
}`
	_, want := a.Send(t, "Bearer "+key, query, nil)
	if len(want.Errors) > 0 || len(want.List("countries.edges")) != 3 {
		t.Fatalf("the query over HTTP: %+v", want)
	}
	countries := []string{}
	for i := range 3 {
		countries = append(countries, want.Str(fmt.Sprintf("countries.edges.%d.node.name", i)))
	}

	// Every host but the server's address resolves to nothing, so a
	// page that needed a CDN or web fonts would fail here as offline.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1400, 900),
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
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	defer cancelTimeout()

	// screenshot saves what the browser shows to the test's directory and
	// to $SSCGRAPH_SCREENSHOT when it names a file.
	screenshot := func() string {
		shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			return fmt.Sprintf("no screenshot: %v", err)
		}
		paths := []string{filepath.Join(t.TempDir(), "graphiql.png")}
		if p := os.Getenv("SSCGRAPH_SCREENSHOT"); p != "" {
			paths = append(paths, p)
		}
		for _, p := range paths {
			if err := os.WriteFile(p, shot, 0o644); err != nil {
				return fmt.Sprintf("no screenshot: %v", err)
			}
		}
		return "screenshot: " + paths[len(paths)-1]
	}
	// step runs actions within 20 s: a page that does not come up fails
	// in that time, with what the browser reported.
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		stepCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if err := chromedp.Do(stepCtx, actions...); err != nil {
			shot := screenshot()
			events.mu.Lock()
			defer events.mu.Unlock()
			t.Fatalf("%s: %v\n%s\nproblems: %v", what, err, shot, events.problems)
		}
	}

	// The first action starts the browser, which lives as long as the
	// context of that action: ctx, not a step's.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", browser, err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspViolations}); err != nil {
		t.Fatalf("adding the CSP listener: %v", err)
	}
	step("loading the page",
		chromedp.Navigate(a.Srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-query-editor .CodeMirror")),
	)

	// A user opens the headers editor and pastes the key, then the query.
	headers, err := json.Marshal(map[string]string{"Authorization": "Bearer " + key})
	if err != nil {
		t.Fatal(err)
	}
	const headersEditor = ".graphiql-editor-tool .graphiql-editor:not(.hidden)"
	step("opening the headers editor",
		chromedp.Click(chromedp.CSS(`button[data-name="headers"]`)),
		chromedp.WaitVisible(chromedp.CSS(headersEditor+" .CodeMirror")),
	)
	const setEditor = `(selector, text) => {
  document.querySelector(selector + ' .CodeMirror').CodeMirror.setValue(text);
  return true;
}`
	step("typing the headers and the query",
		chromedp.PollFunction[chromedp.Void](setEditor, chromedp.WithPollingArgs(headersEditor, string(headers))),
		chromedp.PollFunction[chromedp.Void](setEditor, chromedp.WithPollingArgs(".graphiql-query-editor", query)),
	)
	step("running the query", chromedp.Click(chromedp.CSS(".graphiql-execute-button")))
	result, err := chromedp.Run(ctx, chromedp.PollFunction[string](`(selector, want) => {
  const cm = document.querySelector(selector + ' .CodeMirror');
  const text = cm ? cm.CodeMirror.getValue() : '';
  return text.includes(want) ? text : null;
}`, chromedp.WithPollingArgs(".graphiql-response", keyName), chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		got, _ := chromedp.Run(ctx, chromedp.PollFunction[string](editorValue, chromedp.WithPollingArgs(".graphiql-response"), chromedp.WithPollingTimeout(time.Second)))
		t.Fatalf("the result pane does not show the key's name %q: %v\nresult pane: %s\n%s\nproblems: %v", keyName, err, got, screenshot(), events.problems)
	}
	for _, name := range countries {
		if !strings.Contains(result, name) {
			t.Errorf("the result pane lacks the country %q:\n%s", name, result)
		}
	}
	if strings.Contains(result, `"errors"`) {
		t.Errorf("the result pane shows errors:\n%s", result)
	}

	// History keeps the query; the documentation explorer reads the
	// schema by introspection. A dialog: GraphiQL's components add style
	// elements as they open one, which the policy's style-src must allow.
	step("opening the history",
		chromedp.Click(chromedp.CSS(`button[aria-label="Show History"]`)),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-history-item")),
	)
	step("opening the settings",
		chromedp.Click(chromedp.CSS(`button[aria-label="Open settings dialog"]`)),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-dialog")),
		chromedp.KeyEvent(kb.Escape),
		chromedp.WaitNotPresent(chromedp.CSS(".graphiql-dialog")),
	)
	step("opening the documentation",
		chromedp.Click(chromedp.CSS(`button[aria-label="Show Documentation Explorer"]`)),
		chromedp.Poll[chromedp.Void](`(document.querySelector('.graphiql-doc-explorer') || {innerText: ''}).innerText.includes('query: Query')`),
	)

	// A link with ?query= and ?variables= (the dashboard's "open in
	// GraphiQL") opens with the request in the editors.
	const prefill = `query($n: Int) { regions(first: $n) { edges { node { code } } } }`
	step("opening a prefilled request",
		chromedp.Navigate(a.Srv.URL+"/?query="+url.QueryEscape(prefill)+"&variables="+url.QueryEscape(`{"n": 2}`)),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-query-editor .CodeMirror")),
		chromedp.PollFunction[chromedp.Void](`(selector, want) => {
  const cm = document.querySelector(selector + ' .CodeMirror');
  return cm && cm.CodeMirror.getValue() === want;
}`, chromedp.WithPollingArgs(".graphiql-query-editor", prefill)),
	)
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
		case strings.HasPrefix(u, "data:"):
		case strings.HasPrefix(u, a.Srv.URL+"/"):
			local++
			if status := events.responses[u]; status != 200 {
				t.Errorf("%s: status %d", u, status)
			}
		default:
			t.Errorf("the page asked for %s, which is not the server", u)
		}
	}
	// The page, four scripts, two style sheets, and the queries (the
	// schema's introspection, the user's).
	if local < 9 {
		t.Errorf("the browser made %d requests to the server, want at least 9: %v", local, events.requests)
	}
}
