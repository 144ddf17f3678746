package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"sscgraph/internal/apierr"
	"sscgraph/internal/limits"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/internal/auth"
	"sscgraph/internal/dbhealth"
	"sscgraph/internal/gid"
	"sscgraph/internal/reqctx"
	"sscgraph/internal/viewer"
)

// validRequestID is what sscgraph accepts as a caller's X-Request-ID: short
// and plain, so that it is safe in logs.
var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

// withRequestInfo gives each request its reqctx.Info: the caller's
// X-Request-ID when it is sane, else a new random one, echoed in the
// response; and the client's identity for the rate limit.
func withRequestInfo(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !validRequestID.MatchString(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-ID", id)
		info := &reqctx.Info{ID: id, Client: "ip:" + clientIP(r)}
		next.ServeHTTP(w, r.WithContext(reqctx.With(r.Context(), info)))
	})
}

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// clientIP is the address the connection comes from. Headers such as
// X-Forwarded-For are not trusted: any client can set them.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// withTimeout bounds a request's execution: resolvers and SQL see the
// deadline through their context. A stream (a WebSocket or server-sent
// events) is not bounded as a whole, it lives as long as its
// subscriptions; each query or mutation it carries is (subscriptionGate).
func withTimeout(d time.Duration, next http.Handler) http.Handler {
	if d <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if streamFrom(r.Context()) != nil {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// withAuth resolves the Authorization header to a viewer. A request with a
// key that is malformed, unknown, expired or revoked is refused with 401,
// and charged to its address's bucket of failed authentications: an
// address that has emptied it is refused with 429 before its keys are
// looked up, so a flood of made-up keys costs neither look-ups nor room
// in the key cache. A request without a key is anonymous.
func withAuth(keys *auth.Keys, lim *limits.Limits, logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		v, refused := authenticate(ctx, keys, lim, logger, "ip:"+clientIP(r), r.Header.Get("Authorization"))
		if refused != nil {
			w.Header().Set("Content-Type", mediaJSON)
			switch apierr.CodeOf(refused.err) {
			case apierr.RateLimited:
				w.Header().Set("Retry-After", strconv.Itoa(int(refused.retryAfter/time.Second)))
			case apierr.ServiceUnavailable:
				markUnavailable(w, gqlerror.List{refused.err}, reqctx.From(ctx))
			case apierr.Unauthenticated:
				w.Header().Set("WWW-Authenticate", wwwAuthenticate(refused.token))
			}
			writeErrors(w, apierr.StatusOf(refused.err), gqlerror.List{refused.err}, nil)
			return
		}
		next.ServeHTTP(w, r.WithContext(authenticated(ctx, v)))
	})
}

// authRefusal is an authentication that failed: the error the client is
// answered with (its status is its code's).
type authRefusal struct {
	err        *gqlerror.Error
	retryAfter time.Duration
	token      string // why a token was refused, for WWW-Authenticate
}

// wwwAuthenticate is the challenge of a 401: for a refused token, RFC
// 6750's invalid_token with the reason (in the characters its
// error_description may hold).
func wwwAuthenticate(tokenReason string) string {
	if tokenReason == "" {
		return `Bearer realm="sscgraph"`
	}
	desc := strings.Map(func(r rune) rune {
		switch {
		case r == '"' || r == '\\':
			return '\''
		case r < 0x20 || r > 0x7e:
			return -1
		}
		return r
	}, tokenReason)
	return `Bearer realm="sscgraph", error="invalid_token", error_description="` + desc + `"`
}

// authenticate resolves an Authorization value (a header, or the
// connection_init payload of a WebSocket) to a viewer, charging failed
// authentications to addr's bucket; see withAuth.
func authenticate(ctx context.Context, keys *auth.Keys, lim *limits.Limits, logger *slog.Logger, addr, header string) (*viewer.Viewer, *authRefusal) {
	info := reqctx.From(ctx)
	id := "unknown"
	if info != nil {
		id = info.ID
	}
	internal := func(what string, err error) *authRefusal {
		if e, ok := dbhealth.ClientError(err, id, false); ok {
			// The database's fault, said once by the breaker's log.
			return &authRefusal{err: e.GQL()}
		}
		logger.ErrorContext(ctx, what, "request_id", id, "err", err)
		return &authRefusal{err: apierr.InternalFor(id).GQL()}
	}
	refuse := func(rate reqctx.Rate) *authRefusal {
		if info != nil {
			info.Outcome = "rate_limited"
		}
		return &authRefusal{err: limits.AuthenticationsLimited(rate), retryAfter: rate.RetryAfter}
	}
	if header != "" && !keys.Cached(header) {
		rate, ok, err := lim.MayAuthenticate(ctx, addr)
		if err != nil {
			return nil, internal("checking failed authentications", err)
		}
		if !ok {
			return nil, refuse(rate)
		}
	}
	v, err := keys.Authenticate(ctx, header)
	if err != nil {
		if !isAuthError(err) {
			return nil, internal("checking API key", err)
		}
		rate, ok, cerr := lim.FailedAuthentication(ctx, addr)
		if cerr != nil {
			return nil, internal("charging a failed authentication", cerr)
		}
		if !ok {
			return nil, refuse(rate)
		}
		if info != nil {
			info.Outcome = "unauthenticated"
		}
		var tokenErr *auth.TokenError
		if errors.As(err, &tokenErr) {
			e := apierr.New(apierr.Unauthenticated, "%s", err.Error()).With("reason", "invalidToken").GQL()
			return nil, &authRefusal{err: e, token: tokenErr.Reason}
		}
		return nil, &authRefusal{err: codeError(apierr.Unauthenticated, err.Error())}
	}
	if v.Token() && info != nil {
		// A signed-in person is counted (rate limits, subscriptions,
		// logs) by issuer and subject: every token of theirs alike.
		info.Client = "sub:" + v.Issuer + "#" + v.Subject
		return v, nil
	}
	if !v.Anonymous() && info != nil {
		// Logs and metrics name a keyed client by its key's global ID.
		codec, err := gid.FromContext(ctx)
		if err != nil {
			return nil, internal("naming the key", err)
		}
		info.Client = "key:" + codec.Encode(v.KeyID)
	}
	return v, nil
}

// authenticated returns ctx carrying v (authenticate has named the
// request's client by its key, when it has one).
func authenticated(ctx context.Context, v *viewer.Viewer) context.Context {
	if !v.Anonymous() {
		markKeyed(ctx)
	}
	return viewer.With(ctx, v)
}

// withSecurityHeaders sets the headers every answer carries, before the
// handler inside writes: in one place around the whole mux, so that no
// path (errors, 404s, 405s of the mux, the preflights of CORS) is left out.
//
// X-Content-Type-Options: nosniff keeps browsers from guessing a type
// other than the one declared: the GraphQL answers echo client input
// without HTML escaping, and must never be read as HTML or script.
//
// Cache-Control: no-store on requests that carry an Authorization header:
// what a key may read (private fields, API keys, the audit trail) must
// not stay in a browser's or a proxy's cache. It is set on every answer,
// error or not, since an error can echo what the key asked for.
func withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		if r.Header.Get("Authorization") != "" {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

func isAuthError(err error) bool {
	for _, e := range []error{auth.ErrMalformed, auth.ErrUnknown, auth.ErrExpired, auth.ErrRevoked, auth.ErrInvalidToken} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// streams serves the long-lived requests of subscriptions, WebSockets and
// server-sent events: it gives each its connection state (streamConn),
// lifts the HTTP server's read and write timeouts from it, which are
// meant for one request and would cut a stream off, and ends it when the
// server shuts down (http.Server.Shutdown waits for neither: it does not
// track WebSockets, and would wait for event streams until its deadline).
type streams struct {
	limits SubscriptionLimits
	caps   *streamCaps

	shutdown context.Context
	stop     context.CancelFunc
}

func newStreams(limits SubscriptionLimits) *streams {
	ctx, stop := context.WithCancel(context.Background())
	return &streams{limits: limits, caps: newStreamCaps(limits), shutdown: ctx, stop: stop}
}

// errShuttingDown ends the streams when the server stops.
var errShuttingDown = errors.New("the server is shutting down")

// errIdle closes a WebSocket that has had no subscription for the idle
// timeout.
var errIdle = errors.New("the connection had no subscription for the idle timeout")

// handler wraps next, the rest of the API's chain.
func (s *streams) handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, sse := isWebSocket(r), isEventStream(r)
		if !ws && !sse {
			next.ServeHTTP(w, r)
			return
		}
		release, refusal := s.caps.admit(clientIP(r))
		if refusal != nil {
			refusal.write(w, r)
			return
		}
		defer release()
		ctx, cancel := context.WithCancelCause(r.Context())
		defer cancel(nil)
		defer context.AfterFunc(s.shutdown, func() { cancel(errShuttingDown) })()

		rc := http.NewResponseController(w)
		// The request is read and the stream lasts as long as its
		// subscriptions: past the server's ReadTimeout its background
		// read would cancel the request, past WriteTimeout every write
		// would fail. Writes are bounded one by one instead.
		_ = rc.SetReadDeadline(time.Time{})
		_ = rc.SetWriteDeadline(time.Time{})
		conn := &streamConn{ws: ws, cancel: cancel, addr: "ip:" + clientIP(r)}
		if ws {
			setOutcome(reqctx.From(ctx), "ok")
			conn.idle = s.limits.IdleTimeout
			conn.release() // idle until its first subscription starts
		} else {
			w = &eventStreamWriter{ResponseWriter: w, rc: rc, cancel: cancel}
		}
		defer conn.stopIdle()
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, streamKey{}, conn)))
	})
}

type streamKey struct{}

// streamFrom returns the stream a request or operation belongs to, or nil
// for a plain HTTP request.
func streamFrom(ctx context.Context) *streamConn {
	c, _ := ctx.Value(streamKey{}).(*streamConn)
	return c
}

// streamConn is one WebSocket connection or event stream: its open
// subscriptions, and the timer that closes a WebSocket left without any.
type streamConn struct {
	ws     bool // a WebSocket, else an event stream
	cancel context.CancelCauseFunc
	addr   string        // the client's address, for failed authentications
	idle   time.Duration // 0: never closed for idleness

	mu     sync.Mutex
	active int
	timer  *time.Timer
}

// acquire counts a new subscription, unless the connection has max (0:
// no limit) open already.
func (c *streamConn) acquire(max int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if max > 0 && c.active >= max {
		return false
	}
	c.active++
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	return true
}

// release counts a subscription that ended; a connection left without
// any is closed after the idle timeout, unless one starts first.
func (c *streamConn) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.active > 0 {
		c.active--
	}
	if c.active == 0 && c.idle > 0 && c.timer == nil {
		c.timer = time.AfterFunc(c.idle, func() { c.cancel(errIdle) })
	}
}

func (c *streamConn) stopIdle() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.timer != nil {
		c.timer.Stop()
	}
	c.idle = 0
}

// client is who the connection's subscriptions count against: its API
// key, or its address without one (as for the rate limit).
func (c *streamConn) client(ctx context.Context) string {
	if info := reqctx.From(ctx); info != nil {
		return info.Client
	}
	return "unknown"
}

// eventStreamWriter bounds each write of an event stream by
// streamWriteTimeout, and ends the stream when a write fails: the client
// has gone or stopped reading, and its subscription would otherwise wait
// for events it can never receive.
type eventStreamWriter struct {
	http.ResponseWriter
	rc     *http.ResponseController
	cancel context.CancelCauseFunc
}

func (w *eventStreamWriter) Write(b []byte) (int, error) {
	_ = w.rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
	n, err := w.ResponseWriter.Write(b)
	if err != nil {
		w.cancel(fmt.Errorf("writing an event: %w", err))
	}
	return n, err
}

// Flush sends what was written: gqlgen's transport flushes each event.
func (w *eventStreamWriter) Flush() {
	_ = w.rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
	if err := w.rc.Flush(); err != nil {
		w.cancel(fmt.Errorf("flushing an event: %w", err))
	}
}

func (w *eventStreamWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Unwrap lets http.ResponseController, and the WebSocket library's
// hijacking, reach the connection behind observe's recorder: streams
// flush, hijack and lift deadlines through it.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// wsInit authenticates a WebSocket by the key in its connection_init
// payload ({"Authorization": "Bearer …"}, or "authorization"), as
// withAuth does a header, bad keys charged alike: browsers cannot set
// headers on a WebSocket. A connection without one keeps the viewer of
// its upgrade request's header (anonymous without). A refused key closes
// the connection with 4403, graphql-transport-ws's Forbidden, its reason
// the error code.
func wsInit(keys *auth.Keys, lim *limits.Limits, logger *slog.Logger) transport.WebsocketInitFunc {
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		header := payload.Authorization()
		if header == "" {
			return ctx, nil, nil
		}
		addr := "unknown"
		if conn := streamFrom(ctx); conn != nil {
			addr = conn.addr
		}
		v, refused := authenticate(ctx, keys, lim, logger, addr, header)
		if refused != nil {
			ctx = transport.AppendCloseReason(transport.WithWebsocketCloseCode(ctx, 4403), string(apierr.CodeOf(refused.err)))
			return ctx, nil, refused.err
		}
		return authenticated(ctx, v), nil, nil
	}
}
