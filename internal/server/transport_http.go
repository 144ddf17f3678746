package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sscgraph/internal/apierr"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/internal/reqctx"
)

// Media types of GraphQL over HTTP.
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// httpTransport serves GraphQL over HTTP GET and POST as the
// GraphQL-over-HTTP specification has it, which gqlgen's own transports do
// not quite: with application/json a request that fails to parse or
// validate is answered 200, with application/graphql-response+json it is
// answered 400, and in both cases the answer has no data entry.
type httpTransport struct {
	// maxVariablesBytes bounds the JSON text of the variables; 0 does not.
	maxVariablesBytes int
	// httpMaxAge is the max-age and stale-while-revalidate of public
	// answers to GET (AnswerCacheConfig.HTTPMaxAge).
	httpMaxAge time.Duration
}

var _ graphql.Transport = httpTransport{}

// Supports takes every GET and POST; Do answers the malformed ones.
func (httpTransport) Supports(r *http.Request) bool {
	return r.Method == http.MethodGet || r.Method == http.MethodPost
}

// requestError is a request that is not a well-formed GraphQL-over-HTTP
// request, or is over a limit before it is parsed: answered 4xx in any
// media type.
type requestError struct {
	status int
	err    *apierr.Error
}

func (e *requestError) Error() string { return e.err.Message }

// badRequest is a malformed request, answered with BAD_REQUEST's status.
func badRequest(format string, args ...any) *requestError {
	return badRequestAs(apierr.Status(apierr.BadRequest), format, args...)
}

// badRequestAs is a malformed request whose HTTP status says more than
// BAD_REQUEST's: a body too large, a media type not served.
func badRequestAs(status int, format string, args ...any) *requestError {
	return &requestError{status, apierr.New(apierr.BadRequest, format, args...)}
}

// Do answers one request.
func (t httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	media, ok := negotiate(r.Header.Get("Accept"))
	if !ok {
		w.Header().Set("Content-Type", mediaJSON)
		writeErrors(w, http.StatusNotAcceptable, gqlerror.List{codeError(apierr.BadRequest,
			"none of the media types in Accept is served: accept application/graphql-response+json or application/json")}, nil)
		return
	}
	// Answers are JSON, never HTML; withSecurityHeaders tells browsers not
	// to guess otherwise (the data is written without encoding/json's HTML
	// escaping).
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	w.Header().Add("Vary", "Accept")

	info := reqctx.From(r.Context())
	params, rerr := t.readParams(r)
	if rerr != nil {
		writeErrors(w, rerr.status, gqlerror.List{rerr.err.GQL()}, nil)
		return
	}
	params.Headers = r.Header
	start := graphql.Now()
	params.ReadTime = graphql.TraceTiming{Start: start, End: start}

	// The answer cache's record of this request (see answers): filled in
	// when the cache is on and the request is one it serves.
	answer := &reqctx.Answer{}
	ctx := r.Context()
	if !reqctx.AnswerCacheSkipped(ctx) {
		ctx = reqctx.WithAnswer(ctx, answer)
	}
	rc, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		// Refused after the cache found its answer (over the rate limit,
		// say): the refusal is the answer, not the cached data.
		*answer = reqctx.Answer{}
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs)
		setOutcome(info, "rejected")
		if rate := rateLimited(errs, info); rate != nil {
			w.Header().Set("Retry-After", strconv.Itoa(int(rate.RetryAfter/time.Second)))
			setOutcome(info, "rate_limited")
		}
		markUnavailable(w, errs, info)
		setRateHeaders(w, info)
		writeErrors(w, apierr.RefusedStatus(errs, media == mediaGraphQLResponse), resp.Errors, costExtensions(resp.Extensions, info))
		return
	}
	if r.Method == http.MethodGet && rc.Operation.Operation != ast.Query {
		w.Header().Set("Allow", http.MethodPost)
		writeErrors(w, http.StatusMethodNotAllowed, gqlerror.List{codeError(apierr.BadRequest,
			fmt.Sprintf("a %s cannot be sent with GET: use POST", rc.Operation.Operation))}, nil)
		return
	}
	if r.Method == http.MethodGet && answer.Hit && answer.ETag != "" && etagMatches(r.Header.Get("If-None-Match"), answer.ETag) {
		// The client holds this answer already: it is told so, and pays
		// what a cached answer costs.
		setOutcome(info, "ok")
		setRateHeaders(w, info)
		t.cacheHeaders(w, r, answer)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	resp := responses(ctx)
	if resp == nil {
		// The request's context ended before execution produced an answer:
		// its time ran out (or the client left).
		setOutcome(info, "timeout")
		setRateHeaders(w, info)
		errs := gqlerror.List{codeError(apierr.Timeout,
			"the request ran out of time: ask for less (smaller pages, fewer levels)")}
		writeErrors(w, apierr.ResponseStatus(errs), errs, costExtensions(nil, info))
		return
	}
	resp.Extensions = costExtensions(resp.Extensions, info)
	if answer.Cacheable && len(resp.Errors) == 0 {
		if resp.Extensions == nil {
			resp.Extensions = map[string]any{}
		}
		cache := map[string]any{"hit": answer.Hit}
		if answer.Hit {
			cache["ageSeconds"] = int(time.Since(answer.Stored) / time.Second)
		}
		resp.Extensions["cache"] = cache
		t.cacheHeaders(w, r, answer)
	}
	setRateHeaders(w, info)
	switch {
	case len(resp.Errors) == 0:
		setOutcome(info, "ok")
	case markUnavailable(w, resp.Errors, info):
		// The database's fault: the whole response is a 503 that
		// clients and proxies retry, whatever data came before it
		// (apierr.ResponseStatus).
	case apierr.Has(resp.Errors, apierr.Timeout):
		setOutcome(info, "timeout")
	default:
		setOutcome(info, "errors")
	}
	body, err := encodeResponse(resp)
	if err != nil {
		writeErrors(w, apierr.Status(apierr.Internal), gqlerror.List{codeError(apierr.Internal, "internal server error")}, nil)
		return
	}
	w.WriteHeader(apierr.ResponseStatus(resp.Errors))
	_, _ = w.Write(body)
}

// encodeResponse writes resp as encoding/json would, but copies the data,
// which gqlgen has already written as JSON, instead of having
// encoding/json check and compact it again (7% of the CPU time of a flat
// page of 50 countries, pprof). Label, path and hasNext belong to
// incremental delivery, which this transport does not do.
func encodeResponse(resp *graphql.Response) ([]byte, error) {
	var errs, ext []byte
	var err error
	if len(resp.Errors) > 0 {
		if errs, err = json.Marshal(resp.Errors); err != nil {
			return nil, err
		}
	}
	if len(resp.Extensions) > 0 {
		if ext, err = json.Marshal(resp.Extensions); err != nil {
			return nil, err
		}
	}
	data := []byte(resp.Data)
	if len(data) == 0 {
		data = []byte("null")
	}
	out := make([]byte, 0, len(data)+len(errs)+len(ext)+40)
	out = append(out, '{')
	if errs != nil {
		out = append(out, `"errors":`...)
		out = append(append(out, errs...), ',')
	}
	out = append(append(out, `"data":`...), data...)
	if ext != nil {
		out = append(append(out, `,"extensions":`...), ext...)
	}
	return append(out, '}'), nil
}

func setOutcome(info *reqctx.Info, outcome string) {
	if info != nil {
		info.Outcome = outcome
	}
}

// rateLimited returns the client's rate state when errs refuse the request
// for its rate limit.
func rateLimited(errs gqlerror.List, info *reqctx.Info) *reqctx.Rate {
	if info == nil || info.Rate == nil || !apierr.Has(errs, apierr.RateLimited) {
		return nil
	}
	return info.Rate
}

// setRateHeaders reports the client's rate-limit state, as GitHub does.
func setRateHeaders(w http.ResponseWriter, info *reqctx.Info) {
	if info == nil || info.Rate == nil {
		return
	}
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(info.Rate.Limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(info.Rate.Remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(info.Rate.ResetAt.Unix(), 10))
	used := info.Cost.Points
	if info.Cost.Charged > 0 {
		used = info.Cost.Charged
	}
	h.Set("X-RateLimit-Used", strconv.Itoa(used))
}

// cacheHeaders describes a public answer to HTTP caches: X-Cache says
// whether sscgraph's own cache answered, Age how old the answer is; to a
// GET, an ETag to revalidate with and a Cache-Control that lets browsers
// and proxies keep it until the sooner of httpMaxAge and the answer's
// own expiry (an offer that expires sooner), and serve it as long again
// while they fetch a new one. It varies with Authorization: a keyed
// request is never answered from a shared cache's copy (and keyed
// answers are no-store, see withSecurityHeaders).
func (t httpTransport) cacheHeaders(w http.ResponseWriter, r *http.Request, a *reqctx.Answer) {
	h := w.Header()
	if a.Hit {
		h.Set("X-Cache", "HIT")
		h.Set("Age", strconv.Itoa(int(time.Since(a.Stored)/time.Second)))
	} else {
		h.Set("X-Cache", "MISS")
	}
	if r.Method != http.MethodGet || a.ETag == "" {
		return
	}
	h.Set("ETag", a.ETag)
	h.Add("Vary", "Authorization")
	maxAge := min(t.httpMaxAge, time.Until(a.Expires)) / time.Second
	if maxAge <= 0 {
		h.Set("Cache-Control", "no-cache")
		return
	}
	h.Set("Cache-Control", fmt.Sprintf("public, max-age=%d, stale-while-revalidate=%d", maxAge, maxAge))
}

// etagMatches reports whether an If-None-Match header names etag (or is
// "*"), weak or strong, as RFC 9110's weak comparison has it.
func etagMatches(header, etag string) bool {
	for _, part := range strings.Split(header, ",") {
		part = strings.TrimSpace(part)
		if part == "*" || strings.TrimPrefix(part, "W/") == etag {
			return true
		}
	}
	return false
}

// costExtensions adds the operation's cost and the client's rate-limit
// state to a response's extensions.
func costExtensions(ext map[string]any, info *reqctx.Info) map[string]any {
	if info == nil || info.Cost.Points == 0 {
		return ext
	}
	if ext == nil {
		ext = map[string]any{}
	}
	cost := map[string]any{
		"requestedQueryCost": info.Cost.Points,
		"maximumAvailable":   info.Cost.Limit,
		"depth":              info.Cost.Depth,
		"aliases":            info.Cost.Aliases,
	}
	if info.Cost.Actual > 0 {
		// What the request took, in points of time, as Shopify's
		// actualQueryCost: charged after the fact when above the price.
		cost["actualQueryCost"] = info.Cost.Actual
	}
	if info.Cost.Charged > 0 {
		// What the client's bucket paid: the price, or less for an answer
		// from the cache, plus time beyond the price.
		cost["chargedQueryCost"] = info.Cost.Charged
	}
	if r := info.Rate; r != nil {
		cost["rateLimit"] = map[string]any{
			"limit":     r.Limit,
			"remaining": r.Remaining,
			"resetAt":   r.ResetAt.UTC().Format(time.RFC3339),
		}
	}
	ext["cost"] = cost
	return ext
}

// negotiate picks the response media type from an Accept header: the
// GraphQL response type when the client prefers it (or equally prefers it
// and application/json), application/json when there is no Accept header,
// as legacy clients send none.
func negotiate(accept string) (string, bool) {
	if strings.TrimSpace(accept) == "" {
		return mediaJSON, true
	}
	var qGraphQL, qJSON float64 = -1, -1
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				q = f
			}
		}
		switch mt {
		case mediaGraphQLResponse:
			qGraphQL = max(qGraphQL, q)
		case mediaJSON:
			qJSON = max(qJSON, q)
		case "application/*", "*/*":
			qJSON = max(qJSON, q)
		}
	}
	switch {
	case qGraphQL > 0 && qGraphQL >= qJSON:
		return mediaGraphQLResponse, true
	case qJSON > 0:
		return mediaJSON, true
	default:
		return "", false
	}
}

// readParams reads the GraphQL request of a GET's query string or a POST's
// JSON body, checking the type of every parameter and the size of the
// variables.
func (t httpTransport) readParams(r *http.Request) (*graphql.RawParams, *requestError) {
	var raw struct {
		Query         any             `json:"query"`
		OperationName any             `json:"operationName"`
		Variables     json.RawMessage `json:"variables"`
		Extensions    any             `json:"extensions"`
	}
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		if q.Has("query") {
			raw.Query = q.Get("query")
		}
		if q.Has("operationName") && q.Get("operationName") != "" {
			raw.OperationName = q.Get("operationName")
		}
		if s := q.Get("variables"); s != "" {
			raw.Variables = json.RawMessage(s)
		}
		if s := q.Get("extensions"); s != "" {
			if err := decodeJSON(strings.NewReader(s), &raw.Extensions); err != nil {
				return nil, badRequest("the extensions parameter is not JSON: %s", describeJSONError(err))
			}
		}
	case http.MethodPost:
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != mediaJSON {
			return nil, badRequestAs(http.StatusUnsupportedMediaType, "a POST body must be application/json")
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			var tooBig *http.MaxBytesError
			if asMaxBytes(err, &tooBig) {
				return nil, badRequestAs(http.StatusRequestEntityTooLarge, "the request body is larger than %d bytes", tooBig.Limit)
			}
			return nil, badRequest("could not read the request body")
		}
		if len(bytes.TrimSpace(body)) == 0 {
			return nil, badRequest("the request body is empty: send a JSON object with a query")
		}
		if err := decodeJSON(bytes.NewReader(body), &raw); err != nil {
			return nil, badRequest("the request body must be a JSON object with a query: %s", describeJSONError(err))
		}
	}
	p := &graphql.RawParams{}
	switch v := raw.Query.(type) {
	case string:
		p.Query = v
	case nil:
		// Allowed only for persisted queries, which the executor checks.
	default:
		return nil, badRequest("query must be a string")
	}
	switch v := raw.OperationName.(type) {
	case string:
		p.OperationName = v
	case nil:
	default:
		return nil, badRequest("operationName must be a string")
	}
	if t.maxVariablesBytes > 0 && len(raw.Variables) > t.maxVariablesBytes {
		// Variables are outside the token limit and the body limit is
		// for the whole body: bound them on their own, before decoding.
		return nil, &requestError{http.StatusRequestEntityTooLarge,
			apierr.New(apierr.LimitExceeded, "the variables take %d bytes, over the limit of %d: send smaller filters or lists, or split the request", len(raw.Variables), t.maxVariablesBytes).
				With("limit", "variables").With("maximum", t.maxVariablesBytes).With("actual", len(raw.Variables))}
	}
	if len(raw.Variables) > 0 {
		var vars any
		if err := decodeJSON(bytes.NewReader(raw.Variables), &vars); err != nil {
			return nil, badRequest("variables must be a JSON object: %s", describeJSONError(err))
		}
		switch v := vars.(type) {
		case map[string]any:
			p.Variables = v
		case nil:
		default:
			return nil, badRequest("variables must be an object, not %s", jsonKind(v))
		}
	}
	switch v := raw.Extensions.(type) {
	case map[string]any:
		p.Extensions = v
	case nil:
	default:
		return nil, badRequest("extensions must be an object, not %s", jsonKind(v))
	}
	if p.Query == "" && p.Extensions["persistedQuery"] == nil {
		return nil, badRequest("the request has no query")
	}
	return p, nil
}

// decodeJSON decodes one JSON value, keeping numbers exact, and refuses
// trailing data.
func decodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errTrailingData
	}
	return nil
}

var errTrailingData = errors.New("there is more after the JSON value")

// describeJSONError says what is wrong with a JSON text in words for the
// client, not in encoding/json's, which name Go types.
func describeJSONError(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("it is not valid JSON (at byte %d)", syntax.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("it is a JSON %s", typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "the JSON text ends too early"
	case errors.Is(err, errTrailingData):
		return errTrailingData.Error()
	default:
		return "it is not valid JSON"
	}
}

// jsonKind names the JSON kind of a decoded value.
func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	default:
		return "a JSON value of another kind"
	}
}

func asMaxBytes(err error, target **http.MaxBytesError) bool {
	e, ok := err.(*http.MaxBytesError)
	if ok {
		*target = e
	}
	return ok
}

func codeError(code apierr.Code, msg string) *gqlerror.Error {
	return apierr.New(code, "%s", msg).GQL()
}

// writeErrors answers a request that did not execute: errors and
// extensions, no data entry.
func writeErrors(w http.ResponseWriter, status int, errs gqlerror.List, extensions map[string]any) {
	body, _ := json.Marshal(struct {
		Errors     gqlerror.List  `json:"errors"`
		Extensions map[string]any `json:"extensions,omitempty"`
	}{errs, extensions})
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
