package apierr

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestNoCodeLiteralsOutsideApierr walks the module's hand-written Go files
// (tests and generated code aside) and fails on any string literal that
// spells an error code or a SERVICE_UNAVAILABLE reason: they are named
// through this package's constants, so that a code's meaning and its HTTP
// status (the status table) have one home.
func TestNoCodeLiteralsOutsideApierr(t *testing.T) {
	spelled := declared(t, "Code")
	for r := range declared(t, "Reason") {
		spelled[r] = true
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatalf("finding the module root: %v", err)
	}
	self, err := filepath.Abs(".")
	if err != nil {
		t.Fatalf("finding this package: %v", err)
	}
	fset := token.NewFileSet()
	files := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path == self || name == "testdata" || name == "vendor" || (path != root && strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		if ast.IsGenerated(f) {
			return nil
		}
		files++
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			if s, err := strconv.Unquote(lit.Value); err == nil && spelled[s] {
				rel, _ := filepath.Rel(root, fset.Position(lit.Pos()).Filename)
				t.Errorf("%s:%d: got the literal %s, want the apierr constant", rel, fset.Position(lit.Pos()).Line, lit.Value)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatalf("walking %s: %v", root, err)
	}
	if files < 50 {
		t.Fatalf("got %d hand-written Go files under %s, want the whole module (50 or more)", files, root)
	}
}
