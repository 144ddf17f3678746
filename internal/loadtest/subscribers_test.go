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

	"sscgraph/ent/matchoffer"
	"sscgraph/internal/auth"
	"sscgraph/internal/database"
	"sscgraph/internal/dataset"
	"sscgraph/internal/loadtest"
	"sscgraph/internal/server"
)

// TestRunSubscribers runs the subscribers mode with a few subscribers
// against the real handler: every offer reaches every subscriber, and the
// offers it wrote are gone afterwards.
func TestRunSubscribers(t *testing.T) {
	ctx := context.Background()
	db, err := database.Open(ctx, filepath.Join(t.TempDir(), "l.db"), database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := dataset.Load(ctx, db.Client, dataset.Size{Organizations: 2, Offers: 2, Needs: 2}, dataset.DefaultSeed); err != nil {
		t.Fatal(err)
	}
	_, key, err := auth.Create(ctx, db.Client, auth.CreateOptions{Role: auth.RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	h, err := server.New(db, server.DefaultConfig(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	const subscribers, offers = 20, 3
	res, err := loadtest.RunSubscribers(ctx, loadtest.SubscriberOptions{URL: srv.URL + "/graphql", Subscribers: subscribers, Offers: offers, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	if res.Missed != 0 || res.Delivery.Requests != subscribers*offers || res.Write.Requests != offers {
		t.Errorf("missed %d, %d deliveries, %d writes; want 0, %d, %d", res.Missed, res.Delivery.Requests, res.Write.Requests, subscribers*offers, offers)
	}
	var out bytes.Buffer
	res.Report(&out)
	if !strings.Contains(out.String(), "delivery") || !strings.Contains(out.String(), "p99") {
		t.Errorf("report:\n%s", out.String())
	}
	if n, err := db.Client.MatchOffer.Query().Where(matchoffer.TitleHasPrefix("sscgraph-load")).Count(ctx); err != nil || n != 0 {
		t.Errorf("%d offers of the run are left (%v)", n, err)
	}
	if _, err := loadtest.RunSubscribers(ctx, loadtest.SubscriberOptions{URL: srv.URL + "/graphql", Subscribers: 1, Offers: 1}); err == nil {
		t.Error("the mode ran without a key to post offers with")
	}
}
