// Package reqctx carries what the layers of one HTTP request share: its ID
// for logs and error reports, who the client is for the rate limit, and
// what the query cost, for the response and the rateLimit field.
package reqctx

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"
)

// Info is the per-request record. The HTTP middleware creates it; the
// GraphQL extensions fill in cost and rate; the transport and the logger
// read it.
type Info struct {
	// ID identifies the request in logs and in error reports.
	ID string
	// Client is the rate-limit identity: "ip:<address>" for anonymous
	// clients.
	Client string
	// Operation is the GraphQL operation's name, if it has one.
	Operation string
	// Cost is the operation's computed cost, once known.
	Cost Cost
	// Rate is the client's rate-limit state after this request, once
	// charged.
	Rate *Rate
	// Statements counts the SQL statements the request ran.
	Statements atomic.Int64
	// Outcome sums up the request for logs and metrics: ok, errors (it ran
	// with field errors), rejected (refused before running), rate_limited,
	// timeout, unavailable (answered 503: see Unavailable) or bad_request.
	Outcome string
	// Unavailable is why the request was answered 503 SERVICE_UNAVAILABLE
	// (an apierr.Reason), when it was.
	Unavailable string
}

// Cost is what the checks found in an operation before it ran.
type Cost struct {
	// Points is the operation's price: the most nodes it can return, plus
	// the work of its filters and counts (see package graph, checks.go).
	Points  int `json:"requestedQueryCost"`
	Depth   int `json:"depth"`
	Aliases int `json:"aliases"`
	// Predicates counts the filter conditions and order terms of the
	// operation; FilterDepth is the deepest nesting of and/or/not and
	// has…With in a filter; ListLength is the longest list in a filter or
	// argument.
	Predicates  int `json:"predicates"`
	FilterDepth int `json:"filterDepth"`
	ListLength  int `json:"listLength"`
	// Actual is what the request took, in points of time (see package
	// limits, Settle), once it has run.
	Actual int `json:"actualQueryCost"`
	// Limit is the most points one request may cost.
	Limit int `json:"maximumAvailable"`
	// Charged is what the request took from the client's bucket: its
	// price, or what a cached answer costs instead (see Answer), plus
	// any charge for time after it ran. 0 until it is charged.
	Charged int `json:"-"`
}

// Answer is the answer cache's part in one HTTP request (see package
// answercache): the transport that serves answers from the cache puts
// one in the request's context; the cache's extension fills it in, the
// price checks read it to charge a hit what a hit costs, and the
// transport writes the validators and the cache headers from it.
type Answer struct {
	// Cacheable is set when the request may be answered from the cache
	// and its answer kept: a query, anonymous, over no personal or
	// per-client field.
	Cacheable bool
	// Key and Gen are the cache key and the cache's generation when the
	// key was looked up.
	Key string
	Gen uint64
	// Looked is when the key was looked up: the request's reads of the
	// database all come after it.
	Looked time.Time
	// Hit is set when the answer comes from the cache; Data is then the
	// answer's data.
	Hit  bool
	Data []byte
	// Wrote is set when a write of the request committed (the answer
	// cache has then been emptied and other processes told).
	Wrote bool
	// ETag, Stored and Expires describe the answer served (from the
	// cache or just computed and kept); ETag is "" when there is none.
	ETag            string
	Stored, Expires time.Time
}

type answerKey struct{}

type skipAnswersKey struct{}

// SkipAnswerCache returns ctx whose GraphQL requests are never answered
// from the answer cache nor kept in it: requests made for their effects
// on the way (an export's page queries, which also capture the filter
// the API coerced) and not only for their answer.
func SkipAnswerCache(ctx context.Context) context.Context {
	return context.WithValue(ctx, skipAnswersKey{}, true)
}

// AnswerCacheSkipped reports whether SkipAnswerCache marked ctx.
func AnswerCacheSkipped(ctx context.Context) bool {
	b, _ := ctx.Value(skipAnswersKey{}).(bool)
	return b
}

// WithAnswer returns ctx carrying a.
func WithAnswer(ctx context.Context, a *Answer) context.Context {
	return context.WithValue(ctx, answerKey{}, a)
}

// AnswerFrom returns the request's answer record, nil when the request is
// not served through the answer cache.
func AnswerFrom(ctx context.Context) *Answer {
	a, _ := ctx.Value(answerKey{}).(*Answer)
	return a
}

// Rate is a client's position in its rate-limit bucket.
type Rate struct {
	Limit     int       `json:"limit"`
	Remaining int       `json:"remaining"`
	ResetAt   time.Time `json:"resetAt"`
	// RetryAfter is set when the request was refused.
	RetryAfter time.Duration `json:"-"`
}

type key struct{}

// With returns ctx carrying info.
func With(ctx context.Context, info *Info) context.Context {
	return context.WithValue(ctx, key{}, info)
}

// CountStatement adds one SQL statement to the request in ctx, if any: the
// database's statement hook calls it.
func CountStatement(ctx context.Context) {
	if info := From(ctx); info != nil {
		info.Statements.Add(1)
	}
}

// From returns the request's info, or nil outside a request.
func From(ctx context.Context) *Info {
	info, _ := ctx.Value(key{}).(*Info)
	return info
}

// ClientGone reports whether ctx ended because the client went away (its
// connection closed, which cancels the request's context) rather than by
// the server's own limit on the request's time (a deadline). A request cut
// short so is no fault of the server's: it is logged at INFO, not ERROR.
func ClientGone(ctx context.Context) bool {
	return errors.Is(ctx.Err(), context.Canceled)
}

// ClientGoneLogs wraps a log handler so that an ERROR (or worse) logged
// with the context of a request whose client went away (ClientGone) is
// written at INFO, marked client_gone=true: every failure that follows
// from the cancelled context (a statement cut, a write to a closed
// connection) is the client's leaving, not the server's fault, and must
// not page anyone.
func ClientGoneLogs(h slog.Handler) slog.Handler { return clientGoneHandler{h} }

type clientGoneHandler struct{ slog.Handler }

func (h clientGoneHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError && ctx != nil && ClientGone(ctx) {
		r = r.Clone()
		r.Level = slog.LevelInfo
		r.AddAttrs(slog.Bool("client_gone", true))
	}
	return h.Handler.Handle(ctx, r)
}

func (h clientGoneHandler) Enabled(ctx context.Context, level slog.Level) bool {
	// An ERROR that may become INFO must get as far as Handle.
	return h.Handler.Enabled(ctx, level) || (level >= slog.LevelError && h.Handler.Enabled(ctx, slog.LevelInfo))
}

func (h clientGoneHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return clientGoneHandler{h.Handler.WithAttrs(attrs)}
}

func (h clientGoneHandler) WithGroup(name string) slog.Handler {
	return clientGoneHandler{h.Handler.WithGroup(name)}
}
