package database_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sscgraph/ent/region"
	"sscgraph/internal/database"
	"sscgraph/internal/pgreplica"
	"sscgraph/internal/viewer"
)

// TestTwoStandbys: with two standbys (--db-replica twice) reads take
// turns between them; a standby that lags is left out while the other
// still serves every read, a key's read-your-writes included (the
// primary is not needed while one standby has replayed the write); a
// standby that stops leaves the rotation without a read failing, and
// both serve again once it is back.
func TestTwoStandbys(t *testing.T) {
	one := pgreplica.Start(t)
	two := one.AddStandby(t)
	ctx := context.Background()
	primary, err := database.Open(ctx, one.Primary.DSN, database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer primary.Close()
	if _, err := primary.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	one.WaitReplayed(t)
	two.WaitReplayed(t)

	const maxLag = time.Second
	db, err := database.Open(ctx, one.Primary.DSN, database.Options{
		Replicas: []string{one.Standby.DSN, two.Standby.DSN}, ReplicaMaxLag: maxLag})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	reads := func() (int64, int64) {
		s := db.Replicas()
		return s[0].Reads, s[1].Reads
	}
	healthy := func(i int) func() bool { return func() bool { return db.Replicas()[i].Healthy } }
	read := viewer.WithSystem(ctx, viewer.System{Name: "TEST"})
	count := func(ctx context.Context) {
		t.Helper()
		if _, err := db.Client.Region.Query().Count(ctx); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("reads take turns", func(t *testing.T) {
		a0, b0 := reads()
		for range 40 {
			count(read)
		}
		a, b := reads()
		if a-a0 != 20 || b-b0 != 20 {
			t.Errorf("40 reads: %d on the first standby, %d on the second; want 20 each", a-a0, b-b0)
		}
	})

	t.Run("a lagging standby is left out, the other serves read-your-writes", func(t *testing.T) {
		one.PauseReplay(t)
		resumed := false
		defer func() {
			if !resumed {
				one.ResumeReplay(t)
			}
		}()
		if _, err := db.SQL.ExecContext(ctx, `INSERT INTO regions (code, name) VALUES ('TWO', 'two')`); err != nil {
			t.Fatal(err)
		}
		lsn, err := db.PrimaryLSN(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// A read that must see the write never goes to the paused
		// standby: to the primary until the router's probe has seen the
		// second standby replay it, then to the second standby.
		two.WaitReplayed(t)
		onSecond := false
		for deadline := time.Now().Add(3 * time.Second); !onSecond && time.Now().Before(deadline); {
			a0, b0 := reads()
			ok, err := db.Client.Region.Query().Where(region.Code("TWO")).Exist(database.ReplayedAtLeast(read, lsn))
			if err != nil || !ok {
				t.Fatalf("a read after ReplayedAtLeast(%s) sees the write: %v, %v", lsn, ok, err)
			}
			a, b := reads()
			if a != a0 {
				t.Fatal("a read that must see the write went to the paused standby")
			}
			onSecond = b == b0+1
			time.Sleep(20 * time.Millisecond)
		}
		if !onSecond {
			t.Error("in 3 s no read that must see the write went to the second standby, which has replayed it")
		}
		pgreplica.WaitFor(t, 5*time.Second, "the paused standby out of rotation", func() bool { return !healthy(0)() })
		a0, b0 := reads()
		for range 10 {
			count(read)
		}
		if a, b := reads(); a != a0 || b-b0 != 10 {
			t.Errorf("with the first standby out: %d reads there, %d on the second; want 0 and 10", a-a0, b-b0)
		}
		one.ResumeReplay(t)
		resumed = true
		pgreplica.WaitFor(t, 5*time.Second, "the resumed standby back in rotation", healthy(0))
	})

	t.Run("a standby stops under load and comes back", func(t *testing.T) {
		var n, failed atomic.Int64
		var firstErr atomic.Value
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					if _, err := db.Client.Region.Query().Count(read); err != nil {
						failed.Add(1)
						firstErr.CompareAndSwap(nil, fmt.Sprint(err))
					}
					n.Add(1)
				}
			})
		}
		var during int64
		two.Bounce(t, 300*time.Millisecond, func() bool {
			if !healthy(1)() {
				// Out of rotation: the first standby carries the reads.
				a0, _ := reads()
				time.Sleep(50 * time.Millisecond)
				a, _ := reads()
				during = max(during, a-a0)
				return false
			}
			return true
		})
		a0, b0 := reads()
		time.Sleep(300 * time.Millisecond)
		close(stop)
		wg.Wait()
		if f := failed.Load(); f > 0 {
			t.Errorf("%d reads of %d failed while a standby stopped; the first: %v", f, n.Load(), firstErr.Load())
		}
		if during == 0 {
			t.Error("while the second standby was out, the first answered no read")
		}
		if a, b := reads(); a == a0 || b == b0 {
			t.Errorf("after the restart: %d reads on the first standby, %d on the second; want both", a-a0, b-b0)
		}
		t.Logf("%d reads, none failed", n.Load())
	})
}
