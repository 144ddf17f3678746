package server

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"entgo.io/ent/dialect"
	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"golang.org/x/sync/singleflight"

	"sscgraph/ent/matchoffer"
	"sscgraph/internal/answercache"
	"sscgraph/internal/database"
	"sscgraph/internal/personal"
	"sscgraph/internal/pubsub"
	"sscgraph/internal/reqctx"
	"sscgraph/internal/viewer"
)

// AnswerCacheConfig sets the answer cache (package answercache).
type AnswerCacheConfig struct {
	// MaxBytes bounds the answers kept; 0 turns the cache off.
	MaxBytes int64
	// MaxAge is the longest an answer is kept. Writes through sscgraph
	// drop answers at once (in every process, through PostgreSQL's
	// NOTIFY); MaxAge bounds what a write sscgraph does not see (SQL run
	// by hand, another program on the same SQLite file) leaves stale.
	MaxAge time.Duration
	// HTTPMaxAge is the max-age of Cache-Control on public answers to
	// GET, and their stale-while-revalidate: how long a browser or a
	// proxy, which no write reaches, may keep one. 0 sends no-cache
	// (revalidate every time, with ETag).
	HTTPMaxAge time.Duration
}

// uncachedFields are fields whose answer depends on who asks or on the
// moment, whichever type holds them: the client's own rate-limit bucket,
// and the suggestions, ranked as of the request's time.
var uncachedFields = map[string]bool{
	"rateLimit":            true,
	"suggestedOffers":      true,
	"suggestedNeeds":       true,
	"suggestedConsultants": true,
}

// answers is the gqlgen extension that serves repeated public queries
// from the answer cache and keeps their answers. A request is served
// through it when it is a query sent over HTTP (the transport puts a
// reqctx.Answer in its context), without a key (anonymous callers all
// read the same rows), and asks for no personal field and none of
// uncachedFields.
type answers struct {
	cache  *answercache.Cache
	db     *database.DB
	events pubsub.Broker
	origin string
	logger *slog.Logger

	// live is false while this process may miss other processes' writes
	// (its event subscription ended and is being made again): the cache
	// is then neither read nor filled.
	live atomic.Bool
	// subscribed is 1 while the cache's own subscription to events is
	// open, so that the subscriptions gauge counts clients' alone.
	subscribed atomic.Int32
	// writes tells other processes of this one's writes.
	writes *writeAnnouncer
	// kick wakes the refresher of the next expiry after an invalidation.
	kick chan struct{}

	// flight shares one computation among concurrent misses of a key;
	// computed counts the computations.
	flight   singleflight.Group
	computed atomic.Uint64

	mu sync.Mutex
	// genStart is when the cache's current generation began (its last
	// invalidation); next is when answers next change with time alone,
	// and refreshed is closed (and replaced) each time it is found.
	genStart  time.Time
	next      nextChange
	refreshed chan struct{}
}

// nextChange is when the next answer changes with time alone, found for
// one generation of the cache: the earliest expiresAt of an open offer
// after from (none: the zero time). from is the generation's start, or
// the previous change when it was found again as that one passed.
type nextChange struct {
	gen      uint64
	from, at time.Time
	known    bool
}

var (
	_ graphql.HandlerExtension        = (*answers)(nil)
	_ graphql.OperationContextMutator = (*answers)(nil)
	_ graphql.ResponseInterceptor     = (*answers)(nil)
)

// newAnswers returns the cache's extension over db. origin is what this
// process stamps on its events (pubsub.WithOrigin): its own come back
// through NOTIFY and are not taken for another process's writes.
func newAnswers(ctx context.Context, cfg AnswerCacheConfig, db *database.DB, events pubsub.Broker, writes *writeAnnouncer, origin string, logger *slog.Logger) *answers {
	a := &answers{
		cache:  answercache.New(cfg.MaxBytes, cfg.MaxAge, nil),
		db:     db,
		events: events,
		writes: writes,
		origin: origin,
		logger: logger,
		kick:   make(chan struct{}, 1),

		genStart:  time.Now(),
		refreshed: make(chan struct{}),
	}
	// Every committed write of this process empties the cache at once
	// and is told to the other processes.
	pubsub.OnWrite(db.Client, a.wroteIn)
	following, expiring := make(chan struct{}), make(chan struct{})
	go a.follow(ctx, following)
	go a.refreshExpiry(ctx, expiring)
	// Until it hears other processes' writes, and knows when the next
	// offer expires, the cache keeps nothing; the server starts with it
	// on unless PostgreSQL's LISTEN or that read takes long.
	deadline := time.After(answersReadyWait)
	for _, ready := range []chan struct{}{following, expiring} {
		select {
		case <-ready:
		case <-deadline:
			logger.Warn("answer cache: not ready yet; answers are computed afresh until it is")
			return a
		}
	}
	return a
}

// answersReadyWait bounds how long New waits for the cache to follow
// writes.
const answersReadyWait = 5 * time.Second

func (*answers) ExtensionName() string                   { return "AnswerCache" }
func (*answers) Validate(graphql.ExecutableSchema) error { return nil }
func (a *answers) written()                              { a.invalidate(); a.writes.signal() }

// wroteIn is written for a write that committed in ctx: the request
// that made it is marked, so that its mutation does not empty the cache
// and tell the other processes a second time.
func (a *answers) wroteIn(ctx context.Context) {
	if st := reqctx.AnswerFrom(ctx); st != nil {
		st.Wrote = true
	}
	a.invalidate() // the write announcer's own hook tells the others
}

// invalidate empties the cache and has the next expiry found again.
func (a *answers) invalidate() {
	// The time is taken before the generation moves on, so that every
	// request that looks a key up in the new generation does so after it.
	a.mu.Lock()
	now := time.Now()
	a.cache.Invalidate()
	a.genStart = now
	a.mu.Unlock()
	trySend(a.kick)
}

// MutateOperationContext decides whether the request goes through the
// cache and looks its answer up.
func (a *answers) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	st := reqctx.AnswerFrom(ctx)
	if st == nil || rc.Operation == nil || rc.Operation.Operation != ast.Query || !a.live.Load() {
		return nil
	}
	if !viewer.From(ctx).Anonymous() || !cacheable(rc.Operation.SelectionSet, map[string]bool{}) {
		return nil
	}
	key, err := answercache.Key(rc.RawQuery, rc.OperationName, rc.Variables)
	if err != nil {
		a.logger.WarnContext(ctx, "answer cache key", "err", err)
		return nil
	}
	st.Cacheable, st.Key = true, key
	e, gen, ok := a.cache.Get(key)
	st.Gen, st.Looked = gen, time.Now()
	if ok {
		st.Hit, st.Data, st.ETag, st.Stored, st.Expires = true, e.Data, e.ETag, e.Stored, e.Expires
	}
	return nil
}

// cacheable reports whether a selection asks for nothing personal or
// per-client, fragments included.
func cacheable(set ast.SelectionSet, seen map[string]bool) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if uncachedFields[s.Name] {
				return false
			}
			if s.ObjectDefinition != nil {
				if _, isPersonal := personal.Of(s.ObjectDefinition.Name, s.Name); isPersonal {
					return false
				}
			}
			if !cacheable(s.SelectionSet, seen) {
				return false
			}
		case *ast.InlineFragment:
			if !cacheable(s.SelectionSet, seen) {
				return false
			}
		case *ast.FragmentSpread:
			if s.Definition == nil || seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			if !cacheable(s.Definition.SelectionSet, seen) {
				return false
			}
		}
	}
	return true
}

// InterceptResponse answers a hit from the cache, keeps the answer of a
// miss, and after a mutation (whatever its outcome: part of it may have
// been written) empties the cache.
func (a *answers) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	rc := graphql.GetOperationContext(ctx)
	if rc.Operation != nil && rc.Operation.Operation == ast.Mutation {
		resp := next(ctx)
		// A mutation that wrote through sscgraph's model has emptied the
		// cache at its commit (wroteIn); one that wrote otherwise (SQL of
		// its own) or may have, does it now.
		if st := reqctx.AnswerFrom(ctx); st == nil || !st.Wrote {
			a.written()
		}
		return resp
	}
	st := reqctx.AnswerFrom(ctx)
	if st == nil || !st.Cacheable {
		return next(ctx)
	}
	if st.Hit {
		return &graphql.Response{Data: st.Data}
	}
	// Readers of a story or a dashboard ask the same question at once,
	// right after a write emptied the cache: one of them computes the
	// answer and the others of the same generation wait for it.
	v, _, shared := a.flight.Do(st.Key+"/"+strconv.FormatUint(st.Gen, 10), func() (any, error) {
		return a.fill(ctx, st, next), nil
	})
	f := v.(filled)
	if shared && (f.resp == nil || len(f.resp.Errors) > 0) {
		// The first request's answer failed (its time ran out, its
		// client left): this one computes its own.
		return next(ctx)
	}
	if f.entry != nil {
		st.ETag, st.Stored, st.Expires = f.entry.ETag, f.entry.Stored, f.entry.Expires
	}
	if f.resp == nil {
		return nil
	}
	// A copy for each request: the transport adds its own extensions.
	return &graphql.Response{Data: f.resp.Data, Errors: f.resp.Errors, Extensions: maps.Clone(f.resp.Extensions)}
}

// filled is a computed answer and, when it was kept, its entry.
type filled struct {
	resp  *graphql.Response
	entry *answercache.Entry
}

// fill computes the answer of a miss and keeps it when it can be.
func (a *answers) fill(ctx context.Context, st *reqctx.Answer, next graphql.ResponseHandler) filled {
	a.computed.Add(1)
	if a.fresh(st.Gen) {
		// The write that began this generation may not have reached
		// every standby yet: an answer kept from one that has not
		// replayed it would be served until the next write.
		ctx = database.OnPrimary(ctx)
	}
	resp := next(ctx)
	if resp == nil || len(resp.Errors) > 0 || len(resp.Data) == 0 || string(resp.Data) == "null" {
		return filled{resp: resp}
	}
	expires, ok := a.expiry(ctx, st.Gen, st.Looked)
	if !ok {
		return filled{resp: resp}
	}
	data := append([]byte(nil), resp.Data...)
	return filled{resp: resp, entry: a.cache.Put(st.Key, st.Gen, data, expires)}
}

// fresh reports whether generation gen began so recently that a standby
// in rotation may not have replayed the write that began it: the router
// takes a standby out once it lags ReplicaMaxLag behind, and checks every
// quarter second, so past that bound and a second more every standby in
// rotation has the write. Always false without standbys.
func (a *answers) fresh(gen uint64) bool {
	maxLag := a.db.ReplicaMaxLag()
	if maxLag == 0 {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.cache.Generation() != gen || time.Since(a.genStart) < maxLag+time.Second
}

// expiry is when an answer whose reads began at start, in generation
// gen, stops being true with time alone: when the next open offer passes
// its expiresAt and reads as EXPIRED (the zero time: no such offer, the
// cache's maximum age applies). The refresher finds it after every
// write; a request that gets here first waits for it a little, and ok is
// false when it is still not known (the answer is then served, not kept).
func (a *answers) expiry(ctx context.Context, gen uint64, start time.Time) (time.Time, bool) {
	for waited := false; ; waited = true {
		a.mu.Lock()
		n, refreshed := a.next, a.refreshed
		a.mu.Unlock()
		// What was found for a generation from a time on holds for reads
		// that began after that time, until the change it found.
		if n.known && n.gen == gen && !start.Before(n.from) {
			return n.at, true
		}
		if waited || a.cache.Generation() != gen {
			// A write came since the request looked up: its answer is
			// not kept whatever the expiry, so it does not wait for it.
			return time.Time{}, false
		}
		select {
		case <-refreshed:
		case <-time.After(expiryWait):
		case <-ctx.Done():
			return time.Time{}, false
		}
	}
}

// expiryWait bounds how long a request waits for the next expiry to be
// found before its answer is served without being kept.
const expiryWait = 200 * time.Millisecond

// refreshExpiry finds when answers next change with time alone, for the
// cache's generation: after every invalidation (kicked), and when the
// change it found comes. It is the cache's own bookkeeping, one indexed
// read per write, run here rather than in the requests. ready is closed
// after the first.
func (a *answers) refreshExpiry(ctx context.Context, ready chan struct{}) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var passed time.Time // the change the timer waits for
	for {
		timed := false
		select {
		case <-ctx.Done():
			return
		case <-a.kick:
		case <-timer.C:
			timed = true
		}
		a.mu.Lock()
		gen, from := a.cache.Generation(), a.genStart
		a.mu.Unlock()
		if timed && !passed.IsZero() && passed.After(from) {
			// The offer it found has expired, with no write since: the
			// next change is the one after it, for reads from then on.
			from = passed
		}
		at, err := a.nextExpiry(ctx, from)
		wait := time.Hour
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			a.logger.WarnContext(ctx, "answer cache: finding the next offer to expire", "err", err)
			wait = time.Second // answers are not kept meanwhile
		} else {
			a.mu.Lock()
			a.next = nextChange{gen: gen, from: from, at: at, known: true}
			close(a.refreshed)
			a.refreshed = make(chan struct{})
			a.mu.Unlock()
			passed = at
			if !at.IsZero() {
				wait = max(time.Until(at), time.Millisecond)
			}
		}
		if ready != nil {
			close(ready)
			ready = nil
		}
		timer.Reset(wait)
	}
}

// nextExpiry is the earliest expiresAt after from of an offer stored as
// OPEN, the zero time when there is none. It reads through the pool
// directly, not through the retries of API reads: a read the cache makes
// for itself must not open the breaker that turns requests away (it is
// tried again a second later), nor count among a request's statements.
func (a *answers) nextExpiry(ctx context.Context, from time.Time) (time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, expiryQueryTimeout)
	defer cancel()
	q := "SELECT expires_at FROM match_offers WHERE status = ? AND expires_at > ? ORDER BY expires_at LIMIT 1"
	if a.db.Dialect == dialect.Postgres {
		q = "SELECT expires_at FROM match_offers WHERE status = $1 AND expires_at > $2 ORDER BY expires_at LIMIT 1"
	}
	var at time.Time
	err := a.db.SQL.QueryRowContext(ctx, q, string(matchoffer.StatusOPEN), from).Scan(&at)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return time.Time{}, nil
	case err != nil:
		return time.Time{}, fmt.Errorf("reading the next offer to expire: %w", err)
	}
	return at, nil
}

// follow empties the cache on every write another process announces
// (and when events may have been missed), and keeps the cache off while
// it cannot hear them: the subscription ended (the broker closed, or the
// reader fell behind) and is being made again.
func (a *answers) follow(ctx context.Context, ready chan struct{}) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		sub, err := a.events.Subscribe(ctx)
		if err != nil {
			a.live.Store(false)
			a.logger.WarnContext(ctx, "answer cache: following writes", "err", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 5*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
		a.subscribed.Store(1)
		// Writes made while no one listened are unknown: start empty.
		a.invalidate()
		a.live.Store(true)
		if ready != nil {
			close(ready)
			ready = nil
		}
		for e := range sub.Events() {
			switch {
			case e.Kind == pubsub.KeyEnded:
			case e.Origin == a.origin && e.Kind != pubsub.Resync:
				// This process's own write, come back through NOTIFY:
				// its commit emptied the cache already.
			default:
				a.invalidate()
			}
		}
		a.live.Store(false)
		a.subscribed.Store(0)
		a.invalidate()
	}
}

// following is 1 while the cache's subscription is open, 0 otherwise or
// without a cache.
func (a *answers) following() int {
	if a == nil {
		return 0
	}
	return int(a.subscribed.Load())
}

// expiryQueryTimeout bounds the look-up of the next offer to expire.
const expiryQueryTimeout = 2 * time.Second

// registerAnswerMetrics exports the cache's counters: its hit rate, how
// often writes empty it, and the memory it holds.
func registerAnswerMetrics(reg *prometheus.Registry, a *answers) {
	counter := func(name, help string, v func(answercache.Stats) uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return float64(v(a.cache.Stats())) })
	}
	gauge := func(name, help string, v func(answercache.Stats) int64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return float64(v(a.cache.Stats())) })
	}
	reg.MustRegister(
		counter("sscgraph_answer_cache_hits_total", "Public queries answered from the answer cache.", func(s answercache.Stats) uint64 { return s.Hits }),
		counter("sscgraph_answer_cache_misses_total", "Public queries the answer cache did not hold (computed, then kept).", func(s answercache.Stats) uint64 { return s.Misses }),
		counter("sscgraph_answer_cache_evictions_total", "Answers dropped to stay within --cache-bytes.", func(s answercache.Stats) uint64 { return s.Evictions }),
		counter("sscgraph_answer_cache_invalidations_total", "Times a write (of this process or another) emptied the answer cache.", func(s answercache.Stats) uint64 { return s.Invalidations }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "sscgraph_answer_cache_computed_total", Help: "Answers computed for the cache's misses: concurrent misses of one question share one."}, func() float64 { return float64(a.computed.Load()) }),
		gauge("sscgraph_answer_cache_bytes", "Bytes of answers the answer cache holds.", func(s answercache.Stats) int64 { return s.Bytes }),
		gauge("sscgraph_answer_cache_entries", "Answers the answer cache holds.", func(s answercache.Stats) int64 { return int64(s.Entries) }),
	)
}

// newOrigin is a random name for this process's events.
func newOrigin() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("naming this process's events: %w", err)
	}
	return hex.EncodeToString(b), nil
}
