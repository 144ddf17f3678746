package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"sscgraph/internal/gid"
)

// Secrets the environment of the help tests holds: no usage text may
// print them, nor the built-in ID secret.
const (
	envIDSecret   = "env-id-secret-3f9a"
	envDBPassword = "db-password-77c1"
)

// secretEnv is an environment with an ID secret and a PostgreSQL --db
// with a password, as a deployment has, and a value for every other
// variable named like a secret, so that a flag added later that takes its
// default from one is checked too.
func secretEnv(k string) string {
	switch {
	case k == "SSCGRAPH_ID_SECRET":
		return envIDSecret
	case k == "SSCGRAPH_DB":
		return "postgres://sscgraph:" + envDBPassword + "@db.internal:5432/sscgraph"
	case secretFlag.MatchString(strings.ReplaceAll(strings.ToLower(k), "_", "-")):
		return "leaked-" + k
	}
	return ""
}

// runMain runs the command line as the process does (Main), returning
// its exit status and what it printed.
func runMain(t *testing.T, args []string, getenv Getenv) (code int, stdout, stderr string) {
	t.Helper()
	var out, errs bytes.Buffer
	code = Main(context.Background(), args, getenv, &out, &errs)
	return code, out.String(), errs.String()
}

// TestHelp: every command answers -h and --help with its usage on stdout
// and exit status 0, and no usage text holds a secret.
func TestHelp(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want []string // substrings of stdout
	}{
		{[]string{"-h"}, []string{"usage: sscgraph <command>", "version  print the version"}},
		{[]string{"--help"}, []string{"usage: sscgraph <command>"}},
		{[]string{"help"}, []string{"usage: sscgraph <command>"}},
		{[]string{"help", "serve"}, []string{"usage: sscgraph serve", "-metrics-addr"}},
		{[]string{"serve", "-h"}, []string{"usage: sscgraph serve", "-addr string", "-id-secret string", `(default "postgres://sscgraph:xxxxx@db.internal:5432/sscgraph")`}},
		{[]string{"serve", "--help"}, []string{"usage: sscgraph serve"}},
		{[]string{"seed", "-h"}, []string{"usage: sscgraph seed", "-synthetic"}},
		{[]string{"migrate", "-h"}, []string{"usage: sscgraph migrate", "-dry-run", "built-in development secret"}},
		{[]string{"key", "-h"}, []string{"usage: sscgraph key <subcommand>", "key create --role ROLE", "key revoke ID"}},
		{[]string{"key", "--help"}, []string{"usage: sscgraph key <subcommand>"}},
		{[]string{"key", "help"}, []string{"usage: sscgraph key <subcommand>"}},
		{[]string{"help", "key"}, []string{"usage: sscgraph key <subcommand>"}},
		{[]string{"key", "create", "-h"}, []string{"usage: sscgraph key create", "-role string", "built-in development secret"}},
		{[]string{"key", "list", "--help"}, []string{"usage: sscgraph key list", "-db string"}},
		{[]string{"key", "revoke", "-h"}, []string{"usage: sscgraph key revoke ID"}},
		{[]string{"import", "-h"}, []string{"usage: sscgraph import", "activities     ref, demo, title*", "built-in development secret"}},
		{[]string{"schema", "-h"}, []string{"usage: sscgraph schema"}},
		{[]string{"schema", "--help"}, []string{"usage: sscgraph schema"}},
		{[]string{"version", "-h"}, []string{"usage: sscgraph version"}},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := runMain(t, tt.args, secretEnv)
			if code != 0 || stderr != "" {
				t.Errorf("exit status %d, stderr %q; want 0 and nothing", code, stderr)
			}
			for _, want := range tt.want {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout does not say %q:\n%s", want, stdout)
				}
			}
			for _, secret := range []string{gid.DefaultSecret, envIDSecret, envDBPassword, "leaked-"} {
				if strings.Contains(stdout+stderr, secret) {
					t.Errorf("the usage prints the secret %q", secret)
				}
			}
			if strings.Contains(stdout, "type Query") {
				t.Error("the usage prints the schema")
			}
		})
	}
}

// TestUsageMistakes: an unknown flag, argument, command or subcommand
// exits 2 with one line that names the problem and points to the
// command's -h, prints nothing on stdout, and opens no database.
func TestUsageMistakes(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "never.db")
	for _, tt := range []struct {
		args []string
		want string // the whole line on stderr
	}{
		{[]string{"frobnicate"}, `sscgraph: unknown command "frobnicate" (see 'sscgraph -h')`},
		{[]string{"schema", "--bogus"}, `sscgraph: unknown flag --bogus (see 'sscgraph schema -h')`},
		{[]string{"schema", "extra"}, `sscgraph: unexpected arguments: extra (see 'sscgraph schema -h')`},
		{[]string{"version", "--bogus"}, `sscgraph: unknown flag --bogus (see 'sscgraph version -h')`},
		{[]string{"serve", "--bogus"}, `sscgraph: unknown flag --bogus (see 'sscgraph serve -h')`},
		{[]string{"serve", "--db"}, `sscgraph: flag --db needs a value (see 'sscgraph serve -h')`},
		{[]string{"serve", "--db", db, "--max-cost", "-1"}, `sscgraph: --max-cost must not be negative, got -1 (see 'sscgraph serve -h')`},
		{[]string{"seed", "--db", db, "--scale", "x"}, `sscgraph: invalid value "x" for flag --scale: parse error (see 'sscgraph seed -h')`},
		{[]string{"seed", "--db", db, "extra"}, `sscgraph: unexpected arguments: extra (see 'sscgraph seed -h')`},
		{[]string{"migrate", "--db", db, "--nope"}, `sscgraph: unknown flag --nope (see 'sscgraph migrate -h')`},
		{[]string{"key"}, `sscgraph: key needs a subcommand: create, list or revoke (see 'sscgraph key -h')`},
		{[]string{"key", "--db", db}, `sscgraph: unknown key subcommand "--db": use create, list or revoke (see 'sscgraph key -h')`},
		{[]string{"key", "rotate"}, `sscgraph: unknown key subcommand "rotate": use create, list or revoke (see 'sscgraph key -h')`},
		{[]string{"key", "create", "--db", db, "--bogus"}, `sscgraph: unknown flag --bogus (see 'sscgraph key create -h')`},
		{[]string{"key", "create", "--db", db}, `sscgraph: key create needs --role: ADMIN, EDITOR or MEMBER (see 'sscgraph key create -h')`},
		{[]string{"key", "create", "--db", db, "--role", "ADMIN", "extra"}, `sscgraph: key create takes no arguments besides flags (see 'sscgraph key create -h')`},
		{[]string{"key", "list", "--db", db, "extra"}, `sscgraph: key list takes no arguments besides flags (see 'sscgraph key list -h')`},
		{[]string{"key", "revoke", "--db", db}, `sscgraph: key revoke takes one key ID, as key list shows it (see 'sscgraph key revoke -h')`},
		{[]string{"import", "--db", db, "--force", "activities", "x.csv"}, `sscgraph: unknown flag --force (see 'sscgraph import -h')`},
		{[]string{"import", "--db", db, "activities"}, `sscgraph: import takes a kind and a file: sscgraph import [--dry-run] KIND FILE (see 'sscgraph import -h')`},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := runMain(t, tt.args, noEnv)
			if code != 2 {
				t.Errorf("exit status %d, want 2", code)
			}
			if stderr != tt.want+"\n" {
				t.Errorf("stderr %q\nwant    %q", stderr, tt.want+"\n")
			}
			if stdout != "" {
				t.Errorf("stdout %.200q, want nothing", stdout)
			}
			if _, err := os.Stat(db); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the mistake created the database file (%v)", err)
			}
		})
	}
}

// TestVersion: version and --version print the module's version and Go's.
func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		code, stdout, stderr := runMain(t, args, noEnv)
		if code != 0 || stderr != "" {
			t.Errorf("%s: exit status %d, stderr %q", args, code, stderr)
		}
		want := "go      " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
		if !strings.HasPrefix(stdout, "sscgraph ") || !strings.HasSuffix(stdout, want) {
			t.Errorf("%s printed %q, want sscgraph's version first and %q last", args, stdout, want)
		}
	}
	goLine := "go      " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	for _, tt := range []struct {
		name string
		info *debug.BuildInfo
		ok   bool
		want string
	}{
		{"release from git", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.time", Value: "2026-12-07T10:00:00Z"}, {Key: "vcs.modified", Value: "false"},
		}}, true, "sscgraph v1.2.0\ncommit  0123abcd\ntime    2026-12-07T10:00:00Z\n" + goLine},
		{"uncommitted changes", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.time", Value: "2026-12-07T10:00:00Z"}, {Key: "vcs.modified", Value: "true"},
		}}, true, "sscgraph (devel)\ncommit  0123abcd (modified: built with uncommitted changes)\ntime    2026-12-07T10:00:00Z\n" + goLine},
		{"no VCS information", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true,
			"sscgraph (devel)\ncommit  unknown (the binary holds no version control information)\n" + goLine},
		{"no build information", nil, false,
			"sscgraph (unknown)\ncommit  unknown (the binary holds no version control information)\n" + goLine},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionText(tt.info, tt.ok); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestServeAddressInUse: with an address serve needs already taken (a
// second sscgraph on the defaults), serve stops before it opens the
// database, naming the address and the flag that moves it.
func TestServeAddressInUse(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	addr := taken.Addr().String()
	free := freeAddr(t)
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"API", []string{"--addr", addr, "--metrics-addr", "off"},
			"--addr " + addr + " is in use (another sscgraph?): choose another with --addr"},
		{"metrics", []string{"--addr", "127.0.0.1:0", "--metrics-addr", addr},
			"--metrics-addr " + addr + " is in use (another sscgraph?): choose another with --metrics-addr, or --metrics-addr off"},
		{"profiles", []string{"--addr", "127.0.0.1:0", "--metrics-addr", "off", "--pprof-addr", addr},
			"--pprof-addr " + addr + " is in use (another sscgraph?): choose another with --pprof-addr"},
		{"profiles and metrics on one address", []string{"--addr", "127.0.0.1:0", "--metrics-addr", addr, "--pprof-addr", addr},
			"--pprof-addr " + addr + " is in use (another sscgraph?): choose another with --pprof-addr; choose another with --metrics-addr, or --metrics-addr off"},
		{"metrics after free profiles", []string{"--addr", "127.0.0.1:0", "--pprof-addr", free, "--metrics-addr", addr},
			"--metrics-addr " + addr + " is in use"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "s.db")
			args := append([]string{"serve", "--db", db, "--id-secret", "s3cret-for-tests"}, tt.args...)
			code, stdout, stderr := runMain(t, args, noEnv)
			if code != 1 {
				t.Errorf("exit status %d, want 1", code)
			}
			last := stderr[strings.LastIndex(strings.TrimSuffix(stderr, "\n"), "\n")+1:]
			if want := "sscgraph: " + tt.want; !strings.HasPrefix(last, want) {
				t.Errorf("last line of stderr %q, want it to start with %q", last, want)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
			if _, err := os.Stat(db); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("serve opened the database before it had its listeners (%v)", err)
			}
			// Every listener bound before the failure is released.
			if ln, err := net.Listen("tcp", free); err != nil {
				t.Errorf("%s is still held: %v", free, err)
			} else {
				ln.Close()
			}
		})
	}
}

// TestDatabasePath: a SQLite --db that cannot be opened is explained in
// plain words naming the path, by every command that opens it, and
// nothing is created.
func TestDatabasePath(t *testing.T) {
	dir := t.TempDir()
	notDir := filepath.Join(dir, "plain-file")
	if err := os.WriteFile(notDir, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	type pathCase struct {
		name, db, want string
	}
	cases := []pathCase{
		{"missing directory", filepath.Join(dir, "nope", "s.db"),
			"database " + filepath.Join(dir, "nope", "s.db") + ": directory " + filepath.Join(dir, "nope") + " does not exist"},
		{"missing directory in a file: URI", "file:" + filepath.Join(dir, "nope", "s.db") + "?_busy_timeout=5000",
			"database " + filepath.Join(dir, "nope", "s.db") + ": directory " + filepath.Join(dir, "nope") + " does not exist"},
		{"parent is a file", filepath.Join(notDir, "s.db"),
			"database " + filepath.Join(notDir, "s.db") + ": " + notDir + " is not a directory"},
		{"a directory", dir, "database " + dir + " is a directory"},
	}
	if os.Geteuid() != 0 {
		// Root writes anywhere: these run as another user only.
		ro := filepath.Join(dir, "read-only")
		if err := os.Mkdir(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		roFile := filepath.Join(dir, "ro.db")
		if err := os.WriteFile(roFile, nil, 0o444); err != nil {
			t.Fatal(err)
		}
		cases = append(cases,
			pathCase{"read-only directory", filepath.Join(ro, "s.db"),
				"database " + filepath.Join(ro, "s.db") + ": permission denied: directory " + ro + " is not writable"},
			pathCase{"read-only file", roFile, "database " + roFile + ": permission denied: the file is read-only"})
	} else {
		t.Log("running as root: the read-only cases are left out")
	}
	for _, pc := range cases {
		for _, cmd := range [][]string{
			{"serve", "--addr", "127.0.0.1:0", "--metrics-addr", "off"},
			{"seed"},
			{"migrate"},
			{"migrate", "--dry-run"},
			{"key", "list"},
		} {
			t.Run(pc.name+"/"+strings.Join(cmd, " "), func(t *testing.T) {
				code, stdout, stderr := runMain(t, append(cmd, "--db", pc.db), noEnv)
				if code != 1 {
					t.Errorf("exit status %d, want 1", code)
				}
				last := stderr[strings.LastIndex(strings.TrimSuffix(stderr, "\n"), "\n")+1:]
				if want := "sscgraph: " + pc.want; !strings.HasPrefix(last, want) {
					t.Errorf("last line of stderr %q, want it to start with %q", last, want)
				}
				if strings.Contains(stderr, "unable to open database file") {
					t.Errorf("stderr has SQLite's words: %q", stderr)
				}
				if stdout != "" {
					t.Errorf("stdout %q, want nothing", stdout)
				}
			})
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "nope")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the missing directory was created (%v)", err)
	}
}

// TestMigrateDryRun: a dry run on a file that does not exist lists every
// migration and leaves no file behind; on a migrated file it finds none
// pending.
func TestMigrateDryRun(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "new.db")
	code, stdout, stderr := runMain(t, []string{"migrate", "--dry-run", "--db", db}, noEnv)
	if code != 0 {
		t.Fatalf("exit status %d: %s", code, stderr)
	}
	pending := strings.Count(stdout, "pending  ")
	if pending < 10 || !strings.Contains(stdout, "pending  20261125094835_initial.sql\n") || !strings.Contains(stdout, "CREATE TABLE `activities`") || strings.Contains(stdout, "applied  ") {
		t.Errorf("%d migrations pending; want every one, with its SQL:\n%.500s", pending, stdout)
	}
	if want := db + " does not exist: a new database would get all "; !strings.Contains(stdout, want) {
		t.Errorf("stdout does not say %q:\n...%s", want, stdout[max(0, len(stdout)-300):])
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the dry run left %d files behind (%s, …)", len(entries), entries[0].Name())
	}

	code, stdout, stderr = runMain(t, []string{"migrate", "--db", db}, noEnv)
	if code != 0 || !strings.HasSuffix(stdout, "migrations applied\n") || strings.Count(stdout, "applied  ") != pending {
		t.Fatalf("migrate: exit status %d, %d applied, want %d: %s%s", code, strings.Count(stdout, "applied  "), pending, stdout, stderr)
	}
	code, stdout, _ = runMain(t, []string{"migrate", "--dry-run", "--db", db}, noEnv)
	if want := "0 pending of "; code != 0 || !strings.Contains(stdout, want) || strings.Count(stdout, "applied  ") != pending {
		t.Errorf("dry run on the migrated file: exit status %d, want %q and %d applied:\n%s", code, want, pending, stdout)
	}
}

// TestOpenLine: the line for people names pages a browser can open:
// localhost for an address on every interface.
func TestOpenLine(t *testing.T) {
	for _, tt := range []struct{ addr, want string }{
		{"[::]:8080", "http://localhost:8080"},
		{"0.0.0.0:8080", "http://localhost:8080"},
		{"127.0.0.1:9000", "http://127.0.0.1:9000"},
		{"[::1]:8080", "http://[::1]:8080"},
		{"192.0.2.7:80", "http://192.0.2.7:80"},
	} {
		addr, err := net.ResolveTCPAddr("tcp", tt.addr)
		if err != nil {
			t.Fatal(err)
		}
		b := tt.want
		want := "open " + b + "/ (GraphiQL, to write queries), " + b + "/dashboard/ (dashboard); the API is " + b + "/graphql"
		if got := openLine(addr); got != want {
			t.Errorf("openLine(%s) = %q\nwant %q", tt.addr, got, want)
		}
	}
}

// TestServePrintsWhereToOpen: after the listen line that scripts read,
// serve prints the pages a person can open, and each answers.
func TestServePrintsWhereToOpen(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		args := []string{"serve", "--addr", "127.0.0.1:0", "--metrics-addr", "off", "--db", filepath.Join(t.TempDir(), "o.db")}
		done <- Run(ctx, args, noEnv, pw, io.Discard)
		pw.Close()
	}()
	r := bufio.NewReader(pr)
	listenLine, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("reading the listen line: %v (serve returned %v)", err, <-done)
	}
	openText, err := r.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	_, api, ok := strings.Cut(strings.TrimSpace(listenLine), "sscgraph listening on ")
	if !ok || !strings.HasPrefix(api, "http://127.0.0.1:") || !strings.HasSuffix(api, "/graphql") {
		t.Fatalf("listen line %q", listenLine)
	}
	base := strings.TrimSuffix(api, "/graphql")
	want := "open " + base + "/ (GraphiQL, to write queries), " + base + "/dashboard/ (dashboard); the API is " + api + "\n"
	if openText != want {
		t.Errorf("second line %q\nwant        %q", openText, want)
	}
	for path, mark := range map[string]string{"/": "graphiql", "/dashboard/": "<html"} {
		status, body := httpGet(t, base+path)
		if status != http.StatusOK || !strings.Contains(strings.ToLower(body), mark) {
			t.Errorf("GET %s: status %d, want 200 with %q; got %.200s", path, status, mark, body)
		}
	}
	cancel()
	waitStopped(t, done)
}
