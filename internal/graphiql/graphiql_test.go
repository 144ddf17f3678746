package graphiql

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"
)

// serve starts the handler mounted as the server mounts it.
func serve(t *testing.T, wrap func(http.Handler) http.Handler) (*httptest.Server, *Handler) {
	t.Helper()
	h, err := New("sscgraph <test>", "/graphql")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", h)
	mux.Handle("GET "+Prefix, h.Assets())
	var root http.Handler = mux
	if wrap != nil {
		root = wrap(mux)
	}
	srv := httptest.NewServer(root)
	t.Cleanup(srv.Close)
	return srv, h
}

// get fetches url; the transport does not add Accept-Encoding when the
// request names one, so the body is what the server sent.
func get(t *testing.T, url string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if req.Header.Get("Accept-Encoding") == "" {
		req.Header.Set("Accept-Encoding", "identity")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

var (
	scriptSrc = regexp.MustCompile(`<script\b[^>]*\bsrc="([^"]*)"`)
	linkHref  = regexp.MustCompile(`<link\b[^>]*\bhref="([^"]*)"`)
)

func TestGraphiQLPage(t *testing.T) {
	srv, _ := serve(t, nil)
	res, body := get(t, srv.URL+"/", nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	for header, want := range map[string]string{
		"Content-Type":            "text/html; charset=utf-8",
		"Content-Security-Policy": Policy(strings.TrimPrefix(srv.URL, "http://")),
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         "no-referrer",
	} {
		if got := res.Header.Get(header); got != want {
			t.Errorf("%s = %q, want %q", header, got, want)
		}
	}
	page := string(body)
	for _, want := range []string{
		"<title>sscgraph &lt;test&gt;</title>", // the title is escaped
		`data-endpoint="/graphql"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s:\n%s", want, page)
		}
	}
	// No URL of another host: no CDN, no web fonts.
	if strings.Contains(page, "//") {
		t.Errorf("the page names a URL with a host:\n%s", page)
	}
	scripts := scriptSrc.FindAllStringSubmatch(page, -1)
	if len(scripts) != 4 {
		t.Fatalf("the page loads %d scripts, want React, ReactDOM, GraphiQL and start.js", len(scripts))
	}
	for i, prefix := range []string{"react.production.min.", "react-dom.production.min.", "graphiql.min.", "start."} {
		if got := scripts[i][1]; !strings.HasPrefix(got, Prefix+prefix) {
			t.Errorf("script %d is %s, want %s%s…", i, got, Prefix, prefix)
		}
	}
}

// TestGraphiQLAssets: every file the page loads is served under its
// hashed name with its content type, the embedded bytes (gzipped when
// asked) and a year's cache.
func TestGraphiQLAssets(t *testing.T) {
	srv, _ := serve(t, nil)
	_, page := get(t, srv.URL+"/", nil)
	var urls []string
	for _, re := range []*regexp.Regexp{scriptSrc, linkHref} {
		for _, m := range re.FindAllStringSubmatch(string(page), -1) {
			if m[1] != "data:," { // the empty icon
				urls = append(urls, m[1])
			}
		}
	}
	if len(urls) != 6 {
		t.Fatalf("the page loads %d files, want 4 scripts and 2 style sheets: %v", len(urls), urls)
	}
	hashed := regexp.MustCompile(`^/graphiql/(.+)\.[0-9a-f]{12}(\.js|\.css)$`)
	for _, url := range urls {
		t.Run(url, func(t *testing.T) {
			m := hashed.FindStringSubmatch(url)
			if m == nil {
				t.Fatalf("%s is not a hashed file name under %s", url, Prefix)
			}
			source := m[1] + m[2]
			want, err := embedded.ReadFile(path.Join("assets", source))
			if err != nil {
				want, err = embedded.ReadFile(path.Join("page", source))
			}
			if err != nil {
				t.Fatalf("%s is not an embedded file: %v", source, err)
			}
			wantType := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}[m[2]]

			for _, encoding := range []string{"identity", "gzip, deflate, br"} {
				res, body := get(t, srv.URL+url, http.Header{"Accept-Encoding": {encoding}})
				if res.StatusCode != http.StatusOK {
					t.Fatalf("%s: status %d", encoding, res.StatusCode)
				}
				if got := res.Header.Get("Content-Type"); got != wantType {
					t.Errorf("%s: Content-Type %q, want %q", encoding, got, wantType)
				}
				if got := res.Header.Get("Cache-Control"); got != immutable {
					t.Errorf("%s: Cache-Control %q, want %q", encoding, got, immutable)
				}
				if encoding == "identity" {
					if res.Header.Get("Content-Encoding") != "" {
						t.Errorf("identity: Content-Encoding %q", res.Header.Get("Content-Encoding"))
					}
				} else {
					if got := res.Header.Get("Content-Encoding"); got != "gzip" {
						t.Fatalf("Content-Encoding %q, want gzip", got)
					}
					zr, err := gzip.NewReader(bytes.NewReader(body))
					if err != nil {
						t.Fatal(err)
					}
					if body, err = io.ReadAll(zr); err != nil {
						t.Fatal(err)
					}
				}
				if !bytes.Equal(body, want) {
					t.Errorf("%s: the body (%d bytes) is not %s (%d bytes)", encoding, len(body), source, len(want))
				}
			}
		})
	}
}

func TestGraphiQLAssetsNotServed(t *testing.T) {
	srv, _ := serve(t, nil)
	for _, tt := range []struct {
		path string
		want int
	}{
		{"/graphiql/graphiql.min.js", http.StatusNotFound}, // only under its hashed name
		{"/graphiql/graphiql.min.000000000000.js", http.StatusNotFound},
		{"/graphiql/", http.StatusNotFound},
		{"/graphiql/index.html", http.StatusNotFound}, // the template
		{"/graphiql/../graphiql.go", http.StatusNotFound},
		{"/graphiql/LICENSES", http.StatusOK},
	} {
		t.Run(tt.path, func(t *testing.T) {
			res, body := get(t, srv.URL+tt.path, nil)
			if res.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.want)
			}
			if tt.want != http.StatusOK {
				return
			}
			// LICENSES keeps its name, so it is not cached for long.
			if ct, cc := res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"); ct != "text/plain; charset=utf-8" || cc != "" {
				t.Errorf("Content-Type %q, Cache-Control %q", ct, cc)
			}
			if !bytes.Contains(body, []byte("graphiql@3.")) {
				t.Errorf("LICENSES does not name graphiql")
			}
		})
	}
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/graphiql/LICENSES", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", res.StatusCode)
	}
}

// TestGraphiQLAssetsKeepNoStore: the server marks answers to requests
// that carry a key no-store before the handler writes; a file's year of
// cache does not replace that.
func TestGraphiQLAssetsKeepNoStore(t *testing.T) {
	srv, h := serve(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "" {
				w.Header().Set("Cache-Control", "no-store")
			}
			next.ServeHTTP(w, r)
		})
	})
	url := Prefix + h.bundle.hashed["graphiql.min.css"]
	for _, tt := range []struct {
		header http.Header
		want   string
	}{
		{nil, immutable},
		{http.Header{"Authorization": {"Bearer x"}}, "no-store"},
	} {
		res, _ := get(t, srv.URL+url, tt.header)
		if got := res.Header.Get("Cache-Control"); got != tt.want {
			t.Errorf("headers %v: Cache-Control %q, want %q", tt.header, got, tt.want)
		}
	}
}

func TestGraphiQLAcceptsGzip(t *testing.T) {
	for _, tt := range []struct {
		header string
		want   bool
	}{
		{"", false},
		{"identity", false},
		{"gzip", true},
		{"gzip, deflate, br, zstd", true},
		{"br;q=1.0, GZIP;q=0.5", true},
		{"gzip;q=0", false},
		{"gzip; q=0.000", false},
		{"gzip;q=0.001", true},
		{"x-gzip", false},
	} {
		if got := acceptsGzip(tt.header); got != tt.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

// TestGraphiQLCheckPage: New refuses a page that Policy would not let run.
func TestGraphiQLCheckPage(t *testing.T) {
	b, err := loadBundle()
	if err != nil {
		t.Fatal(err)
	}
	js := Prefix + b.hashed["start.js"]
	css := Prefix + b.hashed["page.css"]
	for _, tt := range []struct {
		name, page string
		ok         bool
	}{
		{"local files", `<link rel="stylesheet" href="` + css + `"><script defer src="` + js + `"></script>`, true},
		{"no script", `<link rel="stylesheet" href="` + css + `">`, false},
		{"inline script", `<script>alert(1)</script>`, false},
		{"script with a body", `<script src="` + js + `">alert(1)</script>`, false},
		{"CDN script", `<script src="https://cdn.example/react.js"></script>`, false},
		{"unknown file", `<script src="/graphiql/nope.js"></script>`, false},
		{"unhashed name", `<script src="/graphiql/start.js"></script>`, false},
		{"data: icon", `<script src="` + js + `"></script><link rel="icon" href="data:,">`, true},
		{"data: style sheet", `<script src="` + js + `"></script><link rel="stylesheet" href="data:,">`, false},
		{"CDN style sheet", `<script src="` + js + `"></script><link rel="stylesheet" href="https://fonts.example/css">`, false},
		{"style element", `<script src="` + js + `"></script><style>body{}</style>`, false},
		{"style attribute", `<script src="` + js + `"></script><div style="color:red"></div>`, false},
		{"event handler", `<script src="` + js + `"></script><body onload="go()">`, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := checkPage(tt.page, b)
			if (err == nil) != tt.ok {
				t.Errorf("checkPage = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

// TestGraphiQLAssetsFollowTheLockfile: assets/ is what gen.go makes of the
// lockfile (CI's go generate checks it byte for byte; this names what
// differs): LICENSES names every package at its locked version, the
// copies carry no source-map comment, and the style sheet loads nothing
// but data: URLs, which is all Policy's font-src and img-src add.
func TestGraphiQLAssetsFollowTheLockfile(t *testing.T) {
	raw, err := os.ReadFile("web/package-lock.json")
	if err != nil {
		t.Fatal(err)
	}
	var lock lockfile
	if err := json.Unmarshal(raw, &lock); err != nil {
		t.Fatal(err)
	}
	notice, err := embedded.ReadFile("assets/LICENSES")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"react", "react-dom", "graphiql", "graphql", "graphql-ws"} {
		pkg, ok := lock.Packages["node_modules/"+name]
		if !ok {
			t.Fatalf("the lockfile has no %s", name)
		}
		if want := "\n" + name + "@" + pkg.Version + ", license " + pkg.License + "\n"; !bytes.Contains(notice, []byte(want)) {
			t.Errorf("LICENSES lacks %q: run go generate ./internal/graphiql/...", strings.TrimSpace(want))
		}
	}
	if n := bytes.Count(notice, []byte("\n"+strings.Repeat("=", 72)+"\n")); n != len(lock.Packages)-1 {
		t.Errorf("LICENSES names %d packages, the lockfile %d", n, len(lock.Packages)-1)
	}
	entries, err := embedded.ReadDir("assets")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := embedded.ReadFile("assets/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("sourceMappingURL=")) {
			t.Errorf("%s points at a source map that is not served", e.Name())
		}
	}
	css, err := embedded.ReadFile("assets/graphiql.min.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`url\(\s*['"]?([^'")]{0,40})|@import`).FindAllSubmatch(css, -1) {
		if !bytes.HasPrefix(m[1], []byte("data:")) {
			t.Errorf("graphiql.min.css loads %q…", m[0])
		}
	}
}

// lockfile is the part of package-lock.json these tests read.
type lockfile struct {
	Packages map[string]struct {
		Version string `json:"version"`
		License string `json:"license"`
	} `json:"packages"`
}

// TestGraphiQLPolicy: connect-src lets the page open a WebSocket to its
// own host, and a Host header that is not a plain host[:port] adds
// nothing to the header.
func TestGraphiQLPolicy(t *testing.T) {
	for _, tt := range []struct {
		host, want string
	}{
		{"localhost:8080", "connect-src 'self' ws://localhost:8080 wss://localhost:8080;"},
		{"api.example.org", "connect-src 'self' ws://api.example.org wss://api.example.org;"},
		{"[::1]:8080", "connect-src 'self' ws://[::1]:8080 wss://[::1]:8080;"},
		{"10.0.0.7:80", "connect-src 'self' ws://10.0.0.7:80 wss://10.0.0.7:80;"},
		{"", "connect-src 'self';"},
		{"evil.example; script-src *", "connect-src 'self';"},
		{"a b", "connect-src 'self';"},
		{"-bad.example", "connect-src 'self';"},
		{"host:8080:1", "connect-src 'self';"},
	} {
		got := Policy(tt.host)
		if !strings.Contains(got, "; "+tt.want+" ") {
			t.Errorf("Policy(%q) = %q, want it to hold %q", tt.host, got, tt.want)
		}
		if !strings.HasPrefix(got, "default-src 'none'; script-src 'self'; ") || !strings.HasSuffix(got, "; frame-ancestors 'none'") {
			t.Errorf("Policy(%q) = %q", tt.host, got)
		}
	}
}

// TestGraphiQLStarterTabs: the page carries every starter, in order, each
// with a named operation (the tab's title); one is a subscription. That
// each runs against the schema is TestGraphiQLStartersRun in
// internal/server, through the real handler.
func TestGraphiQLStarterTabs(t *testing.T) {
	starters, err := Starters()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range starters {
		names = append(names, s.Name)
	}
	if want := []string{"DashboardCounts", "CountryProjects", "OpenOffers", "NewOffers"}; strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("starters %v, want %v", names, want)
	}
	srv, _ := serve(t, nil)
	_, page := get(t, srv.URL+"/", nil)
	m := regexp.MustCompile(`data-tabs="([^"]*)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("the page has no data-tabs")
	}
	var tabs []struct{ Query string }
	if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &tabs); err != nil {
		t.Fatalf("data-tabs: %v", err)
	}
	if len(tabs) != len(starters) {
		t.Fatalf("the page has %d tabs, want %d", len(tabs), len(starters))
	}
	for i, tab := range tabs {
		if tab.Query != starters[i].Query {
			t.Errorf("tab %d is not the starter %s:\n%s", i, starters[i].Name, tab.Query)
		}
		if !strings.HasPrefix(tab.Query, "# ") {
			t.Errorf("the starter %s does not open with a comment saying what it is", starters[i].Name)
		}
	}
	if !strings.Contains(starters[len(starters)-1].Query, "subscription NewOffers {\n  offerPosted") {
		t.Errorf("the last starter is not the offerPosted subscription")
	}
}
