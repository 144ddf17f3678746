package server

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"regexp"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"sscgraph/internal/reqctx"
)

// metrics are the Prometheus series the server exports through
// Server.Metrics, which `serve` mounts at /metrics on a listener of its own
// (--metrics-addr), never on the API's address: the series name the
// operations clients run.
type metrics struct {
	registry   *prometheus.Registry
	requests   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	cost       prometheus.Histogram
	statements prometheus.Histogram
	// unavailable counts the requests answered 503 by reason.
	unavailable *prometheus.CounterVec

	// persistedOnly is --persisted-only: every operation that runs comes
	// from the operators' allow-list.
	persistedOnly bool

	mu         sync.Mutex
	operations map[string]bool // operation names seen, to bound cardinality
}

// maxOperationLabels bounds the distinct operation names kept as labels:
// clients choose the names, so past this they are counted as "other".
const maxOperationLabels = 200

// labelTrust records what observe needs to know about a request that only
// the handlers inside it learn: whether it authenticated with an API key.
// It lives in the request's context, where withAuth finds it.
type labelTrust struct {
	keyed bool
}

type labelTrustKey struct{}

// markKeyed notes that the request in ctx authenticated with an API key.
func markKeyed(ctx context.Context) {
	if t, ok := ctx.Value(labelTrustKey{}).(*labelTrust); ok {
		t.keyed = true
	}
}

var validOperationLabel = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

func newMetrics(db *sql.DB, persistedOnly bool) *metrics {
	m := &metrics{registry: prometheus.NewRegistry(), operations: map[string]bool{}, persistedOnly: persistedOnly}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sscgraph_requests_total",
		Help: "GraphQL requests by operation name (of requests with an API key or from the allow-list; other for the rest) and outcome (ok, errors, rejected, rate_limited, unauthenticated, timeout, unavailable, bad_request).",
	}, []string{"operation", "outcome"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "sscgraph_request_duration_seconds",
		Help:    "Time to answer a GraphQL request, by operation name (as in sscgraph_requests_total).",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"operation"})
	m.cost = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "sscgraph_query_cost_points",
		Help:    "Computed cost of each GraphQL operation, in points (the most nodes it can return).",
		Buckets: prometheus.ExponentialBuckets(1, 4, 9),
	})
	m.statements = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "sscgraph_sql_statements_per_request",
		Help:    "SQL statements one GraphQL request ran.",
		Buckets: []float64{0, 1, 2, 3, 5, 8, 13, 21, 34, 55},
	})
	m.unavailable = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sscgraph_unavailable_total",
		Help: "Requests answered 503 SERVICE_UNAVAILABLE, by reason (extensions.reason: DATABASE_UNAVAILABLE, CONNECTION_FAILED, POOL_EXHAUSTED, DISK_FULL, READ_ONLY, STORAGE_ERROR).",
	}, []string{"reason"})
	m.registry.MustRegister(m.requests, m.duration, m.cost, m.statements, m.unavailable,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(db, "sscgraph"))
	return m
}

// operationLabel is the label of an operation named name. Only operations
// whose names the operators can vouch for are labelled by name: those of
// requests with an API key, and those of the allow-list of
// --persisted-only (which refuses any other document before it is parsed,
// and a name is recorded only once its document parsed). Anyone else could
// fill the labels up to the cap with names of their own and push the
// operators' names out, so their requests count as "other". Automatic
// persisted queries do not count as vouched for: any client can register a
// query of its own under its hash.
func (m *metrics) operationLabel(name string, trusted bool) string {
	if !trusted && !m.persistedOnly {
		return "other"
	}
	if name == "" {
		return "anonymous"
	}
	if !validOperationLabel.MatchString(name) {
		return "other"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.operations[name] {
		if len(m.operations) >= maxOperationLabels {
			return "other"
		}
		m.operations[name] = true
	}
	return name
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// observe logs each GraphQL request and records its metrics, once it is
// answered.
func observe(logger *slog.Logger, m *metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		trust := &labelTrust{}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), labelTrustKey{}, trust)))
		elapsed := time.Since(start)
		info := reqctx.From(r.Context())
		if info == nil {
			return
		}
		outcome := info.Outcome
		if outcome == "" {
			outcome = "bad_request"
		}
		// The client left before its answer: whatever the handler made
		// of the cancelled context (a timeout, an internal error), it is
		// no fault of the server's, and nobody read the status.
		gone := r.Context().Err() != nil
		if gone {
			outcome = "client_gone"
		}
		op := m.operationLabel(info.Operation, trust.keyed)
		m.requests.WithLabelValues(op, outcome).Inc()
		m.duration.WithLabelValues(op).Observe(elapsed.Seconds())
		if info.Cost.Points > 0 {
			m.cost.Observe(float64(info.Cost.Points))
		}
		m.statements.Observe(float64(info.Statements.Load()))
		if info.Unavailable != "" {
			m.unavailable.WithLabelValues(info.Unavailable).Inc()
		}
		level := slog.LevelInfo
		if rec.status >= 500 && !gone {
			level = slog.LevelError
		}
		logger.LogAttrs(r.Context(), level, "request",
			slog.String("request_id", info.ID),
			slog.String("method", r.Method),
			slog.String("operation", info.Operation),
			slog.String("outcome", outcome),
			slog.Int("status", rec.status),
			slog.Int("cost", info.Cost.Points),
			slog.Int("actual_cost", info.Cost.Actual),
			// What the client's bucket paid: the price, or a cached
			// answer's few points instead, plus any charge for time.
			slog.Int("charged_cost", info.Cost.Charged),
			slog.Int64("statements", info.Statements.Load()),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
			slog.Int("bytes", rec.bytes),
			slog.String("client", info.Client),
		)
	})
}

// readiness answers /readyz: 200 when the database answers and has every
// migration, 503 with the reason otherwise.
func readiness(check func(ctx context.Context) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := check(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("not ready: " + err.Error() + "\n"))
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	}
}
