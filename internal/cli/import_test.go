package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sscgraph/internal/pgtest"
)

// importOrder is the order the example files' references need.
var importOrder = []string{"organizations", "consultants", "activities", "offers", "needs"}

// TestImportExamples imports the example files into a database made by
// `sscgraph seed`, as the docs tell newcomers to: every row imports, and
// importing them again changes nothing.
func TestImportExamples(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			var dsn string
			if backend == "sqlite" {
				dsn = filepath.Join(t.TempDir(), "import.db")
			} else {
				dsn = pgtest.EmptySchema(t)
			}
			ctx := context.Background()
			if err := Run(ctx, []string{"seed", "--db", dsn}, noEnv, io.Discard, io.Discard); err != nil {
				t.Fatal(err)
			}
			run := func(args ...string) string {
				t.Helper()
				var out, errOut bytes.Buffer
				if err := Run(ctx, append([]string{"import", "--db", dsn}, args...), noEnv, &out, &errOut); err != nil {
					t.Fatalf("import %v: %v\n%s", args, err, errOut.String())
				}
				return out.String()
			}
			rows := map[string]string{"organizations": "4", "consultants": "3", "activities": "5", "offers": "3", "needs": "3"}
			for _, kind := range importOrder {
				path := filepath.Join("..", "..", "examples", "import", kind+".csv")
				// The flags may also follow the arguments.
				if out := run(kind, path, "--dry-run"); !strings.Contains(out, ": "+rows[kind]+" created, 0 updated, 0 unchanged (dry run") {
					t.Errorf("dry run of %s: %q", kind, out)
				}
				if out := run(kind, path); !strings.Contains(out, rows[kind]+" rows imported") || !strings.Contains(out, ": "+rows[kind]+" created, 0 updated, 0 unchanged") {
					t.Errorf("import of %s: %q", kind, out)
				}
			}
			for _, kind := range importOrder {
				path := filepath.Join("..", "..", "examples", "import", kind+".csv")
				if out := run(kind, path); !strings.Contains(out, ": 0 created, 0 updated, "+rows[kind]+" unchanged") {
					t.Errorf("second import of %s: %q", kind, out)
				}
			}
		})
	}
}

// TestImportReport: a file with bad rows prints one line per problem on
// standard error, FILE:LINE: column COLUMN: reason, then fails with the
// summary (exit status 1).
func TestImportReport(t *testing.T) {
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "report.db")
	if err := Run(ctx, []string{"seed", "--db", dsn}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "orgs.csv")
	content := "ref,name,kind,country,motto\nO-1,Fine,NGO,KE,\nO-2,,NGO,KE,\nO-3,Nowhere,NGO,Atlantis,\n"
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err := Run(ctx, []string{"import", "--db", dsn, "organizations", path}, noEnv, &out, &errOut)
	if code := ExitCode(err); code != 1 {
		t.Fatalf("exit status %d (%v), want 1", code, err)
	}
	want := path + ":1: column motto: unknown column; the columns are ref, demo, name, kind, website, country, sources\n" +
		path + ":3: column name: required, but empty\n" +
		path + `:4: column country: unknown country "Atlantis" (give an ISO 3166-1 alpha-2 or alpha-3 code, such as EG or EGY, or the English name)` + "\n"
	if errOut.String() != want {
		t.Errorf("report\n%s\nwant\n%s", errOut.String(), want)
	}
	if got := err.Error(); got != path+": 2 of 3 rows bad, 3 problems in all; nothing was written" {
		t.Errorf("summary %q", got)
	}
	if out.Len() != 0 {
		t.Errorf("standard output %q, want none", out.String())
	}
}

func TestImportUsageErrors(t *testing.T) {
	dir := t.TempDir()
	txt := filepath.Join(dir, "notes.txt")
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no arguments", nil, 2, "import takes a kind and a file"},
		{"one argument", []string{"activities"}, 2, "import takes a kind and a file"},
		{"unknown kind", []string{"projects", "x.csv"}, 2, `unknown kind "projects"`},
		{"unknown format", []string{"activities", txt}, 2, "is not a .csv or .xlsx file"},
		{"unknown flag", []string{"--force", "activities", "x.csv"}, 2, "unknown flag --force"},
		{"missing file", []string{"activities", filepath.Join(dir, "missing.csv")}, 1, "no such file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"import", "--db", filepath.Join(dir, "u.db")}, tt.args...)
			err := Run(context.Background(), args, noEnv, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
			if code := ExitCode(err); code != tt.code {
				t.Errorf("exit status %d, want %d", code, tt.code)
			}
		})
	}
	// -h lists the kinds and their columns, on stdout.
	var help bytes.Buffer
	err := Run(context.Background(), []string{"import", "-h"}, noEnv, &help, io.Discard)
	if err != nil || !strings.Contains(help.String(), "activities     ref, demo, title*, description") {
		t.Errorf("import -h: %v\n%s", err, help.String())
	}
}
