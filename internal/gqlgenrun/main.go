//go:build ignore

// Command gqlgenrun runs gqlgen's code generation (as `gqlgen generate`
// does, reading gqlgen.yml from the repository root) with two changes of
// ours: a plugin turns off per-field concurrency, so that the fields of an
// object are resolved in turn rather than each in a goroutine of its own,
// and the elements of lists are marshalled in turn as well (listsInTurn).
//
// Why: every ent edge method takes a context, which makes gqlgen resolve
// it in a goroutine; but with field collection those methods only read
// eager-loaded data, so the goroutines cost scheduling and stacks for no
// parallelism (pprof on the nested benchmark).
package main

import (
	"bytes"
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
	if err := listsInTurn(cfg.Exec.Filename); err != nil {
		slog.Error("rewriting list marshalling", "err", err)
		os.Exit(1)
	}
}

// listsInTurn points the generated list marshalling at marshalSliceInTurn
// (graph/generated/slice.go), which marshals elements one after the other
// instead of one goroutine each. gqlgen's templates offer no switch for
// this, so the generated calls are rewritten here, as part of generation;
// finding no call to rewrite is an error, so that a gqlgen upgrade that
// changes them cannot go unnoticed.
func listsInTurn(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	const from, to = "graphql.MarshalSliceConcurrently(", "marshalSliceInTurn("
	n := bytes.Count(src, []byte(from))
	if n == 0 {
		return fmt.Errorf("%s has no call to %s: gqlgen changed; revisit internal/gqlgenrun", path, from)
	}
	return os.WriteFile(path, bytes.ReplaceAll(src, []byte(from), []byte(to)), 0o644)
}
