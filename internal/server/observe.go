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

// metrics are the Prometheus series the server exports at /metrics.
type metrics struct {
	registry   *prometheus.Registry
	requests   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	cost       prometheus.Histogram
	statements prometheus.Histogram

	mu         sync.Mutex
	operations map[string]bool // operation names seen, to bound cardinality
}

// maxOperationLabels bounds the distinct operation names kept as labels:
// clients choose the names, so past this they are counted as "other".
const maxOperationLabels = 200

var validOperationLabel = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

func newMetrics(db *sql.DB) *metrics {
	m := &metrics{registry: prometheus.NewRegistry(), operations: map[string]bool{}}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sscgraph_requests_total",
		Help: "GraphQL requests by operation name and outcome (ok, errors, rejected, rate_limited, timeout, bad_request).",
	}, []string{"operation", "outcome"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "sscgraph_request_duration_seconds",
		Help:    "Time to answer a GraphQL request, by operation name.",
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
	m.registry.MustRegister(m.requests, m.duration, m.cost, m.statements,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(db, "sscgraph"))
	return m
}

func (m *metrics) operationLabel(name string) string {
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
		next.ServeHTTP(rec, r)
		elapsed := time.Since(start)
		info := reqctx.From(r.Context())
		if info == nil {
			return
		}
		outcome := info.Outcome
		if outcome == "" {
			outcome = "bad_request"
		}
		op := m.operationLabel(info.Operation)
		m.requests.WithLabelValues(op, outcome).Inc()
		m.duration.WithLabelValues(op).Observe(elapsed.Seconds())
		if info.Cost.Points > 0 {
			m.cost.Observe(float64(info.Cost.Points))
		}
		m.statements.Observe(float64(info.Statements.Load()))
		level := slog.LevelInfo
		if rec.status >= 500 {
			level = slog.LevelError
		}
		logger.LogAttrs(r.Context(), level, "request",
			slog.String("request_id", info.ID),
			slog.String("method", r.Method),
			slog.String("operation", info.Operation),
			slog.String("outcome", outcome),
			slog.Int("status", rec.status),
			slog.Int("cost", info.Cost.Points),
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
