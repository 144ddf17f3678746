// Package graphiql serves GraphiQL from the binary: its page, and the
// React, ReactDOM and GraphiQL builds it loads, under Prefix. Nothing
// comes from a CDN, so the page works on an intranet or offline.
//
// assets/ holds the npm packages' files, copied by gen.go from the
// packages web/package-lock.json pins (go generate ./internal/graphiql/...);
// page/ holds the page, its start-up script and its style sheet, which are
// sscgraph's own; starters/ the requests the page opens with, a tab for
// each kind of user (Starters). Subscriptions run over the endpoint's
// WebSocket (graphql-transport-ws), with the client GraphiQL's bundle
// carries. Each file is served under a name holding its content's
// hash, so that browsers may keep it for a year: a new build that changes
// a file changes its name, and the page names the new one.
package graphiql

//go:generate go run gen.go

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Prefix is the path the files are served under; Handler.Assets expects
// requests for it.
const Prefix = "/graphiql/"

// Policy returns the page's Content-Security-Policy for a request to
// host (its Host header). The page runs with the key a user pastes into
// it, so it may load only this origin's scripts, style sheets, images and
// fonts, send requests only to this origin (the GraphQL endpoint, and its
// WebSocket for subscriptions), and may not be framed (clickjacking). The
// page has no inline script: 'self' is all script-src needs.
//
// connect-src names ws:// and wss:// of host besides 'self': CSP Level 3
// lets 'self' cover the WebSocket of the same host, but browsers that
// predate it (Safari before 15.4) would block the subscriptions. A host
// that is not a plain host[:port] is left out rather than written into
// the header; 'self' still serves current browsers then.
//
// Styles may be inline ('unsafe-inline'): GraphiQL's components add style
// elements as they open dialogs (react-remove-scroll); inline CSS cannot
// run code, and the page shows no content that an attacker writes. Fonts
// and a few images are data: URLs inside graphiql.min.css.
func Policy(host string) string {
	connect := "'self'"
	if plainHost.MatchString(host) {
		connect += " ws://" + host + " wss://" + host
	}
	return "default-src 'none'; " +
		"script-src 'self'; " +
		"style-src 'self' 'unsafe-inline'; " +
		"img-src 'self' data:; " +
		"font-src 'self' data:; " +
		"connect-src " + connect + "; " +
		"base-uri 'none'; " +
		"form-action 'none'; " +
		"frame-ancestors 'none'"
}

// plainHost is a host name, IPv4 or bracketed IPv6 address, with an
// optional port: nothing that could end a CSP directive or source.
var plainHost = regexp.MustCompile(`^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?$`)

//go:embed assets page starters
var embedded embed.FS

// immutable is the Cache-Control of a file whose name holds its hash.
const immutable = "public, max-age=31536000, immutable"

// asset is one file served under Prefix.
type asset struct {
	contentType string
	body        []byte
	// hashed is whether the name holds the content's hash (everything
	// but LICENSES, whose name people may link to).
	hashed bool
	// gzipped compresses body on first use: graphiql.min.js shrinks from
	// about 1 MB to a third, and tests that never load it pay nothing.
	gzipped func() []byte
}

// bundle is the files, by the name they are served under, and the hashed
// name of each file by its name in the source tree.
type bundle struct {
	byURL  map[string]*asset
	hashed map[string]string
}

// loadBundle reads the embedded files once per process: they are the same
// for every Handler.
var loadBundle = sync.OnceValues(func() (*bundle, error) {
	b := &bundle{byURL: map[string]*asset{}, hashed: map[string]string{}}
	for _, dir := range []string{"assets", "page"} {
		entries, err := embedded.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("reading embedded %s: %w", dir, err)
		}
		for _, e := range entries {
			name := e.Name()
			if name == "index.html" { // the page itself, rendered by New
				continue
			}
			body, err := fs.ReadFile(embedded, path.Join(dir, name))
			if err != nil {
				return nil, fmt.Errorf("reading embedded %s: %w", name, err)
			}
			ext := path.Ext(name)
			a := &asset{body: body, gzipped: sync.OnceValue(func() []byte { return gzipBytes(body) })}
			switch ext {
			case ".js":
				a.contentType = "text/javascript; charset=utf-8"
			case ".css":
				a.contentType = "text/css; charset=utf-8"
			case "":
				a.contentType = "text/plain; charset=utf-8"
			default:
				return nil, fmt.Errorf("embedded file %s/%s: no content type for %q", dir, name, ext)
			}
			served := name
			if ext != "" {
				sum := sha256.Sum256(body)
				served = strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
				a.hashed = true
			}
			if _, dup := b.hashed[name]; dup {
				return nil, fmt.Errorf("embedded file %s is both in assets and in page", name)
			}
			b.hashed[name] = served
			b.byURL[served] = a
		}
	}
	return b, nil
})

func gzipBytes(b []byte) []byte {
	var out bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&out, gzip.BestCompression) // the level is valid
	_, _ = zw.Write(b)                                       // writes to a bytes.Buffer do not fail
	_ = zw.Close()
	return out.Bytes()
}

// Handler serves the page and its files.
type Handler struct {
	page   []byte
	bundle *bundle
}

// New renders the page, titled title, for the GraphQL endpoint at the
// path endpoint (which also serves subscriptions over WebSocket), with
// the starter tabs (Starters), and checks that Policy lets it run: every script and
// style sheet it loads is one of the files served under Prefix, and it
// has no inline script, style or event handler, which Policy would block.
func New(title, endpoint string) (*Handler, error) {
	b, err := loadBundle()
	if err != nil {
		return nil, err
	}
	tmpl, err := template.New("index.html").Funcs(template.FuncMap{
		"asset": func(name string) (string, error) {
			served, ok := b.hashed[name]
			if !ok {
				return "", fmt.Errorf("the page loads %s, which is not embedded", name)
			}
			return Prefix + served, nil
		},
	}).ParseFS(embedded, "page/index.html")
	if err != nil {
		return nil, fmt.Errorf("parsing the GraphiQL page: %w", err)
	}
	starters, err := Starters()
	if err != nil {
		return nil, err
	}
	tabs, err := json.Marshal(starters)
	if err != nil {
		return nil, fmt.Errorf("encoding the starter queries: %w", err)
	}
	var page bytes.Buffer
	if err := tmpl.Execute(&page, struct{ Title, Endpoint, Tabs string }{title, endpoint, string(tabs)}); err != nil {
		return nil, fmt.Errorf("rendering the GraphiQL page: %w", err)
	}
	if err := checkPage(page.String(), b); err != nil {
		return nil, fmt.Errorf("the GraphiQL page does not fit its Content-Security-Policy: %w", err)
	}
	return &Handler{page: page.Bytes(), bundle: b}, nil
}

var (
	scriptElement = regexp.MustCompile(`(?s)<script\b([^>]*)>(.*?)</script>`)
	anyScript     = regexp.MustCompile(`<script\b`)
	linkElement   = regexp.MustCompile(`<link\b[^>]*>`)
	srcAttr       = regexp.MustCompile(`\bsrc="([^"]*)"`)
	hrefAttr      = regexp.MustCompile(`\bhref="([^"]*)"`)
	inlineStyle   = regexp.MustCompile(`<style\b|\sstyle=`)
	eventHandler  = regexp.MustCompile(`\son[a-z]+=`)
)

// checkPage fails when doc loads anything but the bundle's files or has
// inline code: the page is sscgraph's own template, and an edit that
// breaks the policy should stop the server at start rather than show a
// blank page.
func checkPage(doc string, b *bundle) error {
	local := func(url string) error {
		if _, ok := b.byURL[strings.TrimPrefix(url, Prefix)]; !ok || !strings.HasPrefix(url, Prefix) {
			return fmt.Errorf("it loads %q, which is not a file under %s", url, Prefix)
		}
		return nil
	}
	scripts := scriptElement.FindAllStringSubmatch(doc, -1)
	if n := len(anyScript.FindAllString(doc, -1)); n != len(scripts) || n == 0 {
		return fmt.Errorf("it has %d script elements, %d of them understood", n, len(scripts))
	}
	for _, s := range scripts {
		m := srcAttr.FindStringSubmatch(s[1])
		if m == nil || strings.TrimSpace(s[2]) != "" {
			return fmt.Errorf("it has an inline script")
		}
		if err := local(m[1]); err != nil {
			return err
		}
	}
	for _, l := range linkElement.FindAllString(doc, -1) {
		m := hrefAttr.FindStringSubmatch(l)
		if m == nil {
			return fmt.Errorf("it has a link without href: %s", l)
		}
		// An empty data: icon keeps the browser from asking for
		// /favicon.ico; img-src allows data:, style-src does not.
		if m[1] == "data:," && !strings.Contains(l, `rel="stylesheet"`) {
			continue
		}
		if err := local(m[1]); err != nil {
			return err
		}
	}
	if inlineStyle.MatchString(doc) || eventHandler.MatchString(doc) {
		return fmt.Errorf("it has an inline style or event handler")
	}
	return nil
}

// ServeHTTP serves the page, confined by Policy. It may not be framed
// (X-Frame-Options for browsers that predate frame-ancestors) nor leak its
// address in a Referer.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", Policy(r.Host))
	hdr.Set("X-Frame-Options", "DENY")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Content-Length", strconv.Itoa(len(h.page)))
	if r.Method != http.MethodHead {
		_, _ = w.Write(h.page)
	}
}

// Assets serves the page's files at Prefix + their hashed names, with
// their content type, gzipped for clients that accept it. A hashed file
// may be cached for a year unless the response is already marked (the
// server's no-store on requests that carry a key stays).
func (h *Handler) Assets() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := h.bundle.byURL[strings.TrimPrefix(r.URL.Path, Prefix)]
		if !ok || !strings.HasPrefix(r.URL.Path, Prefix) {
			http.NotFound(w, r)
			return
		}
		hdr := w.Header()
		hdr.Set("Content-Type", a.contentType)
		if a.hashed && hdr.Get("Cache-Control") == "" {
			hdr.Set("Cache-Control", immutable)
		}
		hdr.Add("Vary", "Accept-Encoding")
		body := a.body
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			body = a.gzipped()
			hdr.Set("Content-Encoding", "gzip")
		}
		hdr.Set("Content-Length", strconv.Itoa(len(body)))
		if r.Method != http.MethodHead {
			_, _ = w.Write(body)
		}
	})
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
