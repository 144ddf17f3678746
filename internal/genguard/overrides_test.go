package genguard

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"text/template/parse"
)

const entDir = "../../ent"

// TestFastpathOverridesTookEffect: the committed generated code carries
// the marker of every override of fastpaths.tmpl, so each of them is in
// use.
func TestFastpathOverridesTookEffect(t *testing.T) {
	if err := CheckOverrides(entDir, Fastpaths); err != nil {
		t.Errorf("got %v, want every override's marker in the generated code", err)
	}
}

// TestEveryOverrideWritesItsMarker: Fastpaths lists exactly the templates
// fastpaths.tmpl defines, and each definition writes its marker, so a new
// override cannot go unchecked.
func TestEveryOverrideWritesItsMarker(t *testing.T) {
	text, err := os.ReadFile(filepath.Join(entDir, "template", "fastpaths.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	// ent's template functions are not needed to read the definitions.
	tree := parse.New("fastpaths.tmpl")
	tree.Mode = parse.SkipFuncCheck
	defs := map[string]*parse.Tree{}
	if _, err := tree.Parse(string(text), "", "", defs); err != nil {
		t.Fatalf("parsing fastpaths.tmpl: %v", err)
	}
	var defined, listed []string
	for name, def := range defs {
		if name == "fastpaths.tmpl" {
			continue // the file's own top level: comments only
		}
		defined = append(defined, name)
		if !strings.Contains(def.Root.String(), Marker(name)) {
			t.Errorf("got definition %q without its marker, want %q in it", name, Marker(name))
		}
	}
	for _, o := range Fastpaths {
		listed = append(listed, o.Template)
	}
	slices.Sort(defined)
	slices.Sort(listed)
	if !slices.Equal(defined, listed) {
		t.Errorf("got definitions %q in fastpaths.tmpl, want those of Fastpaths %q", defined, listed)
	}
}

// TestCheckOverrides: a missing marker, or files that are not there, is
// an error naming the template.
func TestCheckOverrides(t *testing.T) {
	o := Override{Template: "a/template", Files: "*/where.go", Why: "speed"}
	tests := []struct {
		name    string
		files   map[string]string
		wantErr string // "" for none
	}{
		{"marker in one file", map[string]string{"x/where.go": "package x\n", "y/where.go": "package y\n" + Marker(o.Template) + "\n"}, ""},
		{"marker missing", map[string]string{"x/where.go": "package x\n// sscgraph:override another\n"}, "a/template (in */where.go; lost: speed)"},
		{"marker in another file", map[string]string{"x/client.go": Marker(o.Template)}, "a/template"},
		{"no files", nil, "a/template"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, text := range tt.files {
				p := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			err := CheckOverrides(dir, []Override{o})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("got %v, want no error", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("got %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}
