// Package dashboard serves the dashboard under Prefix: a map, charts and
// country and region reports drawn in the browser from the public GraphQL
// API alone. Everything it serves is embedded in the binary, so the page
// works offline and asks no other host for anything.
//
// page/ holds sscgraph's own files (the HTML pages, their modules and
// style sheets); assets/ holds the vendored libraries (d3, topojson-client)
// and the Natural Earth country shapes, copied by gen.go from the npm
// packages web/package-lock.json pins (go generate ./internal/dashboard/...).
//
// Caching: the HTML pages name each script, style sheet and asset they
// load with ?v=<its content hash>, added here when the page is loaded, so
// a file asked for with its current hash may be kept for a year; every
// other response carries an ETag and must be revalidated (no-cache), which
// costs a 304 once a browser holds it. ES modules that import each other
// by plain name (./api.js) are in the second case.
package dashboard

//go:generate go run gen.go

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Prefix is the path the dashboard is served under.
const Prefix = "/dashboard/"

// Policy is the Content-Security-Policy of every response: the page may
// load scripts, style sheets and images from this origin only (images also
// as data: URLs), send requests to this origin only (the GraphQL endpoint
// and the exports), has no inline script or style attribute, and may not be
// framed. d3 sets styles through the CSSOM (element.style), which
// style-src does not govern, so 'unsafe-inline' is not needed.
const Policy = "default-src 'none'; " +
	"script-src 'self'; " +
	"style-src 'self'; " +
	"img-src 'self' data:; " +
	"connect-src 'self'; " +
	"base-uri 'none'; " +
	"form-action 'none'; " +
	"frame-ancestors 'none'"

//go:embed assets page
var embedded embed.FS

const (
	// immutable is the Cache-Control of a file asked for with its hash.
	immutable = "public, max-age=31536000, immutable"
	// revalidate is the Cache-Control of everything else: kept, but
	// checked against its ETag before each use.
	revalidate = "no-cache"
)

// file is one embedded file as served.
type file struct {
	contentType string
	body        []byte
	etag        string // quoted
	hash        string // the ?v= that marks a request for this content
	// gzipped compresses body on first use: d3.min.js shrinks to a third.
	gzipped func() []byte
}

// site is every file, by its path under Prefix ("index.html",
// "dashboard.js", "assets/d3.min.js").
type site struct {
	files map[string]*file
}

var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".json": "application/json",
	"":      "text/plain; charset=utf-8", // LICENSES
}

// loadSite reads the embedded files once per process and versions the
// references of the HTML pages.
var loadSite = sync.OnceValues(func() (*site, error) {
	s := &site{files: map[string]*file{}}
	var pages []string
	for _, dir := range []string{"page", "assets"} {
		entries, err := embedded.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("reading embedded %s: %w", dir, err)
		}
		for _, e := range entries {
			name := e.Name()
			body, err := fs.ReadFile(embedded, path.Join(dir, name))
			if err != nil {
				return nil, fmt.Errorf("reading embedded %s/%s: %w", dir, name, err)
			}
			ct, ok := contentTypes[path.Ext(name)]
			if !ok {
				return nil, fmt.Errorf("embedded file %s/%s: no content type for %q", dir, name, path.Ext(name))
			}
			key := name
			if dir == "assets" {
				key = "assets/" + name
			}
			s.files[key] = newFile(ct, body)
			if path.Ext(name) == ".html" {
				pages = append(pages, key)
			}
		}
	}
	// The pages last: they name the other files' hashes.
	for _, p := range pages {
		f := s.files[p]
		body, err := s.version(f.body)
		if err != nil {
			return nil, fmt.Errorf("page/%s: %w", p, err)
		}
		s.files[p] = newFile(f.contentType, body)
	}
	return s, nil
})

func newFile(contentType string, body []byte) *file {
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:8])
	return &file{
		contentType: contentType,
		body:        body,
		etag:        `"` + hash + `"`,
		hash:        hash,
		gzipped:     sync.OnceValue(func() []byte { return gzipBytes(body) }),
	}
}

// localRef is a src or href attribute naming a file under Prefix.
var localRef = regexp.MustCompile(`\b(src|href)="` + regexp.QuoteMeta(Prefix) + `([^"?#]+)"`)

// version appends ?v=<hash> to every src and href of page that names an
// embedded file, and fails on one that names a file not embedded: a page
// that loads a missing file would show a half-drawn dashboard.
func (s *site) version(page []byte) ([]byte, error) {
	var missing []string
	out := localRef.ReplaceAllFunc(page, func(m []byte) []byte {
		sub := localRef.FindSubmatch(m)
		name := string(sub[2])
		f, ok := s.files[name]
		if !ok || strings.HasSuffix(name, ".html") {
			missing = append(missing, name)
			return m
		}
		return []byte(fmt.Sprintf(`%s="%s%s?v=%s"`, sub[1], Prefix, name, f.hash))
	})
	if len(missing) > 0 {
		return nil, fmt.Errorf("it loads %s, not embedded files", strings.Join(missing, ", "))
	}
	return out, nil
}

func gzipBytes(b []byte) []byte {
	var out bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&out, gzip.BestCompression) // the level is valid
	_, _ = zw.Write(b)                                       // writes to a bytes.Buffer do not fail
	_ = zw.Close()
	return out.Bytes()
}

var (
	// countryCode and regionCode are the report paths' codes: ISO 3166-1
	// alpha-2, and the bureaus' codes (AFRICA, ASIA_PACIFIC).
	countryCode = regexp.MustCompile(`^[A-Z]{2}$`)
	regionCode  = regexp.MustCompile(`^[A-Z][A-Z_]{0,31}$`)
	// pageFile is a page module or style sheet, served at Prefix + name.
	pageFile = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*\.(js|css)$`)
)

// Handler serves the dashboard's pages and files at Prefix: GET or HEAD
// of Prefix (the dashboard), Prefix+"country/{code}" and
// Prefix+"region/{code}" (the report page, which reads its code from its
// address), Prefix+"{name}.js|.css" and Prefix+"assets/{name}"; 404 for
// anything else. It panics if the embedded files are inconsistent, which
// a test of this package catches before any build ships.
func Handler() http.Handler {
	s, err := loadSite()
	if err != nil {
		panic(fmt.Sprintf("dashboard: %v", err))
	}
	return s
}

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", Policy)
	hdr.Set("X-Content-Type-Options", "nosniff")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name, ok := s.route(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	f := s.files[name]
	if strings.HasSuffix(name, ".html") {
		// Pages only: X-Frame-Options for browsers that predate
		// frame-ancestors; no Referer carrying the filters elsewhere.
		hdr.Set("X-Frame-Options", "DENY")
		hdr.Set("Referrer-Policy", "no-referrer")
	}
	hdr.Set("Content-Type", f.contentType)
	if hdr.Get("Cache-Control") == "" { // the server's no-store on keyed requests stays
		if r.URL.Query().Get("v") == f.hash {
			hdr.Set("Cache-Control", immutable)
		} else {
			hdr.Set("Cache-Control", revalidate)
		}
	}
	hdr.Add("Vary", "Accept-Encoding")
	body, etag := f.body, f.etag
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body = f.gzipped()
		hdr.Set("Content-Encoding", "gzip")
		// A representation of its own: another ETag, so that a cache
		// never answers a request without gzip with the gzipped body.
		etag = strings.TrimSuffix(f.etag, `"`) + `-gz"`
	}
	hdr.Set("ETag", etag)
	// ServeContent answers If-None-Match with 304, HEAD without a body,
	// and sets Content-Length.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// route maps a path to the embedded file it serves.
func (s *site) route(p string) (string, bool) {
	rest, ok := strings.CutPrefix(p, Prefix)
	if !ok {
		return "", false
	}
	switch {
	case rest == "":
		return "index.html", true
	case strings.HasPrefix(rest, "country/"):
		return s.report(countryCode, strings.TrimPrefix(rest, "country/"))
	case strings.HasPrefix(rest, "region/"):
		return s.report(regionCode, strings.TrimPrefix(rest, "region/"))
	case strings.HasPrefix(rest, "assets/"):
		name := strings.TrimPrefix(rest, "assets/")
		if name == "" || strings.Contains(name, "/") {
			return "", false
		}
		_, ok := s.files[rest]
		return rest, ok
	case pageFile.MatchString(rest):
		_, ok := s.files[rest]
		return rest, ok
	}
	return "", false
}

// report serves report.html for a well-formed code; the page itself says
// when the API knows no such country or region.
func (s *site) report(code *regexp.Regexp, c string) (string, bool) {
	if !code.MatchString(c) {
		return "", false
	}
	_, ok := s.files["report.html"]
	return "report.html", ok
}

// acceptsGzip reads an Accept-Encoding header: gzip is listed, without
// q=0.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q := strings.ReplaceAll(params, " ", "")
		return !strings.HasPrefix(q, "q=0") || strings.HasPrefix(q, "q=0.") && strings.Trim(q[4:], "0") != ""
	}
	return false
}
