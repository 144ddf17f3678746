package export

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sscgraph/internal/reqctx"
	"strings"

	"sscgraph/internal/apierr"
)

// apiError is one GraphQL error as the API answered it.
type apiError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

func (e apiError) code() apierr.Code {
	c, _ := e.Extensions["code"].(string)
	return apierr.Code(c)
}

// failure is a GraphQL request of the export that did not answer rows: the
// API's errors, with the status and headers to answer them with when no
// row has been written yet.
type failure struct {
	status int
	header http.Header
	errors []apiError
}

func (f *failure) Error() string {
	msgs := make([]string, len(f.errors))
	for i, e := range f.errors {
		msgs[i] = e.Message
	}
	return strings.Join(msgs, "; ")
}

// answer is a GraphQL response of the API.
type answer struct {
	header http.Header
	data   map[string]json.RawMessage
}

// capture is the ResponseWriter the API answers a page query into: one
// page is at most a page of rows, which is what bounds the export's
// memory.
type capture struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *capture) Header() http.Header { return c.header }
func (c *capture) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(b)
}
func (c *capture) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}

// run sends one GraphQL operation through the API's handler, in the
// export request's context: the viewer, the request's ID and its client
// for the rate limit are the export's, so every rule of the API (roles,
// private fields, checks, pricing, the rate limit, error masking) applies
// to it as to any query. Each operation has the per-request timeout.
func (h *Handler) run(ctx context.Context, query string, vars map[string]any) (*answer, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return nil, fmt.Errorf("encoding a page query: %w", err)
	}
	if h.opts.PageTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, h.opts.PageTimeout)
		defer cancel()
	}
	// An export reads pages once, in order, and some of its queries are
	// sent for what the API does on the way (WhereCapture): not answered
	// from the answer cache, nor kept there to crowd out what readers
	// ask again and again.
	ctx = reqctx.SkipAnswerCache(ctx)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("building a page query: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	out := &capture{header: http.Header{}}
	h.gql.ServeHTTP(out, req)

	var res struct {
		Data   map[string]json.RawMessage `json:"data"`
		Errors []apiError                 `json:"errors"`
	}
	if err := json.Unmarshal(out.body.Bytes(), &res); err != nil {
		return nil, fmt.Errorf("decoding the API's answer (status %d): %w", out.status, err)
	}
	if len(res.Errors) > 0 || out.status >= 400 {
		if len(res.Errors) == 0 {
			res.Errors = []apiError{{Message: fmt.Sprintf("the API answered status %d", out.status),
				Extensions: map[string]any{"code": string(apierr.Internal)}}}
		}
		return nil, &failure{status: out.status, header: out.header, errors: res.Errors}
	}
	return &answer{header: out.header, data: res.Data}, nil
}

// inParameter names the URL parameter and the place in it that an error
// about a variable points at (its path is variable.where.kind): the
// client wrote parameters, not variables.
func inParameter(e apiError) string {
	if len(e.Path) < 2 || e.Path[0] != "variable" {
		return e.Message
	}
	parts := make([]string, 0, len(e.Path)-2)
	for _, p := range e.Path[2:] {
		parts = append(parts, fmt.Sprint(p))
	}
	if len(parts) == 0 {
		return fmt.Sprintf("parameter %q: %s", fmt.Sprint(e.Path[1]), e.Message)
	}
	return fmt.Sprintf("parameter %q, at %s: %s", fmt.Sprint(e.Path[1]), strings.Join(parts, "."), e.Message)
}

// statusOf is the HTTP status that answers errs when they end an export
// before its first row: the status of the first error's code
// (apierr.Status), whatever status the GraphQL transport chose (it answers
// most of the client's mistakes 200, as GraphQL over HTTP asks for
// application/json); a body too large stays 413. An export that ran out
// of time is the client's to narrow, so it takes TIMEOUT's status too.
// The server's own faults keep the transport's status, and are 500 when
// it was not an error's.
func statusOf(f *failure) int {
	code := f.errors[0].code()
	status := apierr.Status(code)
	switch {
	case status == http.StatusBadRequest && f.status == http.StatusRequestEntityTooLarge:
		return f.status
	case status < http.StatusInternalServerError || code == apierr.Timeout:
		return status
	case f.status >= http.StatusBadRequest:
		return f.status
	}
	return http.StatusInternalServerError
}

// forClient rewrites errors for the export's client: the export's own
// query is fixed, so a query that fails validation failed on the client's
// where or orderBy, which is bad input; and the variables' names are the
// URL's parameters.
func forClient(errs []apiError) []apiError {
	out := make([]apiError, len(errs))
	for i, e := range errs {
		ext := make(map[string]any, len(e.Extensions))
		for k, v := range e.Extensions {
			ext[k] = v
		}
		switch e.code() {
		case apierr.ValidationFailed, apierr.ParseFailed:
			ext["code"] = string(apierr.BadUserInput)
		}
		out[i] = apiError{Message: inParameter(e), Extensions: ext}
	}
	return out
}
