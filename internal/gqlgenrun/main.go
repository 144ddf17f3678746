//go:build ignore

// Command gqlgenrun runs gqlgen's code generation (as `gqlgen generate`
// does, reading gqlgen.yml from the repository root) with one plugin of
// ours: it turns off per-field concurrency, so that the fields of an
// object are resolved in turn rather than each in a goroutine of its own.
//
// Why: every ent edge method takes a context, which makes gqlgen resolve
// it in a goroutine; but with field collection those methods only read
// eager-loaded data, so the goroutines cost scheduling and stacks for no
// parallelism (pprof on the nested benchmark).
package main

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
)

type sequentialFields struct{}

func (sequentialFields) Name() string { return "sequential-fields" }

// GenerateCode runs before gqlgen writes the executable schema.
func (sequentialFields) GenerateCode(data *codegen.Data) error {
	for _, o := range data.Objects {
		if o.Definition != nil && o.Definition.Name != "Subscription" {
			o.DisableConcurrency = true
		}
	}
	return nil
}

func main() {
	cfg, err := config.LoadConfigFromDefaultLocations()
	if err != nil {
		slog.Error("loading gqlgen.yml", "err", err)
		os.Exit(1)
	}
	if err := api.Generate(cfg, api.AddPlugin(sequentialFields{})); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
