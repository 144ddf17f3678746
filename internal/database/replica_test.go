package database_test

import (
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sscgraph/ent/region"
	"sscgraph/internal/database"
	"sscgraph/internal/pgreplica"
	"sscgraph/internal/pgtest"
	"sscgraph/internal/viewer"
)

func TestParseLSN(t *testing.T) {
	for _, s := range []string{"0/0", "16/B374D848", "FFFFFFFF/FFFFFFFF"} {
		n, err := database.ParseLSN(s)
		if err != nil {
			t.Fatalf("ParseLSN(%q): %v", s, err)
		}
		if got := database.FormatLSN(n); got != s {
			t.Errorf("FormatLSN(ParseLSN(%q)) = %q", s, got)
		}
	}
	a, _ := database.ParseLSN("0/FFFFFFFF")
	b, _ := database.ParseLSN("1/0")
	if a >= b {
		t.Errorf("0/FFFFFFFF (%d) does not order before 1/0 (%d)", a, b)
	}
	for _, s := range []string{"", "16", "x/1", "1/100000000"} {
		if _, err := database.ParseLSN(s); err == nil {
			t.Errorf("ParseLSN(%q) took it", s)
		}
	}
}

// TestReplicaRefusedOnSQLite: replicas are PostgreSQL's.
func TestReplicaRefusedOnSQLite(t *testing.T) {
	_, err := database.Open(context.Background(), t.TempDir()+"/x.db", database.Options{Replicas: []string{"postgres://h/db"}})
	if err == nil {
		t.Fatal("opened a SQLite file with replicas")
	}
}

// TestReplicaOutAtStart: a replica that does not answer, or that is not
// a standby, does not keep the database from opening; it stays out of
// rotation and every read goes to the primary.
func TestReplicaOutAtStart(t *testing.T) {
	scoped := pgtest.Schema(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	for _, tt := range []struct{ name, replica string }{
		{"refused", fmt.Sprintf("postgres://postgres@127.0.0.1:%d/sscgraph?sslmode=disable", closedPort)},
		// The primary itself: pg_last_wal_replay_lsn() is null there.
		{"not a standby", scoped},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db, err := database.Open(context.Background(), scoped, database.Options{Replicas: []string{tt.replica}})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			read := viewer.WithSystem(context.Background(), viewer.System{Name: "TEST"})
			for range 3 {
				if _, err := db.Client.Region.Query().Count(read); err != nil {
					t.Fatal(err)
				}
				time.Sleep(300 * time.Millisecond)
			}
			if s := db.Replicas()[0]; s.Healthy || s.Reads != 0 {
				t.Errorf("%+v, want out of rotation with no reads", s)
			}
		})
	}
}

// TestReplicaRouting runs against a primary and a real streaming standby
// of its own (package pgreplica): reads outside transactions go to the
// standby, the context can ask for the primary or for a replay position,
// and a standby that lags or stops leaves the rotation without failing a
// read, and comes back.
func TestReplicaRouting(t *testing.T) {
	pair := pgreplica.Start(t)
	ctx := context.Background()
	primary, err := database.Open(ctx, pair.Primary.DSN, database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer primary.Close()
	if _, err := primary.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	pair.WaitReplayed(t)

	const maxLag = time.Second
	db, err := database.Open(ctx, pair.Primary.DSN, database.Options{Replicas: []string{pair.Standby.DSN}, ReplicaMaxLag: maxLag})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	status := func() database.ReplicaStatus { return db.Replicas()[0] }
	if s := status(); !s.Healthy || s.LagSeconds != 0 {
		t.Fatalf("a caught-up standby after the first probe: %+v", s)
	}
	// An idle primary: the lag stays 0 (now() minus the last replayed
	// transaction's time would grow).
	time.Sleep(600 * time.Millisecond)
	if s := status(); !s.Healthy || s.LagSeconds != 0 {
		t.Fatalf("a caught-up standby of an idle primary: %+v", s)
	}

	seq := 0
	// insert writes a region on the primary and returns its code and the
	// primary's position after the commit.
	insert := func(t *testing.T) (string, string) {
		t.Helper()
		seq++
		code := fmt.Sprintf("R%d", seq)
		if _, err := db.SQL.ExecContext(ctx, `INSERT INTO regions (code, name) VALUES ($1, $1)`, code); err != nil {
			t.Fatal(err)
		}
		lsn, err := db.PrimaryLSN(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return code, lsn
	}
	read := viewer.WithSystem(ctx, viewer.System{Name: "TEST"})
	exists := func(ctx context.Context, code string) (bool, error) {
		return db.Client.Region.Query().Where(region.Code(code)).Exist(ctx)
	}

	t.Run("reads on the standby", func(t *testing.T) {
		before := status().Reads
		for range 20 {
			if _, err := db.Client.Region.Query().Count(read); err != nil {
				t.Fatal(err)
			}
		}
		if got := status().Reads - before; got != 20 {
			t.Errorf("the standby answered %d reads of 20", got)
		}
		before = status().Reads
		if _, err := db.Client.Region.Query().Count(database.OnPrimary(read)); err != nil {
			t.Fatal(err)
		}
		if got := status().Reads - before; got != 0 {
			t.Errorf("OnPrimary: the standby answered %d reads", got)
		}
	})

	t.Run("replayed at least", func(t *testing.T) {
		for range 50 {
			code, lsn := insert(t)
			ok, err := exists(database.ReplayedAtLeast(read, lsn), code)
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				t.Fatalf("a read after ReplayedAtLeast(%s) does not see %s", lsn, code)
			}
		}
		// OnPrimary wins, before or after.
		ctx := database.ReplayedAtLeast(database.OnPrimary(read), "0/0")
		before := status().Reads
		if _, err := exists(ctx, "none"); err != nil {
			t.Fatal(err)
		}
		if got := status().Reads - before; got != 0 {
			t.Errorf("OnPrimary then ReplayedAtLeast: the standby answered %d reads", got)
		}
	})

	t.Run("lag", func(t *testing.T) {
		pair.PauseReplay(t)
		resumed := false
		defer func() {
			if !resumed {
				pair.ResumeReplay(t)
			}
		}()
		code, _ := insert(t)
		pgreplica.WaitFor(t, 5*time.Second, "the paused standby out of rotation", func() bool { return !status().Healthy })
		if s := status(); s.LagSeconds <= maxLag.Seconds() {
			t.Errorf("out of rotation with lag %v s", s.LagSeconds)
		}
		before := status().Reads
		ok, err := exists(read, code)
		if err != nil || !ok {
			t.Fatalf("a read with the standby out sees %s: %v, %v", code, ok, err)
		}
		if got := status().Reads - before; got != 0 {
			t.Errorf("the lagging standby answered %d reads", got)
		}
		pair.ResumeReplay(t)
		resumed = true
		pgreplica.WaitFor(t, 5*time.Second, "the resumed standby back in rotation", func() bool { return status().Healthy })
		if s := status(); s.LagSeconds > maxLag.Seconds() {
			t.Errorf("back in rotation with lag %v s", s.LagSeconds)
		}
	})

	t.Run("standby stops and comes back", func(t *testing.T) {
		var reads, failed atomic.Int64
		var firstErr atomic.Value
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					if _, err := db.Client.Region.Query().Count(read); err != nil {
						failed.Add(1)
						firstErr.CompareAndSwap(nil, err)
					}
					reads.Add(1)
				}
			}()
		}
		pair.Bounce(t, 300*time.Millisecond, func() bool { return status().Healthy })
		before := status().Reads
		time.Sleep(300 * time.Millisecond)
		close(stop)
		wg.Wait()
		if n := failed.Load(); n > 0 {
			t.Errorf("%d reads of %d failed while the standby stopped; the first: %v", n, reads.Load(), firstErr.Load())
		}
		if status().Reads == before {
			t.Error("the restarted standby answered no read")
		}
		t.Logf("%d reads, none failed", reads.Load())
	})
}

// BenchmarkReplicaRead: one ent read through the router, on the standby
// and, with OnPrimary, on the primary (both clusters on this machine: the
// figure is the router's cost, not the scaling replicas give). Each runs
// twice, alternating, since the first runs warm both servers.
func BenchmarkReplicaRead(b *testing.B) {
	pair := pgreplica.Start(b)
	ctx := context.Background()
	primary, err := database.Open(ctx, pair.Primary.DSN, database.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := primary.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	for i := range 50 {
		if _, err := primary.SQL.ExecContext(ctx, `INSERT INTO regions (code, name) VALUES ($1, $1)`, fmt.Sprintf("R%d", i)); err != nil {
			b.Fatal(err)
		}
	}
	primary.Close()
	pair.WaitReplayed(b)
	db, err := database.Open(ctx, pair.Primary.DSN, database.Options{Replicas: []string{pair.Standby.DSN}})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	read := viewer.WithSystem(ctx, viewer.System{Name: "TEST"})
	for _, bb := range []struct {
		name string
		ctx  context.Context
	}{{"primary", database.OnPrimary(read)}, {"replica", read}, {"primary_again", database.OnPrimary(read)}, {"replica_again", read}} {
		b.Run(bb.name, func(b *testing.B) {
			for b.Loop() {
				regions, err := db.Client.Region.Query().All(bb.ctx)
				if err != nil || len(regions) != 50 {
					b.Fatalf("%d regions, %v", len(regions), err)
				}
			}
		})
	}
}
