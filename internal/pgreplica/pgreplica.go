// Package pgreplica gives tests a PostgreSQL primary and a streaming
// standby of their own: two clusters of Debian's postgresql-common
// (pg_createcluster) on free ports, the standby made with
// pg_basebackup -R, both dropped when the test ends. The shared cluster
// is never touched. Tests that need one skip, saying why, where the tools
// are missing or may not be run (not root nor postgres); with CI=true or
// SSCGRAPH_REPLICA_TEST=1 they fail instead. The commands are those of
// docs/operations.md, "Read replicas". It is imported by tests only.
package pgreplica

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"

	"sscgraph/internal/database"
)

// Version is the PostgreSQL major version of the clusters.
const Version = "15"

// DBName is the database made on the primary (and so on the standby).
const DBName = "sscgraph"

// Cluster is one of the pair.
type Cluster struct {
	Name string
	Port int
	// DSN names DBName on the cluster, as the superuser postgres.
	DSN string
}

// Pair is a primary and its streaming standby.
type Pair struct {
	Primary, Standby Cluster
	asPostgres       []string // the prefix that runs a command as postgres
}

var seq atomic.Int64

// RequiredEnv, set to 1, makes a test that cannot have its standby fail
// instead of skipping, as CI=true does.
const RequiredEnv = "SSCGRAPH_REPLICA_TEST"

// Required reports whether a test must fail rather than skip when it
// cannot have its standby: in CI.
func Required() bool {
	return os.Getenv("CI") == "true" || os.Getenv(RequiredEnv) == "1"
}

// Available returns why clusters cannot be made here, or "" when they can.
func Available() string {
	for _, tool := range []string{"pg_createcluster", "pg_ctlcluster", "pg_dropcluster", "pg_basebackup"} {
		if _, err := exec.LookPath(tool); err != nil {
			return tool + " is not installed (package postgresql-common and postgresql-" + Version + ")"
		}
	}
	if _, err := os.Stat("/usr/lib/postgresql/" + Version + "/bin/postgres"); err != nil {
		return "PostgreSQL " + Version + " is not installed"
	}
	if os.Geteuid() == 0 {
		if _, err := exec.LookPath("runuser"); err != nil {
			return "runuser is missing: pg_basebackup must run as postgres"
		}
		return ""
	}
	if u, err := user.Current(); err == nil && u.Username == "postgres" {
		return ""
	}
	return "making clusters needs root or the postgres user"
}

// Start makes and starts a primary and its standby, dropped when t ends.
// It skips t when that cannot be done here (see Available), or fails it
// when CI=true.
func Start(t testing.TB) *Pair {
	t.Helper()
	if why := Available(); why != "" {
		if Required() {
			t.Fatalf("a streaming standby is needed and cannot be made: %s", why)
		}
		t.Skipf("SKIP: no streaming standby for this test: %s (CI=true or %s=1 makes this a failure)", why, RequiredEnv)
	}
	dropStale(t)
	p := &Pair{}
	if os.Geteuid() == 0 {
		p.asPostgres = []string{"runuser", "-u", "postgres", "--"}
	}
	n := seq.Add(1)
	p.Primary = newCluster(t, fmt.Sprintf("sscg_p_%d_%d", os.Getpid(), n))
	p.Standby = newCluster(t, fmt.Sprintf("sscg_s_%d_%d", os.Getpid(), n))

	// The primary: a cluster of its own, ready to stream to standbys.
	p.create(t, p.Primary)
	p.run(t, "pg_ctlcluster", Version, p.Primary.Name, "start")
	admin := open(t, fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", p.Primary.Port))
	if _, err := admin.Exec("CREATE DATABASE " + DBName); err != nil {
		t.Fatalf("creating database %s on the primary: %v", DBName, err)
	}
	admin.Close()

	p.makeStandby(t)
	return p
}

// AddStandby makes and starts a second standby of p's primary, dropped
// when t ends, and returns it as a pair with the same primary: its
// methods act on the new standby.
func (p *Pair) AddStandby(t testing.TB) *Pair {
	t.Helper()
	q := &Pair{Primary: p.Primary, asPostgres: p.asPostgres}
	q.Standby = newCluster(t, fmt.Sprintf("sscg_s_%d_%d", os.Getpid(), seq.Add(1)))
	q.makeStandby(t)
	return q
}

// makeStandby makes p.Standby a cluster whose configuration
// pg_createcluster writes, and whose data directory is replaced by a base
// backup of the primary (-R writes standby.signal and primary_conninfo),
// and starts it.
func (p *Pair) makeStandby(t testing.TB) {
	t.Helper()
	p.create(t, p.Standby)
	dataDir := p.dataDir(p.Standby)
	// Emptied, not removed: its parent may not be postgres's to write.
	p.run(t, "find", dataDir, "-mindepth", "1", "-delete")
	p.run(t, append(p.asPostgres, "pg_basebackup", "-h", "127.0.0.1", "-p", fmt.Sprint(p.Primary.Port),
		"-U", "postgres", "-D", dataDir, "-R", "-X", "stream", "-c", "fast")...)
	p.StartStandby(t)
}

func newCluster(t testing.TB, name string) Cluster {
	port := freePort(t)
	return Cluster{Name: name, Port: port,
		DSN: fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", port, DBName)}
}

// create makes cluster c with the settings of a streaming pair and trust
// for local connections (replication included), and drops it when t ends.
func (p *Pair) create(t testing.TB, c Cluster) {
	t.Helper()
	p.run(t, "pg_createcluster", Version, c.Name, "-p", fmt.Sprint(c.Port),
		"-o", "wal_level=replica",
		"-o", "max_wal_senders=5",
		"-o", "hot_standby=on",
		// A replica's statements are not cancelled by replay for 30 s
		// (the default, 30 s, kept explicit: the tests pause replay).
		"-o", "max_standby_streaming_delay=30s",
		"-o", "fsync=off",
		"-o", "shared_buffers=32MB")
	t.Cleanup(func() {
		// --stop: the cluster may be running.
		if out, err := exec.Command("pg_dropcluster", "--stop", Version, c.Name).CombinedOutput(); err != nil {
			t.Errorf("pg_dropcluster %s: %v: %s", c.Name, err, out)
		}
	})
	hba := "local all all trust\n" +
		"local replication all trust\n" +
		"host all all 127.0.0.1/32 trust\n" +
		"host replication all 127.0.0.1/32 trust\n"
	path := fmt.Sprintf("/etc/postgresql/%s/%s/pg_hba.conf", Version, c.Name)
	if err := os.WriteFile(path, []byte(hba), 0o640); err != nil {
		t.Fatalf("writing %s: %v", path, err)
	}
}

func (p *Pair) dataDir(c Cluster) string {
	return fmt.Sprintf("/var/lib/postgresql/%s/%s", Version, c.Name)
}

// StopStandby stops the standby at once (fast shutdown: its connections
// are closed).
func (p *Pair) StopStandby(t testing.TB) {
	t.Helper()
	p.run(t, "pg_ctlcluster", Version, p.Standby.Name, "stop", "-m", "fast")
}

// StartStandby starts the standby and waits until it accepts reads.
func (p *Pair) StartStandby(t testing.TB) {
	t.Helper()
	p.run(t, "pg_ctlcluster", Version, p.Standby.Name, "start")
	db := open(t, p.Standby.DSN)
	defer db.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var inRecovery bool
		err := db.QueryRow("SELECT pg_is_in_recovery()").Scan(&inRecovery)
		if err == nil && inRecovery {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the standby %s does not answer as a standby: in recovery %v, %v", p.Standby.Name, inRecovery, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// PauseReplay stops the standby's replay of the WAL it receives: it lags
// from the primary's next write on.
func (p *Pair) PauseReplay(t testing.TB) { p.standbyExec(t, "SELECT pg_wal_replay_pause()") }

// ResumeReplay resumes it.
func (p *Pair) ResumeReplay(t testing.TB) { p.standbyExec(t, "SELECT pg_wal_replay_resume()") }

// WaitReplayed waits until the standby has replayed everything the
// primary had written when it was called.
func (p *Pair) WaitReplayed(t testing.TB) {
	t.Helper()
	prim := open(t, p.Primary.DSN)
	defer prim.Close()
	var lsn string
	if err := prim.QueryRow("SELECT pg_current_wal_lsn()::text").Scan(&lsn); err != nil {
		t.Fatalf("reading the primary's WAL position: %v", err)
	}
	want, err := database.ParseLSN(lsn)
	if err != nil {
		t.Fatal(err)
	}
	stby := open(t, p.Standby.DSN)
	defer stby.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var got sql.NullString
		err := stby.QueryRow("SELECT pg_last_wal_replay_lsn()::text").Scan(&got)
		if err == nil && got.Valid {
			if n, err := database.ParseLSN(got.String); err == nil && n >= want {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the standby has not replayed %s in 30 s (at %v, %v)", lsn, got.String, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (p *Pair) standbyExec(t testing.TB, stmt string) {
	t.Helper()
	db := open(t, p.Standby.DSN)
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), stmt); err != nil {
		t.Fatalf("%s on the standby: %v", stmt, err)
	}
}

func (p *Pair) run(t testing.TB, args ...string) {
	t.Helper()
	out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func open(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("opening %s: %v", dsn, err)
	}
	return db
}

// freePort returns a TCP port nothing listens on now.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("finding a free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// dropStale drops the clusters of test processes that ended without
// dropping theirs (killed at a timeout): named sscg_p_<pid>_<n> or
// sscg_s_<pid>_<n> after a process that no longer runs.
func dropStale(t testing.TB) {
	out, err := exec.Command("pg_lsclusters", "-h").Output()
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != Version {
			continue
		}
		parts := strings.Split(f[1], "_")
		if len(parts) != 4 || parts[0] != "sscg" || (parts[1] != "p" && parts[1] != "s") {
			continue
		}
		if _, err := os.Stat("/proc/" + parts[2]); err == nil {
			continue
		}
		if out, err := exec.Command("pg_dropcluster", "--stop", Version, f[1]).CombinedOutput(); err != nil {
			t.Logf("dropping the stale cluster %s: %v: %s", f[1], err, out)
		}
	}
}

// WaitFor waits up to limit for cond to hold, checking every 20 ms, and
// fails the test naming what it waited for.
func WaitFor(t testing.TB, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", limit, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Bounce stops the standby and starts it again while the caller's load
// runs: after pause, the standby stops; once healthy reports it out of
// rotation and pause has passed again, it starts; Bounce returns when
// healthy reports it back.
func (p *Pair) Bounce(t testing.TB, pause time.Duration, healthy func() bool) {
	t.Helper()
	time.Sleep(pause)
	p.StopStandby(t)
	WaitFor(t, 5*time.Second, "the stopped standby out of rotation", func() bool { return !healthy() })
	time.Sleep(pause)
	p.StartStandby(t)
	WaitFor(t, 15*time.Second, "the restarted standby back in rotation", healthy)
}
