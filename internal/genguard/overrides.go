// Package genguard checks that code generation did what the project's own
// templates and rewrites ask of it, so that an upgrade of ent, entgql or
// gqlgen cannot drop one of them without an error. ent/entc.go runs the
// override checks after generating, internal/gqlgenrun the rewrite checks;
// the package's tests run them on the committed code.
//
// It imports nothing of the project: ent/entc.go uses it while the ent
// package is being written.
package genguard

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Override is a template of ent or entgql that ent/template/fastpaths.tmpl
// redefines by name. Templates are looked up by name, so if an upgrade
// renames the original, the redefinition silently stops being used; each
// redefinition therefore writes Marker(Template) into the code it
// generates, and CheckOverrides looks for it.
type Override struct {
	Template string // the name of the redefined template
	Files    string // where its output lands: a glob relative to ent/
	Why      string // what is lost when it does not take
}

// Fastpaths are the overrides of ent/template/fastpaths.tmpl; a test
// keeps this list and the template's definitions the same.
var Fastpaths = []Override{
	{"dialect/sql/predicate/edge/has", "*/where.go", "Has<Edge> on many-to-many edges as a correlated EXISTS"},
	{"dialect/sql/predicate/edge/haswith", "*/where.go", "Has<Edge>With on many-to-many edges as a correlated EXISTS"},
	{"gql_pagination/helper/load_total", "gql_collection.go", "totalCount of nested many-to-many connections from the join table alone"},
	{"gql_pagination/helper/paginate", "gql_pagination.go", "root connections counted with COUNT(*) and exact pages of first/last: 0"},
}

// Marker is the comment an override writes into the generated code.
func Marker(template string) string {
	return "// sscgraph:override " + template + " (ent/template/fastpaths.tmpl)"
}

// CheckOverrides returns an error naming every override whose marker is in
// none of its files under dir.
func CheckOverrides(dir string, overrides []Override) error {
	var missing []string
	for _, o := range overrides {
		found, err := contains(filepath.Join(dir, o.Files), Marker(o.Template))
		if err != nil {
			return fmt.Errorf("checking override %s: %w", o.Template, err)
		}
		if !found {
			missing = append(missing, fmt.Sprintf("%s (in %s; lost: %s)", o.Template, o.Files, o.Why))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("templates of ent/template/fastpaths.tmpl did not take, so ent or entgql renamed "+
			"the templates they override; revisit fastpaths.tmpl and internal/genguard: %s", strings.Join(missing, "; "))
	}
	return nil
}

// contains reports whether any file matching glob holds text.
func contains(glob, text string) (bool, error) {
	files, err := filepath.Glob(glob)
	if err != nil {
		return false, fmt.Errorf("listing %s: %w", glob, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return false, fmt.Errorf("reading generated code: %w", err)
		}
		if bytes.Contains(b, []byte(text)) {
			return true, nil
		}
	}
	return false, nil
}
