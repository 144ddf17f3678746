package schemalint

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// requireLinter returns the path of graphql-schema-linter, skipping the
// test when node or the npm modules are missing. SSCGRAPH_SCHEMALINT_TEST=1
// (set by .ci/run) makes them required, so that CI cannot pass without
// the linter.
func requireLinter(t *testing.T) string {
	t.Helper()
	linter, err := filepath.Abs(filepath.Join("node_modules", ".bin", "graphql-schema-linter"))
	if err == nil {
		if _, err = exec.LookPath("node"); err == nil {
			_, err = os.Stat(linter)
		}
	}
	if err != nil {
		if os.Getenv("SSCGRAPH_SCHEMALINT_TEST") == "1" {
			t.Fatalf("SSCGRAPH_SCHEMALINT_TEST=1 but the linter cannot run (%v): install Node.js and run npm ci in test/schemalint", err)
		}
		t.Skipf("the linter cannot run (%v): install Node.js and run npm ci in test/schemalint, or set SSCGRAPH_SCHEMALINT_TEST=1 to require it", err)
	}
	return linter
}

// lint runs graphql-schema-linter with this directory's configuration on
// schema, returning its exit status and output.
func lint(t *testing.T, linter, schema string) (int, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "schema.graphql")
	if err := os.WriteFile(path, []byte(schema), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(linter, "-c", ".", "-f", "compact", path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("running graphql-schema-linter: %v\n%s", err, out)
		}
	}
	return cmd.ProcessState.ExitCode(), string(out)
}

// TestLinterPassesAndRequiresDescriptions runs the linter as .ci/run does
// on schema.graphql, then on copies that each lose one description, to
// show that the configuration requires descriptions of every kind.
func TestLinterPassesAndRequiresDescriptions(t *testing.T) {
	linter := requireLinter(t)
	b, err := os.ReadFile(filepath.Join("..", "..", "schema.graphql"))
	if err != nil {
		t.Fatalf("reading schema.graphql: %v", err)
	}
	schema := string(b)
	if code, out := lint(t, linter, schema); code != 0 {
		t.Fatalf("graphql-schema-linter fails on schema.graphql (exit %d):\n%s", code, out)
	}
	for _, c := range []struct {
		rule, described string
	}{
		// One element of each kind, with the description the schema
		// gives it (the test fails when it no longer does: pick another).
		{"types-have-descriptions", "\"\"\"\nThe six official languages of the United Nations, in which the programme works.\n\"\"\"\nenum Language"},
		{"fields-have-descriptions", "\t\"\"\"\n\tThe suggested offer.\n\t\"\"\"\n\toffer: MatchOffer!"},
		{"arguments-have-descriptions", "\t\t\"\"\"\n\t\tThe topic's code, e.g. PATENTS.\n\t\t\"\"\"\n\t\tcode: String!"},
		{"enum-values-have-descriptions", "\t\"\"\"\n\tArabic.\n\t\"\"\"\n\tAR"},
		{"input-object-values-have-descriptions", "\t\"\"\"\n\tOnly Activities that do not match this filter.\n\t\"\"\"\n\tnot: ActivityWhereInput"},
	} {
		t.Run(c.rule, func(t *testing.T) {
			if !strings.Contains(schema, c.described) {
				t.Fatalf("schema.graphql has no %q: pick another example", c.described)
			}
			bare := c.described[strings.LastIndex(c.described, "\"\"\"\n")+4:]
			code, out := lint(t, linter, strings.Replace(schema, c.described, bare, 1))
			if code == 0 || !strings.Contains(out, "("+c.rule+")") {
				t.Errorf("without the description of %q, the linter exits %d and does not report %s:\n%s", strings.TrimSpace(bare), code, c.rule, out)
			}
		})
	}
}
