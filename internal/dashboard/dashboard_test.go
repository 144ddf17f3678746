package dashboard

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, method, target string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// TestDashboardHandler checks the routes, the headers every response
// carries, content types, ETag revalidation, gzip and HEAD.
func TestDashboardHandler(t *testing.T) {
	h := Handler()
	for _, tc := range []struct {
		path, contentType string
	}{
		{"/dashboard/", "text/html; charset=utf-8"},
		{"/dashboard/api.js", "text/javascript; charset=utf-8"},
		{"/dashboard/assets/LICENSES", "text/plain; charset=utf-8"},
	} {
		w := get(t, h, http.MethodGet, tc.path, nil)
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", tc.path, w.Code)
		}
		if got := w.Header().Get("Content-Type"); got != tc.contentType {
			t.Errorf("GET %s: Content-Type %q, want %q", tc.path, got, tc.contentType)
		}
		if got := w.Header().Get("Content-Security-Policy"); got != Policy {
			t.Errorf("GET %s: CSP %q", tc.path, got)
		}
		if got := w.Header().Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options %q", tc.path, got)
		}
		if got := w.Header().Get("Cache-Control"); got != "no-cache" {
			t.Errorf("GET %s (no version): Cache-Control %q, want no-cache", tc.path, got)
		}
		etag := w.Header().Get("ETag")
		if etag == "" {
			t.Fatalf("GET %s: no ETag", tc.path)
		}
		if w2 := get(t, h, http.MethodGet, tc.path, map[string]string{"If-None-Match": etag}); w2.Code != http.StatusNotModified {
			t.Errorf("GET %s with its ETag: %d, want 304", tc.path, w2.Code)
		}
		head := get(t, h, http.MethodHead, tc.path, nil)
		if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("Content-Length") != w.Header().Get("Content-Length") {
			t.Errorf("HEAD %s: %d, %d bytes, Content-Length %q (GET's %q)", tc.path, head.Code, head.Body.Len(),
				head.Header().Get("Content-Length"), w.Header().Get("Content-Length"))
		}
		gz := get(t, h, http.MethodGet, tc.path, map[string]string{"Accept-Encoding": "gzip"})
		if gz.Header().Get("Content-Encoding") != "gzip" || gz.Header().Get("ETag") == etag {
			t.Errorf("GET %s gzipped: Content-Encoding %q, ETag %q (plain %q)", tc.path, gz.Header().Get("Content-Encoding"), gz.Header().Get("ETag"), etag)
		}
		zr, err := gzip.NewReader(gz.Body)
		if err != nil {
			t.Fatalf("GET %s gzipped: %v", tc.path, err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil || string(plain) != w.Body.String() {
			t.Errorf("GET %s gzipped does not inflate to the plain body (%v)", tc.path, err)
		}
	}

	for _, p := range []string{
		"/dashboard/nope.js", "/dashboard/index.html", "/dashboard/assets/", "/dashboard/assets/nope.js",
		"/dashboard/assets/../api.js", "/dashboard/page/api.js", "/dashboard/country/egypt", "/dashboard/country/",
		"/dashboard/region/africa", "/dashboard/country/EG/x", "/graphql", "/dashboard/x",
	} {
		if w := get(t, h, http.MethodGet, p, nil); w.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, w.Code)
		} else if w.Header().Get("Content-Security-Policy") != Policy {
			t.Errorf("GET %s: 404 without the CSP", p)
		}
	}
	if w := get(t, h, http.MethodPost, "/dashboard/", nil); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /dashboard/: %d, want 405", w.Code)
	}
}

// TestDashboardVersionedRefs checks that the page names its files with
// their hash, and that a request with that hash may be cached for a year
// while one with another hash must be revalidated.
func TestDashboardVersionedRefs(t *testing.T) {
	h := Handler()
	page := get(t, h, http.MethodGet, "/dashboard/", nil).Body.String()
	refs := regexp.MustCompile(`(?:src|href)="(/dashboard/[^"]+)"`).FindAllStringSubmatch(page, -1)
	for _, m := range refs {
		ref := m[1]
		if !strings.Contains(ref, "?v=") {
			t.Errorf("the page loads %s without its hash", ref)
			continue
		}
		w := get(t, h, http.MethodGet, ref, nil)
		if w.Code != http.StatusOK || w.Header().Get("Cache-Control") != immutable {
			t.Errorf("GET %s: %d, Cache-Control %q", ref, w.Code, w.Header().Get("Cache-Control"))
		}
		stale := ref[:strings.Index(ref, "?v=")] + "?v=0000"
		if w := get(t, h, http.MethodGet, stale, nil); w.Header().Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q, want no-cache", stale, w.Header().Get("Cache-Control"))
		}
	}
	if regexp.MustCompile(`<script\b[^>]*>\s*[^<\s]|\sstyle=|\son[a-z]+=|<style\b`).MatchString(page) {
		t.Errorf("the page has an inline script, style or event handler, which its CSP blocks")
	}
}

// TestDashboardReportRoutes checks that the report paths serve
// report.html when it is embedded.
func TestDashboardReportRoutes(t *testing.T) {
	s, err := loadSite()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.files["report.html"]; !ok {
		t.Skip("page/report.html is not embedded yet")
	}
	for _, p := range []string{"/dashboard/country/EG", "/dashboard/region/AFRICA", "/dashboard/region/LATIN_AMERICA_CARIBBEAN"} {
		w := get(t, s, http.MethodGet, p+"?from=2015", nil)
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("GET %s: %d %q", p, w.Code, w.Header().Get("Content-Type"))
		}
	}
}
