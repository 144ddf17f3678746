package server_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sscgraph/internal/apitest"
	"sscgraph/internal/database"
	"sscgraph/internal/dataset"
	"sscgraph/internal/importer"
	"sscgraph/internal/pgreplica"
	"sscgraph/internal/server"
)

// TestReplicaRoutingHTTP serves the API over a primary and a real
// streaming standby of the test's own (package pgreplica), through HTTP
// to the real handler: anonymous reads and exports are answered by the
// standby, a key's reads after its own mutation see it at once while an
// anonymous read may not, and a standby that lags or stops under load is
// taken out of rotation without failing a read, and put back.
func TestReplicaRoutingHTTP(t *testing.T) {
	pair := pgreplica.Start(t)
	ctx := context.Background()
	loader, err := database.Open(ctx, pair.Primary.DSN, database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loader.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := dataset.LoadWith(ctx, loader.Client, dataset.DemoSize(), dataset.DefaultSeed, importer.Sheet); err != nil {
		t.Fatal(err)
	}
	loader.Close()

	const maxLag = 2 * time.Second
	cfg := server.DefaultConfig()
	// Every anonymous read reaches the database (not the answer cache),
	// and no loop below runs into the rate limit.
	cfg.Answers.MaxBytes = 0
	cfg.Limits.PerHour = 0
	a := apitest.NewOpts(t, pair.Primary.DSN, cfg, database.Options{Replicas: []string{pair.Standby.DSN}, ReplicaMaxLag: maxLag})
	// Keys are checked on the primary: a key works at once, even while
	// the standby has not replayed its creation.
	pair.WaitReplayed(t)
	pair.PauseReplay(t)
	editor := apitest.NewKey(t, a, "EDITOR")
	if _, r := a.Send(t, editor, `{ regions(first: 1) { totalCount } }`, nil); r.Status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("a key just created, with replay paused: status %d, %+v", r.Status, r.Errors)
	}
	pair.ResumeReplay(t)
	pair.WaitReplayed(t)

	status := func() database.ReplicaStatus { return a.DB.Replicas()[0] }
	if s := status(); !s.Healthy || s.Name != database.Redact(pair.Standby.DSN) {
		t.Fatalf("the standby after start: %+v", s)
	}
	regionQ := `query($code: String!) { regions(first: 1, where: {code: $code}) { edges { node { id name } } } }`
	id := a.Query(t, regionQ, map[string]any{"code": "ASIA_PACIFIC"}).Str("regions.edges.0.node.id")
	rename := `mutation($id: ID!, $name: String!) { updateRegion(id: $id, input: {name: $name}) { name } }`
	nameAs := func(t *testing.T, auth string) string {
		t.Helper()
		_, r := a.Send(t, auth, regionQ, map[string]any{"code": "ASIA_PACIFIC"})
		if len(r.Errors) > 0 || r.Status != http.StatusOK {
			t.Fatalf("reading the region: status %d, %+v", r.Status, r.Errors)
		}
		return r.Str("regions.edges.0.node.name")
	}
	setName := func(t *testing.T, name string) {
		t.Helper()
		_, r := a.Send(t, editor, rename, map[string]any{"id": id, "name": name})
		if len(r.Errors) > 0 || r.Str("updateRegion.name") != name {
			t.Fatalf("updateRegion: %+v", r.Errors)
		}
	}
	// primaryName is the name as SQL on the primary reads it.
	primaryName := func(t *testing.T) string {
		t.Helper()
		var name string
		if err := a.DB.SQL.QueryRowContext(ctx, "SELECT name FROM regions WHERE code = 'ASIA_PACIFIC'").Scan(&name); err != nil {
			t.Fatal(err)
		}
		return name
	}

	t.Run("reads and exports on the standby", func(t *testing.T) {
		before := status().Reads
		for range 10 {
			a.Query(t, `{ regions(first: 5) { edges { node { code countries(first: 3) { edges { node { code } } } } } } }`, nil)
		}
		if got := status().Reads - before; got < 10 {
			t.Errorf("the standby answered %d reads for 10 queries", got)
		}
		before = status().Reads
		e := a.Export(t, "/export/regions.csv", nil, "")
		if e.Status != http.StatusOK {
			t.Fatalf("export: status %d: %s", e.Status, e.Body)
		}
		if status().Reads == before {
			t.Error("the export read nothing from the standby")
		}
		// The GeoJSON export reads the countries as the CSV does, then
		// counts activities, projects and offers by its own SQL: through
		// the router too, so three reads more than the CSV's.
		reads := func(path string) int64 {
			before := status().Reads
			if e := a.Export(t, path, nil, ""); e.Status != http.StatusOK {
				t.Fatalf("%s: status %d: %s", path, e.Status, e.Body)
			}
			return status().Reads - before
		}
		csv, geo := reads("/export/countries.csv"), reads("/export/countries.geojson")
		if geo < csv+3 {
			t.Errorf("the GeoJSON export read %d times from the standby, the countries' CSV %d: want its three counts there too", geo, csv)
		}
		// The standby's own count of the transactions it ran agrees.
		var commits int64
		stby, err := sql.Open("pgx", pair.Standby.DSN)
		if err != nil {
			t.Fatal(err)
		}
		defer stby.Close()
		// (Backends report their counts within a second or so.)
		pgreplica.WaitFor(t, 5*time.Second, "the standby's count of transactions", func() bool {
			if err := stby.QueryRow("SELECT xact_commit FROM pg_stat_database WHERE datname = $1", pgreplica.DBName).Scan(&commits); err != nil {
				t.Fatal(err)
			}
			return commits >= 10
		})
	})

	t.Run("a key reads its own writes", func(t *testing.T) {
		for i := range 100 {
			name := fmt.Sprintf("Asia %d", i)
			setName(t, name)
			if got := nameAs(t, editor); got != name {
				t.Fatalf("write %d: the key reads %q right after writing %q", i, got, name)
			}
		}
		// Once the standby has replayed the write (and a probe has seen
		// it), the key's reads are the standby's again.
		pgreplica.WaitFor(t, 5*time.Second, "the key's reads back on the standby", func() bool {
			before := status().Reads
			return nameAs(t, editor) == "Asia 99" && status().Reads > before
		})
	})

	t.Run("an anonymous read may be stale, the key's is not", func(t *testing.T) {
		pair.WaitReplayed(t)
		old := nameAs(t, "")
		pair.PauseReplay(t)
		defer pair.ResumeReplay(t)
		setName(t, "Asia while paused")
		// Within the lag bound the standby stays in rotation: the
		// anonymous read is its, and stale.
		if got := nameAs(t, ""); got != old {
			t.Errorf("anonymous read with replay paused: %q, want the standby's %q", got, old)
		}
		if !status().Healthy {
			t.Fatal("the standby left the rotation too early for this test")
		}
		if got := nameAs(t, editor); got != "Asia while paused" {
			t.Errorf("the key's read with replay paused: %q", got)
		}
		if got := primaryName(t); got != "Asia while paused" {
			t.Errorf("the primary has %q", got)
		}
	})

	t.Run("the answer cache refills from the primary after a write", func(t *testing.T) {
		// Another server on the same primary and standby, with the answer
		// cache: after a write empties it (NOTIFY from the server that
		// wrote), the standby may not have the write yet, so the refill
		// must come from the primary, never keep the standby's old answer.
		cached := apitest.NewOpts(t, pair.Primary.DSN, server.DefaultConfig(), database.Options{Replicas: []string{pair.Standby.DSN}, ReplicaMaxLag: maxLag})
		read := func() (string, string) {
			t.Helper()
			h, r := cached.Send(t, "", regionQ, map[string]any{"code": "ASIA_PACIFIC"})
			if len(r.Errors) > 0 || r.Status != http.StatusOK {
				t.Fatalf("reading the region: status %d, %+v", r.Status, r.Errors)
			}
			return r.Str("regions.edges.0.node.name"), h.Get("X-Cache")
		}
		pair.WaitReplayed(t)
		pgreplica.WaitFor(t, 5*time.Second, "the cached answer", func() bool { _, hit := read(); return hit == "HIT" })
		pair.PauseReplay(t)
		defer pair.ResumeReplay(t)
		setName(t, "Asia cached")
		// Well within the lag bound, while the standby is in rotation
		// and stale. Until the write's NOTIFY arrives the old answer is
		// still served (within milliseconds: TestAnswerCacheAcrossProcesses).
		deadline := time.Now().Add(maxLag / 2)
		refilled := false
		for {
			name, hit := read()
			if hit == "MISS" {
				// The write's event has emptied the cache: this answer
				// is the refill, and must have the write.
				refilled = true
				if name != "Asia cached" {
					t.Fatalf("the refill after the write read %q: the standby's, not the primary's", name)
				}
			}
			if hit == "HIT" && refilled && name != "Asia cached" {
				t.Fatalf("the cache keeps %q after the write of %q", name, "Asia cached")
			}
			if name == "Asia cached" && hit == "HIT" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("after %s: %q (X-Cache %s), want the new name from the cache", maxLag/2, name, hit)
			}
			time.Sleep(10 * time.Millisecond)
		}
		if !status().Healthy {
			t.Error("the standby left the rotation: the test proved nothing")
		}
	})

	t.Run("a lagging standby leaves the rotation and comes back", func(t *testing.T) {
		pair.PauseReplay(t)
		resumed := false
		defer func() {
			if !resumed {
				pair.ResumeReplay(t)
			}
		}()
		setName(t, "Asia lagging")
		pgreplica.WaitFor(t, maxLag+3*time.Second, "the lagging standby out of rotation", func() bool { return !status().Healthy })
		if got := replicaMetric(t, a, "sscgraph_replica_healthy"); got != "0" {
			t.Errorf("sscgraph_replica_healthy %s while out", got)
		}
		before := status().Reads
		// Out of rotation: every read is the primary's, current.
		if got := nameAs(t, ""); got != "Asia lagging" {
			t.Errorf("anonymous read with the standby out: %q", got)
		}
		if got := status().Reads - before; got != 0 {
			t.Errorf("the lagging standby answered %d reads", got)
		}
		pair.ResumeReplay(t)
		resumed = true
		pgreplica.WaitFor(t, 10*time.Second, "the standby back in rotation", func() bool { return status().Healthy })
		if got := replicaMetric(t, a, "sscgraph_replica_healthy"); got != "1" {
			t.Errorf("sscgraph_replica_healthy %s when back", got)
		}
		before = status().Reads
		if got := nameAs(t, ""); got != "Asia lagging" {
			t.Errorf("anonymous read with the standby back: %q", got)
		}
		if status().Reads == before {
			t.Error("the standby back in rotation answered no read")
		}
	})

	t.Run("the standby stops and restarts under load", func(t *testing.T) {
		var sent, failed atomic.Int64
		var firstErr atomic.Value
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range 4 {
			auth := ""
			if w%2 == 1 {
				auth = editor
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					err := replicaPost(a, auth, `{ regions(first: 10) { edges { node { code name countries(first: 5) { edges { node { code } } } } } } }`)
					sent.Add(1)
					if err != nil {
						failed.Add(1)
						firstErr.CompareAndSwap(nil, err.Error())
					}
				}
			}()
		}
		pair.Bounce(t, 500*time.Millisecond, func() bool { return status().Healthy })
		before := status().Reads
		time.Sleep(500 * time.Millisecond)
		close(stop)
		wg.Wait()
		if n := failed.Load(); n > 0 {
			t.Errorf("%d requests of %d failed while the standby stopped and restarted; the first: %v", n, sent.Load(), firstErr.Load())
		}
		if status().Reads == before {
			t.Error("the restarted standby answered no read")
		}
		t.Logf("%d requests, %d failed", sent.Load(), failed.Load())
	})
}

// post sends a query and returns an error for anything but a clean
// answer (for goroutines, which must not stop the test).
func replicaPost(a *apitest.API, auth, query string) error {
	body, _ := json.Marshal(map[string]any{"query": query})
	req, err := http.NewRequest(http.MethodPost, a.Srv.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := a.Srv.Client().Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var r apitest.Response
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		return fmt.Errorf("status %d: %w", res.StatusCode, err)
	}
	if res.StatusCode != http.StatusOK || len(r.Errors) > 0 || r.Get("regions") == nil {
		return fmt.Errorf("status %d, errors %+v", res.StatusCode, r.Errors)
	}
	return nil
}

// metric returns the value of a series of the server's metrics ("" when
// it is missing).
func replicaMetric(t *testing.T, a *apitest.API, name string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	a.Handler.Metrics().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for _, line := range strings.Split(rec.Body.String(), "\n") {
		if strings.HasPrefix(line, name+"{") {
			return line[strings.LastIndexByte(line, ' ')+1:]
		}
	}
	return ""
}
