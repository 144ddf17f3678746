package server

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sscgraph/internal/apierr"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/internal/reqctx"
)

// sseTransport is gqlgen's server-sent events transport, with the checks
// httpTransport makes of a POST before it runs: a well-formed JSON body,
// variables within their limit. A request that fails them is answered as
// httpTransport answers it (4xx, JSON), before any event is sent.
type sseTransport struct {
	transport.SSE
	params httpTransport
}

func newSSETransport(maxVariablesBytes int) sseTransport {
	return sseTransport{
		SSE:    transport.SSE{KeepAlivePingInterval: keepAliveInterval},
		params: httpTransport{maxVariablesBytes: maxVariablesBytes},
	}
}

// Do checks the request, then streams.
func (t sseTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		status, msg := apierr.Status(apierr.BadRequest), "could not read the request body"
		if asMaxBytes(err, &tooBig) {
			status, msg = http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than %d bytes", tooBig.Limit)
		}
		w.Header().Set("Content-Type", mediaJSON)
		writeErrors(w, status, gqlerror.List{codeError(apierr.BadRequest, msg)}, nil)
		return
	}
	check := r.Clone(r.Context())
	check.Body = io.NopCloser(bytes.NewReader(body))
	if _, rerr := t.params.readParams(check); rerr != nil {
		w.Header().Set("Content-Type", mediaJSON)
		writeErrors(w, rerr.status, gqlerror.List{rerr.err.GQL()}, nil)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	setOutcome(reqctx.From(r.Context()), "ok")
	if want := w.Header().Get("Cache-Control"); want != "" {
		w = &keepCacheControl{ResponseWriter: w, want: want}
	}
	t.SSE.Do(w, r, exec)
}

// keepCacheControl keeps the Cache-Control the middleware chose
// (no-store on a keyed request, see withSecurityHeaders) over the
// no-cache gqlgen's SSE transport sets: no-cache lets a cache store the
// events, private fields included, and only revalidate them.
type keepCacheControl struct {
	http.ResponseWriter
	want    string
	written bool
}

func (w *keepCacheControl) restore() {
	if !w.written {
		w.written = true
		w.Header().Set("Cache-Control", w.want)
	}
}

func (w *keepCacheControl) WriteHeader(status int) {
	w.restore()
	w.ResponseWriter.WriteHeader(status)
}

func (w *keepCacheControl) Write(b []byte) (int, error) {
	w.restore()
	return w.ResponseWriter.Write(b)
}

// Flush is what gqlgen's SSE transport asks of its writer.
func (w *keepCacheControl) Flush() {
	w.restore()
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *keepCacheControl) Unwrap() http.ResponseWriter { return w.ResponseWriter }
