package server_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"sscgraph/internal/apitest"
	"sscgraph/internal/dataset"
	"sscgraph/internal/pgtest"
	"sscgraph/internal/server"
)

// TestReplicasShareLimits: two replicas on one PostgreSQL database
// charge the same rate buckets and share automatic persisted queries, so
// the published limit holds whichever replica answers (with buckets in
// each process, two replicas allowed twice the limit).
func TestReplicasShareLimits(t *testing.T) {
	if pgtest.DSN() == "" {
		t.Skip(pgtest.Env + " is not set")
	}
	dsn := apitest.PostgresSchema(t, dataset.DemoSize())
	cfg := server.DefaultConfig()
	// Requests are charged their price alone, not the time they took
	// (which varies): the count of requests granted is then exact.
	cfg.Limits.TimePerPoint = time.Hour
	// The same query again and again, each paying its price: from the
	// answer cache a repeat would cost its bytes (TestAnswerCache).
	cfg.Answers.MaxBytes = 0
	q := `{ regions(first: 2) { edges { node { code } } } }`

	// The request's cost, from a replica of its own with the usual limit.
	h, _ := apitest.NewWith(t, dsn, cfg).Send(t, "", q, nil)
	remaining, _ := strconv.Atoi(h.Get("X-RateLimit-Remaining"))
	cost := cfg.Limits.PerHour - remaining
	if cost <= 0 {
		t.Fatalf("cost %d (remaining %q)", cost, h.Get("X-RateLimit-Remaining"))
	}

	t.Run("persisted queries", func(t *testing.T) {
		a, b := apitest.NewWith(t, dsn, cfg), apitest.NewWith(t, dsn, cfg)
		sum := sha256.Sum256([]byte(q))
		hash := hex.EncodeToString(sum[:])
		ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}
		register, _ := json.Marshal(map[string]any{"query": q, "extensions": ext})
		if r := a.Raw(t, http.MethodPost, "/graphql", "application/json", register); len(r.Errors) > 0 || r.Get("regions") == nil {
			t.Fatalf("registering on replica a: %+v", r.Errors)
		}
		byHash, _ := json.Marshal(map[string]any{"extensions": ext})
		r := b.Raw(t, http.MethodPost, "/graphql", "application/json", byHash)
		if len(r.Errors) > 0 || len(r.List("regions.edges")) != 2 {
			t.Errorf("replica b by hash: %+v %+v, want the query replica a registered", r.Data, r.Errors)
		}
	})

	t.Run("rate limit", func(t *testing.T) {
		cfg := cfg
		cfg.Limits.PerHour = 10*cost + cost/2 // room for ten requests
		a, b := apitest.NewWith(t, dsn, cfg), apitest.NewWith(t, dsn, cfg)
		granted := 0
		for i := range 30 {
			replica := []*apitest.API{a, b}[i%2]
			_, r := replica.Send(t, "", q, nil)
			if r.Status == http.StatusOK && len(r.Errors) == 0 {
				granted++
				continue
			}
			if r.Status != http.StatusTooManyRequests || apitest.ErrCode(r) != "RATE_LIMITED" {
				t.Fatalf("request %d: status %d, %+v", i, r.Status, r.Errors)
			}
		}
		// The requests above charged the same bucket (this address's),
		// but a bucket never holds more than PerHour: these start full.
		if granted != 10 {
			t.Errorf("%d requests granted across two replicas, want 10 (the limit holds once)", granted)
		}
	})
}
