package loadtest_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sscgraph/internal/database"
	"sscgraph/internal/dataset"
	"sscgraph/internal/loadtest"
	"sscgraph/internal/server"
)

// TestRunAgainstTheAPI runs the default mix for a moment against the real
// handler on the demo data: every query of the mix must succeed.
func TestRunAgainstTheAPI(t *testing.T) {
	ctx := context.Background()
	db, err := database.Open(ctx, filepath.Join(t.TempDir(), "l.db"), database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := dataset.Load(ctx, db.Client, dataset.DemoSize(), dataset.DefaultSeed); err != nil {
		t.Fatal(err)
	}
	cfg := server.DefaultConfig()
	cfg.Limits.PerHour = 0
	h, err := server.New(db, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	res, err := loadtest.Run(ctx, loadtest.Options{URL: srv.URL + "/graphql", Duration: 700 * time.Millisecond, Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range res.ByQuery {
		if s.Requests == 0 || s.Errors > 0 {
			t.Errorf("%s: %d requests, %d errors", name, s.Requests, s.Errors)
		}
	}
	var out bytes.Buffer
	res.Report(&out)
	if !strings.Contains(out.String(), "nested_4_levels") || !strings.Contains(out.String(), "p99") {
		t.Errorf("report:\n%s", out.String())
	}
	if _, err := loadtest.Run(ctx, loadtest.Options{URL: "http://192.0.2.1/graphql", Duration: time.Second, Concurrency: 1}); err == nil {
		t.Error("a remote target was accepted without AllowRemote")
	}
}
