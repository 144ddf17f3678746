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
	"sscgraph/internal/graphiql"
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
	// The same link on a first visit (nothing stored) opens the request
	// in a tab before the starter tabs.
	b.step("opening a prefilled request on a first visit",
		chromedp.Evaluate[chromedp.Void](`localStorage.clear()`),
		chromedp.Navigate(a.Srv.URL+"/?query="+url.QueryEscape(prefill)+"&variables="+url.QueryEscape(`{"n": 2}`)),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-query-editor .CodeMirror")),
		chromedp.PollFunction[chromedp.Void](`(selector, want) => {
  const cm = document.querySelector(selector + ' .CodeMirror');
  return cm && cm.CodeMirror.getValue() === want;
}`, chromedp.WithPollingArgs(".graphiql-query-editor", prefill)),
	)
	starters, err := graphiql.Starters()
	if err != nil {
		t.Fatal(err)
	}
	wantTabs := []string{"<untitled>"} // the request's: it has no name
	for _, s := range starters {
		wantTabs = append(wantTabs, s.Name)
	}
	if tabs := evaluate[[]string](b, "reading the tabs", `[...document.querySelectorAll('.graphiql-tab-button')].map(b => b.textContent.trim())`); strings.Join(tabs, " ") != strings.Join(wantTabs, " ") {
		t.Errorf("a first visit with ?query= opens the tabs %q, want %q", tabs, wantTabs)
	}
	// The picture of docs/ when $SSCGRAPH_SCREENSHOT names a file.
	t.Log(b.screenshot(os.Getenv("SSCGRAPH_SCREENSHOT")))

	// The page, four scripts, two style sheets, and the queries (the
	// schema's introspection, the user's).
	if local := b.checkTraffic(a.Srv.URL); local < 9 {
		t.Errorf("the browser made %d requests to the server, want at least 9: %v", local, b.requests())
	}
}

// TestGraphiQLStartersRun runs each of GraphiQL's starter tabs through the
// real handler, as the page sends it: the queries answer data and no
// errors, and the subscription delivers an offer posted after it starts.
// A starter that stops fitting the schema, or a new one without a check
// here, fails.
func TestGraphiQLStartersRun(t *testing.T) {
	apitest.ForEachBackend(t, func(t *testing.T, a *apitest.API) {
		starters, err := graphiql.Starters()
		if err != nil {
			t.Fatal(err)
		}
		checks := map[string]func(t *testing.T, r apitest.Response){
			"DashboardCounts": func(t *testing.T, r apitest.Response) {
				if n := r.Num("ldcs.totalCount"); n < 40 {
					t.Errorf("ldcs: %d, want the UN's 40-odd", n)
				}
				buckets := r.List("southSouthPerRegionPerYear.buckets")
				if len(buckets) == 0 || r.Num("southSouthPerRegionPerYear.total.count") == 0 {
					t.Fatalf("no South-South activities per region and year: %+v", r.Data)
				}
				if r.Num("southSouthPerRegionPerYear.buckets.0.count") < r.Num(fmt.Sprintf("southSouthPerRegionPerYear.buckets.%d.count", len(buckets)-1)) {
					t.Errorf("buckets are not by count, descending: %v", buckets)
				}
				if len(r.List("projectsByStatus.buckets")) == 0 || r.Num("projectsByStatus.total.count") == 0 {
					t.Errorf("no projects by status: %+v", r.Data["projectsByStatus"])
				}
			},
			"CountryProjects": func(t *testing.T, r apitest.Response) {
				if got := r.Str("country.name"); got != "Egypt" {
					t.Errorf("country %q, want Egypt", got)
				}
				projects := r.List("country.projects.edges")
				if len(projects) == 0 {
					t.Fatalf("Egypt has no projects: %+v", r.Data)
				}
				activities := 0
				for i := range projects {
					p := fmt.Sprintf("country.projects.edges.%d.node.", i)
					if _, ok := r.Get(p + "demo").(bool); !ok {
						t.Errorf("project %d: demo %v", i, r.Get(p+"demo"))
					}
					if r.Get(p+"sources") == nil {
						t.Errorf("project %d has no sources list", i)
					}
					for j := range r.List(p + "activities.edges") {
						activities++
						if _, ok := r.Get(fmt.Sprintf("%sactivities.edges.%d.node.demo", p, j)).(bool); !ok {
							t.Errorf("project %d, activity %d: no demo", i, j)
						}
					}
				}
				if activities == 0 {
					t.Errorf("Egypt's projects have no activities")
				}
			},
			"OpenOffers": func(t *testing.T, r apitest.Response) {
				offers := r.List("matchOffers.edges")
				if len(offers) != 10 || r.Num("matchOffers.totalCount") < 10 || r.Str("matchOffers.pageInfo.endCursor") == "" {
					t.Fatalf("want a first page of 10 open offers: %+v", r.Data)
				}
				for i := 1; i < len(offers); i++ {
					prev, cur := r.Str(fmt.Sprintf("matchOffers.edges.%d.node.postedAt", i-1)), r.Str(fmt.Sprintf("matchOffers.edges.%d.node.postedAt", i))
					if prev < cur {
						t.Errorf("offer %d posted at %s after offer %d at %s: not newest first", i, cur, i-1, prev)
					}
				}
			},
		}
		for _, s := range starters {
			t.Run(s.Name, func(t *testing.T) {
				if strings.Contains(s.Query, "subscription "+s.Name) {
					// As GraphiQL runs it: a stream, which hears an
					// offer posted through the API after it starts.
					w := apitest.NewMatchWorld(t, a)
					stream := openSSE(t, a, "", s.Query, nil)
					waitSubscribers(t, a, 1)
					id := w.Offer(t, map[string]any{"title": "Starter tab offer"})
					m := stream.next(t)
					if m.Type != "next" || len(m.Errors) > 0 || m.str("offerPosted.id") != id || m.str("offerPosted.title") != "Starter tab offer" {
						t.Fatalf("got %+v, want the offer %s", m, id)
					}
					if got := m.str("offerPosted.provider.name"); got != "Provider (lifecycle test)" {
						t.Errorf("provider %q", got)
					}
					return
				}
				check, ok := checks[s.Name]
				if !ok {
					t.Fatalf("no check for the starter %s: add one", s.Name)
				}
				check(t, a.Query(t, s.Query, nil))
			})
		}
	})
}

// TestGraphiQLSubscriptionInBrowser: GraphiQL opens with the starter
// tabs, one per kind of user; the Match tab's subscription, run in the
// page with a key in the headers editor, goes over the endpoint's
// WebSocket (which the page's Content-Security-Policy allows), shows an
// offer posted through the API afterwards in the result pane, and ends
// on the stop button.
func TestGraphiQLSubscriptionInBrowser(t *testing.T) {
	chromium(t)
	a := apitest.New(t, apitest.SQLiteCopy(t))
	w := apitest.NewMatchWorld(t, a)
	starters, err := graphiql.Starters()
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, s := range starters {
		titles = append(titles, s.Name)
	}

	b := newBrowser(t, 1400, 900, 2*time.Minute)
	b.step("loading the page",
		chromedp.Navigate(a.Srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-query-editor .CodeMirror")),
	)
	got, err := chromedp.Run(b.ctx, chromedp.PollFunction[[]string](`(n) => {
  const tabs = [...document.querySelectorAll('.graphiql-tab-button')].map(b => b.textContent.trim());
  return tabs.length === n ? tabs : null;
}`, chromedp.WithPollingArgs(len(titles)), chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		b.fatal(fmt.Sprintf("the page does not open with %d tabs", len(titles)), err)
	}
	if strings.Join(got, " ") != strings.Join(titles, " ") {
		t.Errorf("tabs %v, want %v", got, titles)
	}
	// The first tab is open, with its query, not GraphiQL's welcome text.
	if first := evaluate[string](b, "reading the first tab", `document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue()`); first != starters[0].Query {
		t.Errorf("the first tab shows:\n%s\nwant the starter %s", first, starters[0].Name)
	}

	live := starters[len(starters)-1]
	b.step("opening the subscription's tab",
		chromedp.PollFunction[chromedp.Void](`(title) => {
  const tab = [...document.querySelectorAll('.graphiql-tab-button')].find(b => b.textContent.trim() === title);
  if (!tab) return false;
  tab.click();
  return true;
}`, chromedp.WithPollingArgs(live.Name)),
		chromedp.PollFunction[chromedp.Void](`(want) => {
  const cm = document.querySelector('.graphiql-query-editor .CodeMirror');
  return cm && cm.CodeMirror.getValue() === want;
}`, chromedp.WithPollingArgs(live.Query)),
	)
	// A key in the headers editor goes in the WebSocket's connection_init
	// payload. A key the server refuses is answered at once, with the
	// server's reason, rather than after the WebSocket client's retries.
	const headersEditor = ".graphiql-editor-tool .graphiql-editor:not(.hidden)"
	setHeaders := func(key string) chromedp.Action[chromedp.Void] {
		headers, err := json.Marshal(map[string]string{"Authorization": "Bearer " + key})
		if err != nil {
			t.Fatal(err)
		}
		return chromedp.PollFunction[chromedp.Void](`(selector, text) => {
  document.querySelector(selector + ' .CodeMirror').CodeMirror.setValue(text);
  return true;
}`, chromedp.WithPollingArgs(headersEditor, string(headers)))
	}
	b.step("typing an unknown key in the headers editor",
		chromedp.Click(chromedp.CSS(`button[data-name="headers"]`)),
		chromedp.WaitVisible(chromedp.CSS(headersEditor+" .CodeMirror")),
		setHeaders("sscg_not_a_key"),
	)
	b.expect("the server responded with a status of 401 (Unauthorized) " + a.Srv.URL + "/graphql")
	b.step("starting the subscription with it",
		chromedp.Click(chromedp.CSS(".graphiql-execute-button")),
		chromedp.PollFunction[chromedp.Void](`() => {
  const cm = document.querySelector('.graphiql-response .CodeMirror');
  return cm && cm.CodeMirror.getValue().includes('"UNAUTHENTICATED"');
}`, chromedp.WithPollingTimeout(5*time.Second)),
	)
	waitSubscribers(t, a, 0)

	// A MEMBER key.
	b.step("typing a key in the headers editor", setHeaders(w.Seeker.Key))
	b.step("starting the subscription", chromedp.Click(chromedp.CSS(".graphiql-execute-button")))
	waitSubscribers(t, a, 1)

	const title = "Offer heard in GraphiQL"
	id := w.Offer(t, map[string]any{"title": title})
	result, err := chromedp.Run(b.ctx, chromedp.PollFunction[string](`(want) => {
  const cm = document.querySelector('.graphiql-response .CodeMirror');
  const text = cm ? cm.CodeMirror.getValue() : '';
  return text.includes(want) ? text : null;
}`, chromedp.WithPollingArgs(id), chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		got, _ := chromedp.Run(b.ctx, chromedp.PollFunction[string](editorValue, chromedp.WithPollingArgs(".graphiql-response"), chromedp.WithPollingTimeout(time.Second)))
		b.fatal(fmt.Sprintf("the result pane does not show the offer %s (result pane: %s)", id, got), err)
	}
	var event struct {
		Data struct {
			OfferPosted struct {
				ID, Title string
				Provider  struct{ Name string }
			}
		}
		Errors []any
	}
	if err := json.Unmarshal([]byte(result), &event); err != nil {
		t.Fatalf("the result pane is not a GraphQL answer: %v\n%s", err, result)
	}
	if o := event.Data.OfferPosted; o.ID != id || o.Title != title || o.Provider.Name != "Provider (lifecycle test)" || len(event.Errors) > 0 {
		t.Errorf("the result pane shows %+v, want the offer %s %q of the provider", event, id, title)
	}

	// The execute button, a stop button while the subscription runs,
	// ends it: the server forgets the subscriber.
	b.step("stopping the subscription", chromedp.Click(chromedp.CSS(".graphiql-execute-button")))
	waitSubscribers(t, a, 0)

	// The page, four scripts, two style sheets, the schema's introspection.
	if local := b.checkTraffic(a.Srv.URL, 200, 401); local < 8 {
		t.Errorf("the browser made %d requests to the server, want at least 8: %v", local, b.requests())
	}
}
