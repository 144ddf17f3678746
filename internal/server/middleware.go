package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"sscgraph/internal/apierr"
	"sscgraph/internal/limits"
	"strconv"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/internal/auth"
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
// deadline through their context.
func withTimeout(d time.Duration, next http.Handler) http.Handler {
	if d <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
		info := reqctx.From(ctx)
		id, addr := "unknown", "ip:"+clientIP(r)
		if info != nil {
			id = info.ID
		}
		internal := func(what string, err error) {
			logger.ErrorContext(ctx, what, "request_id", id, "err", err)
			w.Header().Set("Content-Type", mediaJSON)
			writeErrors(w, http.StatusInternalServerError, gqlerror.List{apierr.InternalFor(id).GQL()}, nil)
		}
		refuse := func(rate reqctx.Rate) {
			if info != nil {
				info.Outcome = "rate_limited"
			}
			w.Header().Set("Content-Type", mediaJSON)
			w.Header().Set("Retry-After", strconv.Itoa(int(rate.RetryAfter/time.Second)))
			writeErrors(w, http.StatusTooManyRequests, gqlerror.List{limits.AuthenticationsLimited(rate)}, nil)
		}
		header := r.Header.Get("Authorization")
		if header != "" && !keys.Cached(header) {
			rate, ok, err := lim.MayAuthenticate(ctx, addr)
			if err != nil {
				internal("checking failed authentications", err)
				return
			}
			if !ok {
				refuse(rate)
				return
			}
		}
		v, err := keys.Authenticate(ctx, header)
		if err != nil {
			if !isAuthError(err) {
				internal("checking API key", err)
				return
			}
			rate, ok, cerr := lim.FailedAuthentication(ctx, addr)
			if cerr != nil {
				internal("charging a failed authentication", cerr)
				return
			}
			if !ok {
				refuse(rate)
				return
			}
			if info != nil {
				info.Outcome = "unauthenticated"
			}
			w.Header().Set("Content-Type", mediaJSON)
			w.Header().Set("WWW-Authenticate", `Bearer realm="sscgraph"`)
			writeErrors(w, http.StatusUnauthorized, gqlerror.List{codeError(apierr.Unauthenticated, err.Error())}, nil)
			return
		}
		if !v.Anonymous() {
			markKeyed(ctx)
			if info != nil {
				info.Client = "key:" + gid.Current().Encode(v.KeyID)
			}
		}
		next.ServeHTTP(w, r.WithContext(viewer.With(ctx, v)))
	})
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
	for _, e := range []error{auth.ErrMalformed, auth.ErrUnknown, auth.ErrExpired, auth.ErrRevoked} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
