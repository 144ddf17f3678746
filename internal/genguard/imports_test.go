package genguard

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// goList runs go list with args and returns its lines.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("go list %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.Fields(string(out))
}

// TestGeneratedCodesPackagesDoNotImportEnt: the project's packages that
// the generated ent code imports (internal/pagesql and internal/lifecycle,
// and any added later) never depend on sscgraph/ent, directly or through
// another package, as their package docs say.
func TestGeneratedCodesPackagesDoNotImportEnt(t *testing.T) {
	pkgs := []string{"sscgraph/internal/pagesql", "sscgraph/internal/lifecycle"}
	for _, p := range goList(t, "-e", "-f", `{{join .Imports "\n"}}`, "sscgraph/ent") {
		if strings.HasPrefix(p, "sscgraph/internal/") && !slices.Contains(pkgs, p) {
			pkgs = append(pkgs, p)
		}
	}
	for _, pkg := range pkgs {
		t.Run(pkg, func(t *testing.T) {
			cmd := exec.Command("go", "list", "-deps", pkg)
			out, err := cmd.CombinedOutput()
			if err != nil {
				// An import of sscgraph/ent is a cycle, which go list
				// reports as an error.
				t.Fatalf("got go list -deps %s failing, want it to list its dependencies, none of them sscgraph/ent (the generated ent code imports %s): %v\n%s", pkg, pkg, err, out)
			}
			if deps := strings.Fields(string(out)); slices.Contains(deps, "sscgraph/ent") {
				t.Errorf("got sscgraph/ent among the dependencies of %s, want it absent: the generated ent code imports %s", pkg, pkg)
			}
		})
	}
}
