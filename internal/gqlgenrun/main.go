//go:build ignore

// Command gqlgenrun runs gqlgen's code generation (as `gqlgen generate`
// does, reading gqlgen.yml from the repository root) with two changes of
// ours: a plugin turns off per-field concurrency, so that the fields of an
// object are resolved in turn rather than each in a goroutine of its own,
// and the generated code is rewritten where that makes work useless
// (rewrites).
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

// concurrent are the objects whose fields keep a goroutine each: the root
// fields, each of which runs its own SQL (a dashboard's aliased counts run
// side by side), and subscriptions.
var concurrent = map[string]bool{"Query": true, "Subscription": true}

type sequentialFields struct{}

func (sequentialFields) Name() string { return "sequential-fields" }

// GenerateCode runs before gqlgen writes the executable schema.
func (sequentialFields) GenerateCode(data *codegen.Data) error {
	for _, o := range data.Objects {
		if o.Definition != nil && !concurrent[o.Definition.Name] {
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
	for _, r := range rewrites {
		if err := rewrite(cfg.Exec.Filename, r.from, r.to, r.why); err != nil {
			slog.Error("rewriting generated code", "err", err)
			os.Exit(1)
		}
	}
}

// rewrites change generated calls where gqlgen's templates offer no switch;
// each is part of generation, and finding no call to rewrite is an error,
// so that a gqlgen upgrade that changes them cannot go unnoticed.
var rewrites = []struct{ from, to, why string }{
	{
		// graph/generated/slice.go
		from: "graphql.MarshalSliceConcurrently(",
		to:   "marshalSliceInTurn(",
		why:  "list elements marshal one after the other instead of one goroutine each",
	},
	{
		// Every object marshaller starts a group for @defer, which
		// computes the object's whole path (a slice, its strings boxed)
		// and a map: 17% of the CPU time of a 4-level query (pprof).
		// Fields resolved in turn never defer, so the group stays
		// empty; its zero value is the same empty group.
		from: "deferred := graphql.NewDeferredGroup(ctx)",
		to:   "var deferred graphql.DeferredGroup",
		why:  "objects resolved in turn never fill their @defer group",
	},
}

func rewrite(path, from, to, why string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	n := bytes.Count(src, []byte(from))
	if n == 0 {
		return fmt.Errorf("%s has no %s: gqlgen changed; revisit internal/gqlgenrun (%s)", path, from, why)
	}
	return os.WriteFile(path, bytes.ReplaceAll(src, []byte(from), []byte(to)), 0o644)
}
