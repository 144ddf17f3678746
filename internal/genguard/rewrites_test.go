package genguard

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const generatedDir = "../../graph/generated"

// TestGQLExecRewritesTookEffect: the committed executor calls every
// hand-written piece of internal/gqlexec, and gqlgen's own are gone.
func TestGQLExecRewritesTookEffect(t *testing.T) {
	if err := CheckRewrites(filepath.Join(generatedDir, "gen_exec.go"), GQLExec); err != nil {
		t.Errorf("got %v, want every rewrite in the generated code", err)
	}
}

// TestGeneratedDirHoldsGeneratedCodeOnly: every Go file of graph/generated
// says it is generated, so that nothing hand-written lives where
// generation may overwrite or delete it (internal/gqlexec is its place).
func TestGeneratedDirHoldsGeneratedCodeOnly(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(generatedDir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("listing %s: %v (%d files)", generatedDir, err, len(files))
	}
	for _, f := range files {
		if !generated(t, f) {
			t.Errorf("got %s without a \"Code generated ... DO NOT EDIT.\" line, want hand-written code in internal/gqlexec", f)
		}
	}
}

// generated reports whether the Go file path carries the generated-code
// comment (https://go.dev/s/generatedcode) before its package clause.
func generated(t *testing.T, path string) bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "package ") {
			return false
		}
		if strings.HasPrefix(line, "// Code generated ") && strings.HasSuffix(line, " DO NOT EDIT.") {
			return true
		}
	}
	return false
}

// TestCheckRewrites: a marker missing, or gqlgen's text still there, is an
// error naming it.
func TestCheckRewrites(t *testing.T) {
	r := Rewrite{Marker: "mine(", Gone: "theirs(", Why: "speed"}
	tests := []struct {
		name, src, wantErr string // wantErr "" for none
	}{
		{"rewritten", "x := mine(1)\n", ""},
		{"not rewritten", "x := theirs(1)\n", `"mine(" is missing (lost: speed)`},
		{"rewritten in part", "x := mine(1)\ny := theirs(2)\n", `"theirs(" is still there`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "gen.go")
			if err := os.WriteFile(p, []byte(tt.src), 0o644); err != nil {
				t.Fatal(err)
			}
			err := CheckRewrites(p, []Rewrite{r})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("got %v, want no error", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("got %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}
