package server_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sscgraph/internal/database"
	"sscgraph/internal/server"
)

// BenchmarkExportCSV streams the CSV export of every activity of the
// synthetic data set at scale 1 (100,000) through HTTP, and reports rows
// per second, the time to the first row, and how far the process's heap
// grew while streaming: the peak of HeapInuse, sampled every 5 ms, over
// its value before the export (the target is under 50 MB: an export holds
// a page, never the whole table).
//
// The pages are of 250 rows (the default), and of 125 (a cost limit of
// 2,700 makes them so): memory follows the page size. serve runs with
// GOGC=400; run the benchmark so too:
//
//	GOGC=400 go test ./internal/server -run '^$' -bench BenchmarkExportCSV -benchtime 3x
func BenchmarkExportCSV(b *testing.B) {
	for _, c := range []struct {
		name    string
		maxCost int
	}{{"page=250", 0}, {"page=125", 2_700}} {
		b.Run(c.name, func(b *testing.B) { benchExportCSV(b, exportBenchServer(b, c.maxCost)) })
	}
}

// exportBenchServer serves the synthetic data set with the rate limit off
// and the given cost limit, which sets the export's page size.
func exportBenchServer(b *testing.B, maxCost int) *httptest.Server {
	b.Helper()
	db, err := database.Open(context.Background(), syntheticDB(b), database.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	cfg := server.DefaultConfig()
	cfg.Limits.PerHour = 0
	cfg.Limits.MaxCost = maxCost
	h, err := server.New(db, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	b.Cleanup(func() { srv.Close(); db.Close() })
	return srv
}

func benchExportCSV(b *testing.B, srv *httptest.Server) {
	client := srv.Client()
	var peakGrowth, rows atomic.Int64
	var firstByte time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			tick := time.NewTicker(5 * time.Millisecond)
			defer tick.Stop()
			for {
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if g := int64(m.HeapInuse) - int64(before.HeapInuse); g > peakGrowth.Load() {
					peakGrowth.Store(g)
				}
				select {
				case <-stop:
					return
				case <-tick.C:
				}
			}
		}()
		start := time.Now()
		res, err := client.Get(srv.URL + "/export/activities.csv")
		if err != nil {
			b.Fatal(err)
		}
		if res.StatusCode != http.StatusOK {
			b.Fatalf("status %d", res.StatusCode)
		}
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(nil, 1<<20)
		n := int64(-1) // the header
		for sc.Scan() {
			if n == 0 {
				firstByte = time.Since(start)
			}
			n++
		}
		res.Body.Close()
		close(stop)
		wg.Wait()
		if err := sc.Err(); err != nil {
			b.Fatal(err)
		}
		if n < 100_000 {
			b.Fatalf("%d rows, want the 100,000 activities of scale 1", n)
		}
		rows.Store(n)
	}
	elapsed := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(rows.Load())/elapsed, "rows/s")
	b.ReportMetric(float64(peakGrowth.Load())/(1<<20), "MB-heap-growth")
	b.ReportMetric(float64(firstByte.Milliseconds()), "ms-first-row")
}
