// Package schemacheck holds the test of the breaking-change check that
// .ci/run runs (check.mjs, acknowledged.cjs): it has no Go code of its own.
package schemacheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// requireNode returns the path of node, skipping the test when node or
// the npm modules are missing. SSCGRAPH_SCHEMACHECK_TEST=1 (set by
// .ci/run) makes them required, so that CI cannot pass without the check.
func requireNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join("node_modules", ".bin", "graphql-inspector"))
	}
	if err != nil {
		if os.Getenv("SSCGRAPH_SCHEMACHECK_TEST") == "1" {
			t.Fatalf("SSCGRAPH_SCHEMACHECK_TEST=1 but the check cannot run (%v): install Node.js and run npm ci in test/schemacheck", err)
		}
		t.Skipf("the schema check cannot run (%v): install Node.js and run npm ci in test/schemacheck, or set SSCGRAPH_SCHEMACHECK_TEST=1 to require it", err)
	}
	return node
}

// schemaNow is the repository's schema.graphql.
func schemaNow(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "schema.graphql"))
	if err != nil {
		t.Fatalf("reading schema.graphql: %v", err)
	}
	return string(b)
}

// edit replaces the first old in schema with new, failing when schema
// has no old (the test's example must exist in the schema).
func edit(t *testing.T, schema, old, new string) string {
	t.Helper()
	if !strings.Contains(schema, old) {
		t.Fatalf("schema.graphql has no %q: pick another example for this test", old)
	}
	return strings.Replace(schema, old, new, 1)
}

const (
	// APIKey.hint, the first field so named, with its description (the
	// next field has one too: two in a row would not parse).
	hintDesc      = "\t\"\"\"\n\tThe key's first characters, to tell keys apart in listings.\n\t\"\"\"\n"
	hint          = hintDesc + "\thint: String!\n"
	unreleased    = "# Changelog\n\n## Unreleased\n\n%s\n\n## 1.0.0\n\n%s\n"
	namedNowhere  = "- nothing yet"
	namesHint     = "- `APIKey.hint` is gone: read `name` instead."
	namesOtherKey = "- `APIKey.hints` is gone."
)

func changelog(now, released string) string {
	return strings.Replace(strings.Replace(unreleased, "%s", now, 1), "%s", released, 1)
}

func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatalf("writing %s: %v", p, err)
	}
	return p
}

// run runs check.mjs with args and returns whether it passed and what it
// printed.
func run(t *testing.T, node, dir string, args ...string) (bool, string) {
	t.Helper()
	script, err := filepath.Abs("check.mjs")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, append([]string{script}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if _, exit := err.(*exec.ExitError); err != nil && !exit {
		t.Fatalf("running check.mjs: %v", err)
	}
	return err == nil, string(out)
}

// TestSchemaCheck: a breaking difference from the baseline fails unless
// CHANGELOG's Unreleased section names its path; other differences pass.
func TestSchemaCheck(t *testing.T) {
	node := requireNode(t)
	now := schemaNow(t)
	tests := []struct {
		name      string
		schema    string
		changelog string
		pass      bool
		says      string // in the output
	}{
		{"unchanged", now, changelog(namedNowhere, namedNowhere), true, "No changes detected"},
		{"type added (not breaking)", now + "\n\"A type.\"\ntype Extra { \"A field.\" a: Int }\n",
			changelog(namedNowhere, namedNowhere), true, "Type Extra was added"},
		{"field removed, not named", edit(t, now, hint, ""), changelog(namedNowhere, namedNowhere), false, "Field hint was removed from object type APIKey"},
		{"field removed, another path named", edit(t, now, hint, ""), changelog(namesOtherKey, namedNowhere), false, "Detected 1 breaking change"},
		{"field removed, named in an old release only", edit(t, now, hint, ""), changelog(namedNowhere, namesHint), false, "Detected 1 breaking change"},
		{"field removed, named in Unreleased", edit(t, now, hint, ""), changelog(namesHint, namedNowhere), true, "named in CHANGELOG as `APIKey.hint`"},
		{"field type changed, not named", edit(t, now, hint, hintDesc+"\thint: String\n"), changelog(namedNowhere, namedNowhere), false, "Field APIKey.hint changed type from String! to String"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, "schema.baseline.graphql", now)
			write(t, dir, "schema.graphql", tt.schema)
			write(t, dir, "CHANGELOG.md", tt.changelog)
			pass, out := run(t, node, dir, "schema.baseline.graphql", "schema.graphql", "CHANGELOG.md")
			if pass != tt.pass {
				t.Errorf("got pass %v, want %v; output:\n%s", pass, tt.pass, out)
			}
			if !strings.Contains(out, tt.says) {
				t.Errorf("got output without %q:\n%s", tt.says, out)
			}
		})
	}
}

// TestSchemaCheckHistory: the baseline may move over a breaking change
// only in a commit whose CHANGELOG names it, so copying the schema over
// the baseline cannot hide a break.
func TestSchemaCheckHistory(t *testing.T) {
	node := requireNode(t)
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git on PATH")
	}
	now := schemaNow(t)
	broken := edit(t, now, hint, "")
	tests := []struct {
		name      string
		changelog string // of the commit that moves the baseline
		pass      bool
		says      string
	}{
		{"moved without the entry", changelog(namedNowhere, namedNowhere), false, "moved over a breaking change that CHANGELOG did not name"},
		{"moved with the entry", changelog(namesHint, namedNowhere), true, "named in CHANGELOG as `APIKey.hint`"},
		{"moved when released", changelog(namedNowhere, namesHint), true, "named in CHANGELOG as `APIKey.hint`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			git := func(args ...string) {
				t.Helper()
				cmd := exec.Command("git", append([]string{"-c", "user.name=test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"}, args...)...)
				cmd.Dir = dir
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("git %v: %v\n%s", args, err, out)
				}
			}
			git("init", "-q")
			write(t, dir, "schema.baseline.graphql", now)
			write(t, dir, "schema.graphql", now)
			write(t, dir, "CHANGELOG.md", changelog(namedNowhere, namedNowhere))
			git("add", ".")
			git("commit", "-q", "-m", "baseline")
			// The field goes, and the baseline is copied from the schema.
			write(t, dir, "schema.baseline.graphql", broken)
			write(t, dir, "schema.graphql", broken)
			write(t, dir, "CHANGELOG.md", tt.changelog)
			git("commit", "-q", "-a", "-m", "field removed, baseline moved")
			pass, out := run(t, node, dir, "--history", "schema.baseline.graphql", "schema.graphql", "CHANGELOG.md")
			if pass != tt.pass {
				t.Errorf("got pass %v, want %v; output:\n%s", pass, tt.pass, out)
			}
			if !strings.Contains(out, tt.says) {
				t.Errorf("got output without %q:\n%s", tt.says, out)
			}
		})
	}
}
