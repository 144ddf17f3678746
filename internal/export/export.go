// Package export serves whole connections as files for data journalists:
// GET /export/{type}.csv, .json and .ndjson, and /export/countries.geojson.
//
// An export is a series of GraphQL page queries run through the API's own
// handler, in the export request's context: keys, roles, private fields,
// the checks and prices of every query, the rate limit, error codes and
// request IDs apply to it unchanged, because it is nothing but queries.
// Each page is written and flushed as it arrives, so memory stays at about
// a page whatever the size of the export, and the first rows reach the
// client before the last are read.
package export

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"sscgraph/graph"
	"sscgraph/internal/apierr"
	"sscgraph/internal/database"
	"sscgraph/internal/lang"
	"sscgraph/internal/personal"
	"sscgraph/internal/reqctx"
	"sscgraph/internal/viewer"
)

// Options tune exports; zero values take the defaults.
type Options struct {
	// PageSize is the rows of one page query, at most 1,000 (the API's
	// largest page). Tests make it small to export many pages.
	PageSize int
	// MaxCost is the API's cost limit per request (0: none). Page sizes
	// shrink so that a page of the widest export, whose nested edges are
	// priced per row, stays within three quarters of it, leaving the rest
	// to the client's filter.
	MaxCost int
	// PageTimeout bounds each page query, as the API's timeout bounds a
	// request.
	PageTimeout time.Duration
	// Timeout bounds a whole export, which may run past the per-request
	// timeout: 100,000 rows are 100 page queries.
	Timeout time.Duration
	// WriteTimeout bounds each write to the client, so that a client that
	// stops reading does not hold the export open until Timeout.
	WriteTimeout time.Duration
}

// Defaults. Pages of 250 rows keep an export's memory within 50 MB of the
// process's under serve's GOGC=400 (pages of 1,000 took 62–83 MB) at the
// same rows per second (BenchmarkExportCSV).
const (
	DefaultPageSize     = 250
	DefaultTimeout      = 10 * time.Minute
	DefaultWriteTimeout = 30 * time.Second
)

// Handler serves /export/.
type Handler struct {
	gql    http.Handler
	schema *ast.Schema
	db     *database.DB
	opts   Options
	logger *slog.Logger
}

// New returns the export handler. gql is the API's GraphQL handler (the
// gqlgen server, inside the HTTP middleware): the middleware's request
// info, authentication and rate limit must wrap the Handler itself.
func New(gql http.Handler, db *database.DB, opts Options, logger *slog.Logger) *Handler {
	if opts.PageSize <= 0 || opts.PageSize > DefaultPageSize {
		opts.PageSize = DefaultPageSize
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = DefaultWriteTimeout
	}
	return &Handler{gql: gql, schema: graph.NewSchema(nil).Schema(), db: db, opts: opts, logger: logger}
}

// request is a parsed export request.
type request struct {
	spec     *spec
	format   string
	where    json.RawMessage
	orderBy  json.RawMessage
	lang     string // the Language of localized columns (names)
	readsAll bool   // the key reads personal data (internal/personal)
	headOnly bool   // HEAD: the headers of the first page are the answer
	// rows is the page size once a page was refused for its cost: the
	// filter's price (the rows it reads) left less room than pageSize
	// assumes.
	rows int
}

// formats are the file types, by extension.
var formats = map[string]string{
	"csv":    "text/csv; charset=utf-8",
	"json":   "application/json",
	"ndjson": "application/x-ndjson",
}

// ServeHTTP serves one export.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeErrors(w, http.StatusMethodNotAllowed, badRequest(apierr.BadRequest, "method %s is not allowed: exports are read with GET", r.Method))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.opts.Timeout)
	defer cancel()
	name := strings.TrimPrefix(r.URL.Path, "/export/")
	if name == "countries.geojson" {
		h.serveGeoJSON(ctx, w, r)
		return
	}
	req, bad := h.parse(r, name)
	if bad != nil {
		writeErrors(w, bad.status, bad.errors)
		return
	}
	req.readsAll = personal.ReadsAll(viewer.From(ctx))
	req.headOnly = r.Method == http.MethodHead
	h.stream(ctx, w, req)
}

// parse reads the type, format and parameters of an export; every
// mistake is named.
func (h *Handler) parse(r *http.Request, name string) (*request, *failure) {
	typ, ext, ok := strings.Cut(name, ".")
	sp := specs[typ]
	if !ok || sp == nil {
		return nil, &failure{status: http.StatusNotFound, errors: badRequest(apierr.BadUserInput,
			"no export at /export/%s: exports are /export/{type}.csv, .json or .ndjson, with type one of %s, and /export/countries.geojson", name, typeNames())}
	}
	if _, ok := formats[ext]; !ok {
		return nil, &failure{status: http.StatusNotFound, errors: badRequest(apierr.BadUserInput,
			"no export format %q: use csv, json or ndjson (geojson for countries only)", ext)}
	}
	req := &request{spec: sp, format: ext}
	params, err := parseParams(r, "where", "orderBy", "lang")
	if err != nil {
		return nil, err
	}
	if req.lang, err = langParam(params); err != nil {
		return nil, err
	}
	if v, ok := params["where"]; ok {
		if f := jsonParam("where", v, '{', "an object, the "+sp.node+"WhereInput of the GraphQL argument"); f != nil {
			return nil, f
		}
		if f := h.checkFilter(sp.node+"WhereInput", v); f != nil {
			return nil, f
		}
		req.where = json.RawMessage(v)
	}
	if v, ok := params["orderBy"]; ok {
		if f := jsonParam("orderBy", v, '[', "a list of {\"field\": …, \"direction\": \"ASC\" or \"DESC\"}, as the GraphQL argument"); f != nil {
			return nil, f
		}
		req.orderBy = json.RawMessage(v)
	}
	return req, nil
}

// checkFilter checks what the API would mistake for an internal error
// in a where parameter (see checkTimes).
func (h *Handler) checkFilter(typeName, where string) *failure {
	var v any
	if err := json.Unmarshal([]byte(where), &v); err != nil {
		return refused(apierr.BadUserInput, "parameter \"where\" is not JSON: %v", err)
	}
	if err := checkTimes(h.schema, typeName, v, nil); err != nil {
		return refused(apierr.BadUserInput, "parameter \"where\", %v", err)
	}
	return nil
}

// parseParams returns the URL's parameters, refusing any but allowed and
// any given twice: a misspelt filter must not export everything.
func parseParams(r *http.Request, allowed ...string) (map[string]string, *failure) {
	q, err := urlQuery(r)
	if err != nil {
		return nil, refused(apierr.BadRequest, "the URL's query string is malformed: %v", err)
	}
	out := map[string]string{}
	for k, vs := range q {
		known := false
		for _, a := range allowed {
			known = known || k == a
		}
		if !known {
			return nil, refused(apierr.BadUserInput,
				"unknown parameter %q: this export takes %s", k, strings.Join(allowed, " and "))
		}
		if len(vs) != 1 {
			return nil, refused(apierr.BadUserInput, "parameter %q is given %d times: give it once", k, len(vs))
		}
		out[k] = vs[0]
	}
	return out, nil
}

// langParam reads the lang parameter: one of the six UN languages, by
// enum value or ISO 639-1 code in either case; English when absent.
func langParam(params map[string]string) (string, *failure) {
	v, ok := params["lang"]
	if !ok {
		return string(lang.EN), nil
	}
	l, err := lang.Parse(v)
	if err != nil {
		return "", refused(apierr.BadUserInput, "parameter \"lang\": %v", err)
	}
	return string(l), nil
}

// jsonParam checks that a parameter is JSON whose value starts with open
// ('{' an object, '[' a list or, as GraphQL coerces, one object).
func jsonParam(name, v string, open byte, want string) *failure {
	var probe any
	if err := json.Unmarshal([]byte(v), &probe); err != nil {
		return refused(apierr.BadUserInput, "parameter %q is not JSON (%v): want %s", name, err, want)
	}
	switch probe.(type) {
	case map[string]any:
		return nil
	case []any:
		if open == '[' {
			return nil
		}
	}
	return refused(apierr.BadUserInput, "parameter %q: want %s", name, want)
}

// pageSize is the rows of one page query of sp.
func (h *Handler) pageSize(sp *spec) int {
	n := h.opts.PageSize
	if h.opts.MaxCost > 0 {
		n = min(n, max(1, h.opts.MaxCost*3/4/sp.rowWeight()))
	}
	return n
}

// page is one page of a connection.
type page struct {
	Edges []struct {
		Node map[string]any `json:"node"`
	} `json:"edges"`
	PageInfo struct {
		HasNextPage bool    `json:"hasNextPage"`
		EndCursor   *string `json:"endCursor"`
	} `json:"pageInfo"`
}

// fetch runs the page query after cursor and returns its rows, their
// flattened edges complete.
func (h *Handler) fetch(ctx context.Context, req *request, after *string) (*answer, *page, error) {
	first := h.pageSize(req.spec)
	if req.rows > 0 {
		first = req.rows
	}
	vars := map[string]any{"first": first}
	if after != nil {
		vars["after"] = *after
	}
	if req.where != nil {
		vars["where"] = req.where
	}
	if req.orderBy != nil {
		vars["orderBy"] = req.orderBy
	}
	if req.spec.localized(req.readsAll) {
		vars["lang"] = req.lang
	}
	ans, err := h.run(ctx, req.spec.pageQuery(req.readsAll), vars)
	if smaller := fitCost(err, first, req.spec.rowWeight()); smaller > 0 {
		// The filter costs what it reads whatever the page: the
		// pages shrink to leave it room, once.
		req.rows = smaller
		vars["first"] = smaller
		ans, err = h.run(ctx, req.spec.pageQuery(req.readsAll), vars)
	}
	if err != nil {
		return nil, nil, err
	}
	var p page
	if err := decode(ans.data[req.spec.connection], &p); err != nil {
		return nil, nil, fmt.Errorf("decoding a page of %s: %w", req.spec.connection, err)
	}
	for _, e := range p.Edges {
		if err := h.complete(ctx, req.spec, e.Node); err != nil {
			return nil, nil, err
		}
	}
	return ans, &p, nil
}

// fitCost returns the page size that fits the cost limit when err refused
// a page of first rows of weight each for its cost, or 0 when a smaller
// page cannot help (the filter alone is over the limit) or err is another
// error.
func fitCost(err error, first, weight int) int {
	var f *failure
	if !errors.As(err, &f) || len(f.errors) == 0 || f.errors[0].code() != apierr.LimitExceeded || f.errors[0].Extensions["limit"] != "cost" {
		return 0
	}
	actual, _ := f.errors[0].Extensions["actual"].(float64)
	maximum, _ := f.errors[0].Extensions["maximum"].(float64)
	fixed := int(actual) - first*weight    // what the page's size does not change
	room := (int(maximum) - fixed) * 3 / 4 // leave a quarter, as pageSize does
	if room < weight {
		return 0
	}
	return min(room/weight, first-1)
}

// complete replaces each flattened edge of node by the sorted values of
// all its nodes, fetching the pages beyond the first.
func (h *Handler) complete(ctx context.Context, sp *spec, node map[string]any) error {
	for _, e := range sp.edges {
		// Never nil: a node without any (no organizers, no provider
		// countries) is an empty JSON list, not null.
		vals := []string{}
		conn, _ := node[e.name].(map[string]any)
		for conn != nil {
			vals = append(vals, edgeValues(conn, e.field)...)
			info, _ := conn["pageInfo"].(map[string]any)
			more, _ := info["hasNextPage"].(bool)
			cursor, _ := info["endCursor"].(string)
			if !more || cursor == "" {
				break
			}
			ans, err := h.run(ctx, sp.edgeQuery(e), map[string]any{"id": node["id"], "after": cursor})
			if err != nil {
				return err
			}
			var rest struct {
				Node map[string]any `json:"node"`
			}
			if err := decode(ans.data["node"], &rest.Node); err != nil {
				return fmt.Errorf("decoding the rest of %s.%s: %w", sp.node, e.name, err)
			}
			conn, _ = rest.Node[e.name].(map[string]any)
		}
		sortValues(vals)
		node[e.name] = vals
	}
	return nil
}

// edgeValues returns field of each node of a connection's page.
func edgeValues(conn map[string]any, field string) []string {
	edges, _ := conn["edges"].([]any)
	out := make([]string, 0, len(edges))
	for _, e := range edges {
		n, _ := e.(map[string]any)["node"].(map[string]any)
		if s := text(n[field]); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// decode reads JSON keeping numbers as written: a budget or a score is
// exported exactly as the API answered it.
func decode(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return errors.New("missing from the answer")
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	return d.Decode(v)
}

// stream answers an export: the first page before any header, so that a
// bad filter, a key without rights or an empty bucket are answered as
// errors with their status; then each page as it arrives.
func (h *Handler) stream(ctx context.Context, w http.ResponseWriter, req *request) {
	ans, p, err := h.fetch(ctx, req, nil)
	if err != nil {
		h.refuse(ctx, w, err)
		return
	}
	hdr := w.Header()
	for _, k := range []string{"X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset", "X-Ratelimit-Used"} {
		if v := ans.header.Get(k); v != "" {
			hdr.Set(k, v)
		}
	}
	hdr.Set("Content-Type", formats[req.format])
	hdr.Set("Content-Disposition", `attachment; filename="`+req.spec.connection+"."+req.format+`"`)
	if req.headOnly {
		w.WriteHeader(http.StatusOK)
		return
	}
	out := newTimedWriter(w, h.opts.WriteTimeout)
	enc := newEncoder(req.format, out, headed(req.spec.visibleColumns(req.readsAll), req.lang))
	rows := 0
	for {
		for _, e := range p.Edges {
			if err := enc.row(e.Node); err != nil {
				h.logFailure(ctx, "writing an export (the client went away?)", req, rows, err)
				return
			}
			rows++
		}
		if err := out.flush(); err != nil {
			h.logFailure(ctx, "writing an export", req, rows, err)
			return
		}
		if !p.PageInfo.HasNextPage || p.PageInfo.EndCursor == nil {
			break
		}
		if _, p, err = h.fetch(ctx, req, p.PageInfo.EndCursor); err != nil {
			h.logFailure(ctx, "export ended early", req, rows, err)
			_ = enc.fail(endError(ctx, err))
			_ = out.flush()
			return
		}
	}
	if err := enc.end(); err != nil {
		h.logFailure(ctx, "writing an export", req, rows, err)
		return
	}
	_ = out.flush()
	h.logger.InfoContext(ctx, "export", "request_id", requestID(ctx), "type", req.spec.connection, "format", req.format, "rows", rows)
}

// refuse answers an export that failed before its first row.
func (h *Handler) refuse(ctx context.Context, w http.ResponseWriter, err error) {
	var f *failure
	if !errors.As(err, &f) {
		h.logger.ErrorContext(ctx, "export failed", "request_id", requestID(ctx), "err", err)
		f = &failure{status: apierr.Status(apierr.Internal), errors: internalError(ctx)}
	}
	if v := f.header.Get("Retry-After"); v != "" {
		w.Header().Set("Retry-After", v)
	}
	if v := f.header.Get("WWW-Authenticate"); v != "" {
		w.Header().Set("WWW-Authenticate", v)
	}
	writeErrors(w, statusOf(f), forClient(f.errors))
}

func (h *Handler) logFailure(ctx context.Context, msg string, req *request, rows int, err error) {
	h.logger.ErrorContext(ctx, msg, "request_id", requestID(ctx), "type", req.spec.connection, "format", req.format, "rows", rows, "err", err)
}

// endError is what the client reads at the end of an export cut short:
// the API's error, or an internal error naming the request.
func endError(ctx context.Context, err error) apiError {
	var f *failure
	if errors.As(err, &f) {
		return forClient(f.errors)[0]
	}
	if ctx.Err() != nil {
		return apiError{Message: "the export ran out of time", Extensions: map[string]any{"code": string(apierr.Timeout)}}
	}
	return internalError(ctx)[0]
}

func internalError(ctx context.Context) []apiError {
	id := requestID(ctx)
	return []apiError{{Message: "internal server error; quote request " + id + " when reporting it",
		Extensions: map[string]any{"code": string(apierr.Internal), "requestId": id}}}
}

func requestID(ctx context.Context) string {
	if info := reqctx.From(ctx); info != nil {
		return info.ID
	}
	return "unknown"
}

func badRequest(code apierr.Code, format string, args ...any) []apiError {
	return []apiError{{Message: fmt.Sprintf(format, args...), Extensions: map[string]any{"code": string(code)}}}
}

// refused is a request refused with code, before the export's first
// query, answered with the code's status.
func refused(code apierr.Code, format string, args ...any) *failure {
	return &failure{status: apierr.Status(code), errors: badRequest(code, format, args...)}
}

// writeErrors answers errors as a GraphQL response without data.
func writeErrors(w http.ResponseWriter, status int, errs []apiError) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Del("Content-Disposition")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": errs})
}

// timedWriter bounds each write and flush to the client, and lifts the
// server's write deadline, which is sized for one request, not an export.
type timedWriter struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
}

func newTimedWriter(w http.ResponseWriter, timeout time.Duration) *timedWriter {
	return &timedWriter{w: w, rc: http.NewResponseController(w), timeout: timeout}
}

func (t *timedWriter) Write(b []byte) (int, error) {
	_ = t.rc.SetWriteDeadline(time.Now().Add(t.timeout))
	n, err := t.w.Write(b)
	if err != nil {
		return n, fmt.Errorf("writing to the client: %w", err)
	}
	return n, nil
}

func (t *timedWriter) flush() error {
	_ = t.rc.SetWriteDeadline(time.Now().Add(t.timeout))
	if err := t.rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return fmt.Errorf("flushing to the client: %w", err)
	}
	return nil
}

// text is a value as one CSV cell or list entry.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case []string:
		return strings.Join(x, ";")
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = text(e)
		}
		return strings.Join(parts, ";")
	}
	return fmt.Sprint(v)
}

// headed names cols for an export in language: a column that exists in
// English only is headed name+"En" in an export in another language.
func headed(cols []column, language string) []column {
	if language == string(lang.EN) {
		return cols
	}
	for i, c := range cols {
		if c.englishOnly {
			cols[i].name = c.name + "En"
		}
	}
	return cols
}
