package pubsub_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"sscgraph/ent"
	"sscgraph/ent/match"
	"sscgraph/ent/matchoffer"
	"sscgraph/ent/schema/schematype"
	"sscgraph/internal/database"
	"sscgraph/internal/dataset"
	"sscgraph/internal/pgtest"
	"sscgraph/internal/pubsub"
	"sscgraph/internal/viewer"
)

// hookDBs open a small dataset on each database kind.
func hookDBs(t *testing.T) map[string]func(t *testing.T) *database.DB {
	open := func(t *testing.T, dsn string) *database.DB {
		db, err := database.Open(t.Context(), dsn, database.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		size := dataset.Size{Organizations: 3, Offers: 3, Needs: 3, Matches: 1}
		if _, err := dataset.Load(t.Context(), db.Client, size, dataset.DefaultSeed); err != nil {
			t.Fatal(err)
		}
		return db
	}
	dbs := map[string]func(t *testing.T) *database.DB{
		"sqlite": func(t *testing.T) *database.DB { return open(t, filepath.Join(t.TempDir(), "hooks.db")) },
	}
	if pgtest.DSN() != "" {
		dbs["postgres"] = func(t *testing.T) *database.DB { return open(t, pgtest.Schema(t)) }
	}
	return dbs
}

// none asserts that no event is queued for s.
func none(t *testing.T, s *pubsub.Subscription, when string) {
	t.Helper()
	select {
	case e := <-s.Events():
		t.Fatalf("%s: got %+v, want no event", when, e)
	default:
	}
}

// TestRegister checks that the hooks publish the events of committed
// writes, after the commit, and nothing for writes that roll back, that
// the privacy rules refuse, or that change no state the subscriptions
// follow.
func TestRegister(t *testing.T) {
	for name, open := range hookDBs(t) {
		t.Run(name, func(t *testing.T) {
			db := open(t)
			client := db.Client
			broker := pubsub.NewLocal(16)
			pubsub.Register(client, broker, discard)
			sub, err := broker.Subscribe(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			sys := viewer.WithSystem(t.Context(), viewer.System{Name: "TEST"})
			template, err := client.MatchOffer.Query().Order(matchoffer.ByID()).First(sys)
			if err != nil {
				t.Fatal(err)
			}
			need, err := client.MatchNeed.Query().First(sys)
			if err != nil {
				t.Fatal(err)
			}
			newOffer := func(ctx context.Context, c *ent.Client, title string) (*ent.MatchOffer, error) {
				return c.MatchOffer.Create().SetTitle(title).SetKind(schematype.MatchKindTechnical).
					SetStatus(matchoffer.StatusOPEN).SetProviderID(template.ProviderID).Save(ctx)
			}
			var offer *ent.MatchOffer
			var proposed *ent.Match

			for _, step := range []struct {
				name string
				run  func(t *testing.T)
			}{
				{"a write in a transaction publishes when it commits", func(t *testing.T) {
					tx, err := client.Tx(sys)
					if err != nil {
						t.Fatal(err)
					}
					if offer, err = newOffer(sys, tx.Client(), "Committed offer"); err != nil {
						t.Fatal(err)
					}
					none(t, sub, "before the commit")
					if err := tx.Commit(); err != nil {
						t.Fatal(err)
					}
					if got, want := next(t, sub), (pubsub.Event{Kind: pubsub.Offer, Op: pubsub.Created, ID: offer.ID}); got != want {
						t.Fatalf("got %+v, want %+v", got, want)
					}
				}},
				{"a write that rolls back publishes nothing", func(t *testing.T) {
					tx, err := client.Tx(sys)
					if err != nil {
						t.Fatal(err)
					}
					if _, err := newOffer(sys, tx.Client(), "Rolled back offer"); err != nil {
						t.Fatal(err)
					}
					if err := tx.Rollback(); err != nil {
						t.Fatal(err)
					}
					none(t, sub, "after the rollback")
				}},
				{"a write the rules refuse publishes nothing", func(t *testing.T) {
					anonymous := viewer.With(t.Context(), &viewer.Viewer{})
					if _, err := newOffer(anonymous, client, "Refused offer"); !errors.Is(err, viewer.ErrUnauthenticated) {
						t.Fatalf("anonymous create: %v, want ErrUnauthenticated", err)
					}
					none(t, sub, "after the refusal")
				}},
				{"an update outside a transaction publishes at once", func(t *testing.T) {
					if _, err := client.MatchOffer.UpdateOneID(offer.ID).SetTitle("Renamed offer").Save(sys); err != nil {
						t.Fatal(err)
					}
					if got, want := next(t, sub), (pubsub.Event{Kind: pubsub.Offer, Op: pubsub.Updated, ID: offer.ID}); got != want {
						t.Fatalf("got %+v, want %+v", got, want)
					}
				}},
				{"a bulk update publishes each row it changed", func(t *testing.T) {
					ids, err := client.MatchOffer.Query().Where(matchoffer.ProviderID(template.ProviderID)).Order(matchoffer.ByID()).IDs(sys)
					if err != nil {
						t.Fatal(err)
					}
					if _, err := client.MatchOffer.Update().Where(matchoffer.ProviderID(template.ProviderID)).SetDescription("bulk").Save(sys); err != nil {
						t.Fatal(err)
					}
					got := map[int]bool{}
					for range ids {
						e := next(t, sub)
						if e.Kind != pubsub.Offer || e.Op != pubsub.Updated {
							t.Fatalf("got %+v, want an offer update", e)
						}
						got[e.ID] = true
					}
					for _, id := range ids {
						if !got[id] {
							t.Errorf("no event for offer %d", id)
						}
					}
				}},
				{"a new match names its need and offer", func(t *testing.T) {
					if proposed, err = client.Match.Create().SetStatus(match.StatusPROPOSED).SetScore(0.5).
						SetOfferID(offer.ID).SetNeedID(need.ID).Save(sys); err != nil {
						t.Fatal(err)
					}
					want := pubsub.Event{Kind: pubsub.Match, Op: pubsub.Created, ID: proposed.ID, Need: need.ID, Offer: offer.ID, Status: "PROPOSED"}
					if got := nextOf(t, sub, pubsub.Match); got != want {
						t.Fatalf("got %+v, want %+v", got, want)
					}
				}},
				{"a match's change of status names its need and offer, other changes publish nothing", func(t *testing.T) {
					if _, err := client.Match.UpdateOneID(proposed.ID).SetScore(0.75).Save(sys); err != nil {
						t.Fatal(err)
					}
					none(t, sub, "after a change of score")
					if _, err := client.Match.UpdateOneID(proposed.ID).SetStatus(match.StatusWITHDRAWN).Save(sys); err != nil {
						t.Fatal(err)
					}
					want := pubsub.Event{Kind: pubsub.Match, Op: pubsub.Updated, ID: proposed.ID, Need: need.ID, Offer: offer.ID, Status: "WITHDRAWN"}
					if got := nextOf(t, sub, pubsub.Match); got != want {
						t.Fatalf("got %+v, want %+v", got, want)
					}
				}},
				{"a need's change publishes", func(t *testing.T) {
					if _, err := client.MatchNeed.UpdateOneID(need.ID).SetDescription("changed").Save(sys); err != nil {
						t.Fatal(err)
					}
					if got, want := nextOf(t, sub, pubsub.Need), (pubsub.Event{Kind: pubsub.Need, Op: pubsub.Updated, ID: need.ID}); got != want {
						t.Fatalf("got %+v, want %+v", got, want)
					}
				}},
			} {
				if !t.Run(step.name, step.run) {
					return
				}
			}
		})
	}
}

// nextOf returns the next event of kind, passing over others: the
// lifecycle rules may change postings along with a match.
func nextOf(t *testing.T, s *pubsub.Subscription, kind pubsub.Kind) pubsub.Event {
	t.Helper()
	for {
		if e := next(t, s); e.Kind == kind {
			return e
		}
	}
}
