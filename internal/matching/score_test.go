package matching

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"sscgraph/ent"
	"sscgraph/ent/matchneed"
	"sscgraph/ent/matchoffer"
	"sscgraph/internal/database"
	"sscgraph/internal/dataset"
	"sscgraph/internal/gid"
	"sscgraph/internal/pgtest"
)

// demoDBs returns the demo data on SQLite, and on PostgreSQL when
// SSCGRAPH_TEST_POSTGRES names a database.
func demoDBs(t *testing.T) map[string]*ent.Client {
	t.Helper()
	ctx := context.Background()
	dsns := map[string]string{"sqlite": filepath.Join(t.TempDir(), "demo.db")}
	if pgtest.DSN() != "" {
		dsns["postgres"] = pgtest.Schema(t)
	}
	out := map[string]*ent.Client{}
	for name, dsn := range dsns {
		db, err := database.Open(ctx, dsn, database.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := dataset.Load(ctx, db.Client, dataset.DemoSize(), dataset.DefaultSeed); err != nil {
			t.Fatal(err)
		}
		out[name] = db.Client
	}
	return out
}

// TestSuggestionScorePairIsTheRanking: for every OPEN need of the demo data, the
// score and reasons ScorePair gives each suggested offer are the ranking's;
// a pair that is no candidate scores 0 without reasons; rankings are in
// score order, ties by key; and the same instant ranks the same twice,
// while a later day ranks older offers lower.
func TestSuggestionScorePairIsTheRanking(t *testing.T) {
	for name, client := range demoDBs(t) {
		t.Run(name, func(t *testing.T) { testScorePairIsTheRanking(t, client) })
	}
}

func testScorePairIsTheRanking(t *testing.T, client *ent.Client) {
	ctx := gid.NewContext(context.Background(), useCodec(t))
	now := time.Date(2026, 11, 28, 15, 4, 5, 0, time.UTC)
	needs := client.MatchNeed.Query().Where(matchneed.StatusEQ(matchneed.StatusOPEN)).Order(ent.Asc(matchneed.FieldID)).AllX(ctx)
	offers := client.MatchOffer.Query().Order(ent.Asc(matchoffer.FieldID)).AllX(ctx)
	pairs, zeros := 0, 0
	for _, n := range needs {
		conn, err := Offers(ctx, client, n.ID, Page{First: MaxFirst, Total: true}, Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if conn.TotalCount != len(conn.Edges) {
			t.Errorf("need %d: totalCount %d for %d suggestions", n.ID, conn.TotalCount, len(conn.Edges))
		}
		again, err := Offers(ctx, client, n.ID, Page{First: MaxFirst}, Options{Now: now.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		suggested := map[int]*OfferSuggestion{}
		for i, e := range conn.Edges {
			suggested[e.Node.Offer.ID] = e.Node
			if i > 0 {
				prev := conn.Edges[i-1].Node
				if prev.Score < e.Node.Score || (prev.Score == e.Node.Score && prev.Offer.ID > e.Node.Offer.ID) {
					t.Errorf("need %d: #%d is out of order", n.ID, i)
				}
			}
			// Within the day, the ranking does not move.
			if a := again.Edges[i].Node; a.Offer.ID != e.Node.Offer.ID || a.Score != e.Node.Score {
				t.Errorf("need %d: an hour later #%d is offer %d (%v), was %d (%v)", n.ID, i, a.Offer.ID, a.Score, e.Node.Offer.ID, e.Node.Score)
			}
		}
		for _, o := range offers {
			score, reasons, err := scorePair(ctx, client, n.ID, o.ID, now)
			if err != nil {
				t.Fatal(err)
			}
			if s, ok := suggested[o.ID]; ok {
				pairs++
				if score != s.Score || !slices.Equal(reasons, s.Reasons) {
					t.Errorf("need %d, offer %d: ScorePair %v %q, the ranking %v %q", n.ID, o.ID, score, reasons, s.Score, s.Reasons)
				}
				continue
			}
			if score < 0 || score > 1 || (score == 0) != (len(reasons) == 0) {
				t.Errorf("need %d, offer %d: score %v with reasons %q", n.ID, o.ID, score, reasons)
			}
			if score == 0 {
				zeros++
			}
		}
	}
	if pairs == 0 || zeros == 0 {
		t.Fatalf("compared %d suggested pairs and %d non-candidates: the demo data no longer exercises both", pairs, zeros)
	}

	// A year on, every offer is older: freshness falls, and no score rises.
	n := needs[0]
	before, err := Offers(ctx, client, n.ID, Page{First: MaxFirst}, Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(before.Edges) == 0 {
		t.Fatal("nothing suggested for the first need")
	}
	o := before.Edges[0].Node.Offer
	later, _, err := scorePair(ctx, client, n.ID, o.ID, now.AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if !(later < before.Edges[0].Node.Score) {
		t.Errorf("a year later offer %d scores %v, was %v", o.ID, later, before.Edges[0].Node.Score)
	}

	// The exported ScorePair ranks as of now.
	current, err := Offers(ctx, client, n.ID, Page{First: 1}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(current.Edges) > 0 {
		e := current.Edges[0].Node
		score, reasons, err := ScorePair(ctx, client, n, e.Offer)
		if err != nil {
			t.Fatal(err)
		}
		if score != e.Score || !slices.Equal(reasons, e.Reasons) {
			t.Errorf("ScorePair %v %q, the ranking %v %q", score, reasons, e.Score, e.Reasons)
		}
	}
}
