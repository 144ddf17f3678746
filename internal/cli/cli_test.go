package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func noEnv(string) string { return "" }

// TestSchemaFileIsCurrent is the drift test: schema.graphql, the file API
// users read, is what the code serves.
func TestSchemaFileIsCurrent(t *testing.T) {
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"schema"}, noEnv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("../../schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), committed) {
		t.Error("schema.graphql is stale: run go generate ./...")
	}
	if strings.Contains(out.String(), "@goModel") || strings.Contains(out.String(), "@goField") {
		t.Error("the public schema shows gqlgen's code-generation directives")
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "no command"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"unknown flag", []string{"serve", "--nope"}, "flag provided but not defined"},
		{"stray argument", []string{"seed", "extra"}, "unexpected arguments"},
		{"scale out of range", []string{"seed", "--synthetic", "--scale", "0"}, "--scale must be between 1 and 100"},
		{"bad log format", []string{"serve", "--log-format", "xml"}, "--log-format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Run(context.Background(), tt.args, noEnv, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
			if code := ExitCode(err); code != 2 {
				t.Errorf("exit code = %d, want 2", code)
			}
		})
	}
}

// TestServe runs `serve` as a newcomer does, on a new database file and a
// free port: it creates the schema, loads the dataset, answers queries, and
// stops cleanly when its context ends.
func TestServe(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "new.db")
	env := map[string]string{"SSCGRAPH_DB": dbPath}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the listen line: %v (serve returned %v)", err, <-done)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	_, url, ok := strings.Cut(strings.TrimSpace(line), "listening on ")
	if !ok {
		t.Fatalf("first line %q does not say where sscgraph listens", line)
	}
	base := strings.TrimSuffix(url, "/graphql")

	res, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("/healthz: status %d", res.StatusCode)
	}
	res, err = http.Post(url, "application/json", strings.NewReader(`{"query":"{ countries { totalCount } activities(where: {demo: true}) { totalCount } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Data struct {
			Countries, Activities struct{ TotalCount int }
		}
	}
	err = json.NewDecoder(res.Body).Decode(&body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if body.Data.Countries.TotalCount != 249 || body.Data.Activities.TotalCount != 400 {
		t.Errorf("got %d countries and %d demo activities, want 249 and 400", body.Data.Countries.TotalCount, body.Data.Activities.TotalCount)
	}
	if _, err := os.Stat(dbPath); err != nil {
		t.Errorf("database file: %v", err)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after its context ended, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop within 10 s of its context ending")
	}
}

// TestSeedThenServeLoadsOnce seeds a file and checks a second load is
// refused rather than duplicating the dataset.
func TestSeedThenServeLoadsOnce(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "seeded.db")
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"seed", "--db", dbPath}, noEnv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Activities:400") {
		t.Errorf("seed output %q does not report 400 activities", out.String())
	}
	err := Run(context.Background(), []string{"seed", "--db", dbPath}, noEnv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "already holds") {
		t.Errorf("second seed: err = %v, want a refusal to load twice", err)
	}
}
