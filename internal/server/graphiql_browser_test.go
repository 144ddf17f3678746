package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
)

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
	chromium(t) // skip before copying the database when there is no browser
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

	b := newBrowser(t, 1400, 900, 2*time.Minute)
	b.step("loading the page",
		chromedp.Navigate(a.Srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-query-editor .CodeMirror")),
	)

	// A user opens the headers editor and pastes the key, then the query.
	headers, err := json.Marshal(map[string]string{"Authorization": "Bearer " + key})
	if err != nil {
		t.Fatal(err)
	}
	const headersEditor = ".graphiql-editor-tool .graphiql-editor:not(.hidden)"
	b.step("opening the headers editor",
		chromedp.Click(chromedp.CSS(`button[data-name="headers"]`)),
		chromedp.WaitVisible(chromedp.CSS(headersEditor+" .CodeMirror")),
	)
	const setEditor = `(selector, text) => {
  document.querySelector(selector + ' .CodeMirror').CodeMirror.setValue(text);
  return true;
}`
	b.step("typing the headers and the query",
		chromedp.PollFunction[chromedp.Void](setEditor, chromedp.WithPollingArgs(headersEditor, string(headers))),
		chromedp.PollFunction[chromedp.Void](setEditor, chromedp.WithPollingArgs(".graphiql-query-editor", query)),
	)
	b.step("running the query", chromedp.Click(chromedp.CSS(".graphiql-execute-button")))
	result, err := chromedp.Run(b.ctx, chromedp.PollFunction[string](`(selector, want) => {
  const cm = document.querySelector(selector + ' .CodeMirror');
  const text = cm ? cm.CodeMirror.getValue() : '';
  return text.includes(want) ? text : null;
}`, chromedp.WithPollingArgs(".graphiql-response", keyName), chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		got, _ := chromedp.Run(b.ctx, chromedp.PollFunction[string](editorValue, chromedp.WithPollingArgs(".graphiql-response"), chromedp.WithPollingTimeout(time.Second)))
		b.fatal(fmt.Sprintf("the result pane does not show the key's name %q (result pane: %s)", keyName, got), err)
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
	b.step("opening the history",
		chromedp.Click(chromedp.CSS(`button[aria-label="Show History"]`)),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-history-item")),
	)
	b.step("opening the settings",
		chromedp.Click(chromedp.CSS(`button[aria-label="Open settings dialog"]`)),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-dialog")),
		chromedp.KeyEvent(kb.Escape),
		chromedp.WaitNotPresent(chromedp.CSS(".graphiql-dialog")),
	)
	b.step("opening the documentation",
		chromedp.Click(chromedp.CSS(`button[aria-label="Show Documentation Explorer"]`)),
		chromedp.Poll[chromedp.Void](`(document.querySelector('.graphiql-doc-explorer') || {innerText: ''}).innerText.includes('query: Query')`),
	)

	// A link with ?query= and ?variables= (the dashboard's "open in
	// GraphiQL") opens with the request in the editors.
	const prefill = `query($n: Int) { regions(first: $n) { edges { node { code } } } }`
	b.step("opening a prefilled request",
		chromedp.Navigate(a.Srv.URL+"/?query="+url.QueryEscape(prefill)+"&variables="+url.QueryEscape(`{"n": 2}`)),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-query-editor .CodeMirror")),
		chromedp.PollFunction[chromedp.Void](`(selector, want) => {
  const cm = document.querySelector(selector + ' .CodeMirror');
  return cm && cm.CodeMirror.getValue() === want;
}`, chromedp.WithPollingArgs(".graphiql-query-editor", prefill)),
	)
	// The picture of docs/ when $SSCGRAPH_SCREENSHOT names a file.
	t.Log(b.screenshot(os.Getenv("SSCGRAPH_SCREENSHOT")))

	// The page, four scripts, two style sheets, and the queries (the
	// schema's introspection, the user's).
	if local := b.checkTraffic(a.Srv.URL); local < 9 {
		t.Errorf("the browser made %d requests to the server, want at least 9: %v", local, b.requests())
	}
}
