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
	goast "go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"log/slog"
	"os"
	"regexp"
	"strings"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
	"github.com/vektah/gqlparser/v2/ast"
	"golang.org/x/tools/go/ast/astutil"

	"sscgraph/internal/genguard"
)

// concurrent are the objects whose fields keep a goroutine each: the root
// fields, each of which runs its own SQL (a dashboard's aliased counts run
// side by side), and subscriptions.
var concurrent = map[string]bool{"Query": true, "Subscription": true}

// sequentialFields is the plugin: it turns off per-field concurrency and
// notes the plain leaf fields for directLeaves.
type sequentialFields struct {
	leaves map[string]leaf // by the name of the field's generated function
}

// leaf is a field read straight from a struct: a scalar or enum value
// (object false), or an object or list of them that gets a field context
// for its own fields (object true).
type leaf struct {
	marshal, goField string
	object           bool
}

func (sequentialFields) Name() string { return "sequential-fields" }

// GenerateCode runs before gqlgen writes the executable schema.
func (p sequentialFields) GenerateCode(data *codegen.Data) error {
	for _, o := range data.Objects {
		if o.Definition == nil {
			continue
		}
		if !concurrent[o.Definition.Name] {
			o.DisableConcurrency = true
		}
		if o.Root || strings.HasPrefix(o.Definition.Name, "__") {
			continue
		}
		for _, f := range o.Fields {
			switch {
			case plainLeaf(f):
				p.leaves["_"+o.Definition.Name+"_"+f.Name] = leaf{marshal: f.TypeReference.MarshalFunc(), goField: f.GoFieldName}
			case plainField(f):
				p.leaves["_"+o.Definition.Name+"_"+f.Name] = leaf{marshal: f.TypeReference.MarshalFunc(), goField: f.GoFieldName, object: true}
			}
		}
	}
	return nil
}

// plainField reports whether f reads a struct field and writes it as it
// is: no resolver, no method, no arguments or directives.
func plainField(f *codegen.Field) bool {
	t := f.TypeReference
	return t != nil && t.Definition != nil && f.IsVariable() && !f.IsResolver && !f.HasHaser && !f.Stream &&
		len(f.Args) == 0 && len(f.Directives) == 0
}

// plainLeaf reports whether f reads a struct field and writes a scalar or
// enum that cannot be null against the schema: no resolver, no method, no
// arguments, directives or lists, and not a Go pointer behind a non-null
// type. Such a field has nothing for gqlgen's field machinery to do.
func plainLeaf(f *codegen.Field) bool {
	t := f.TypeReference
	if t == nil || t.Definition == nil {
		return false
	}
	if t.Definition.Kind != ast.Scalar && t.Definition.Kind != ast.Enum {
		return false
	}
	return plainField(f) && !t.IsSlice() && !(t.GQL.NonNull && t.IsNilable())
}

func main() {
	cfg, err := config.LoadConfigFromDefaultLocations()
	if err != nil {
		slog.Error("loading gqlgen.yml", "err", err)
		os.Exit(1)
	}
	plugin := sequentialFields{leaves: map[string]leaf{}}
	if err := api.Generate(cfg, api.AddPlugin(plugin)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := directLeaves(cfg.Exec.Filename, plugin.leaves); err != nil {
		slog.Error("rewriting leaf fields", "err", err)
		os.Exit(1)
	}
	for _, r := range rewrites {
		if err := rewrite(cfg.Exec.Filename, r.from, r.to, r.why); err != nil {
			slog.Error("rewriting generated code", "err", err)
			os.Exit(1)
		}
	}
	for _, r := range []struct {
		from    *regexp.Regexp
		to, why string
	}{
		{argsOnce, argsOnceTo, "field arguments are decoded once per field and operation"},
		{collectOnce, collectOnceTo, "an object's fields are collected once per selection and operation"},
	} {
		if err := rewriteRegexp(cfg.Exec.Filename, r.from, r.to, r.why); err != nil {
			slog.Error("rewriting generated code", "err", err)
			os.Exit(1)
		}
	}
	if err := importGQLExec(cfg.Exec.Filename); err != nil {
		slog.Error("importing internal/gqlexec into the generated code", "err", err)
		os.Exit(1)
	}
	// Each rewrite above fails when it finds nothing to rewrite; this
	// checks the result as a whole, as genguard's tests check the
	// committed code: every hand-written piece is called and gqlgen's
	// own is gone.
	if err := genguard.CheckRewrites(cfg.Exec.Filename, genguard.GQLExec); err != nil {
		slog.Error("checking the rewrites", "err", err)
		os.Exit(1)
	}
}

// gqlexecPath is the package of the hand-written pieces the rewrites call.
const gqlexecPath = "sscgraph/internal/gqlexec"

// importGQLExec adds internal/gqlexec to the generated file's imports.
func importGQLExec(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.ParseComments)
	if err != nil {
		return fmt.Errorf("parsing %s: %w", path, err)
	}
	if !astutil.AddImport(fset, f, gqlexecPath) {
		return fmt.Errorf("%s already imports %s: run gqlgenrun on gqlgen's output only", path, gqlexecPath)
	}
	var out bytes.Buffer
	if err := format.Node(&out, fset, f); err != nil {
		return fmt.Errorf("formatting %s: %w", path, err)
	}
	return os.WriteFile(path, out.Bytes(), 0o644)
}

// rewrites change generated calls where gqlgen's templates offer no switch;
// each is part of generation, and finding no call to rewrite is an error,
// so that a gqlgen upgrade that changes them cannot go unnoticed.
var rewrites = []struct{ from, to, why string }{
	{
		// internal/gqlexec/slice.go
		from: "graphql.MarshalSliceConcurrently(",
		to:   "gqlexec.MarshalSliceInTurn(",
		why:  "list elements marshal one after the other instead of one goroutine each",
	},
	{
		// Field arguments are the same for every object a field is
		// resolved on; gqlgen decodes them each time (a map from the
		// AST, a map of typed values, every argument unmarshalled): for
		// a nested connection, once per parent. argsOnce keeps the first
		// decoding per field for the operation (internal/gqlexec).
		from: "type executionContext struct {\n\t*graphql.ExecutionContextState[ResolverRoot, DirectiveRoot, ComplexityRoot]\n}",
		to:   "type executionContext struct {\n\t*graphql.ExecutionContextState[ResolverRoot, DirectiveRoot, ComplexityRoot]\n\targs   gqlexec.FieldArgs\n\tfields gqlexec.CollectedFields\n}",
		why:  "the operation keeps each field's decoded arguments",
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

// directLeaves makes each plain leaf field (plainLeaf) marshal its value
// directly. gqlgen resolves every field the same way: a field context, a
// context value, closures, the value boxed twice and the resolver
// middleware, about eight allocations for reading obj.Code; a page of 50
// countries spends a third of its allocations on its 150 leaf fields. The
// direct call writes the same bytes. What it skips cannot happen for these
// fields: a resolver error, a panic, a null where the schema forbids one;
// and sscgraph has no field middleware (a field interceptor added to the
// server would not see these fields).
//
// It also makes every object marshaller return gqlexec.ObjectInTurn
// (internal/gqlexec) instead of gqlgen's field set, which builds a
// map per object written only to drop fields that @defer would repeat.
func directLeaves(path string, leaves map[string]leaf) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, 0)
	if err != nil {
		return err
	}
	// Text to replace, by its offsets in src, in order.
	type edit struct {
		from, to int
		text     string
	}
	var edits []edit
	leavesDone, objects := 0, 0
	for _, d := range f.Decls {
		fn, ok := d.(*goast.FuncDecl)
		if !ok || fn.Recv == nil || fn.Body == nil {
			continue
		}
		if l, ok := leaves[fn.Name.Name]; ok {
			text := fmt.Sprintf("{\n\treturn ec.%s(ctx, field.Selections, obj.%s)\n}", l.marshal, l.goField)
			if l.object {
				// The object's own fields need this field's context (their
				// paths, and errors such as a null where one is not allowed).
				text = fmt.Sprintf(`{
	fc, err := ec.fieldContext%s(ctx, field)
	if err != nil {
		return graphql.Null
	}
	return ec.%s(graphql.WithFieldContext(ctx, fc), field.Selections, obj.%s)
}`, fn.Name.Name, l.marshal, l.goField)
			}
			edits = append(edits, edit{
				from: fset.Position(fn.Body.Lbrace).Offset,
				to:   fset.Position(fn.Body.Rbrace).Offset + 1,
				text: text,
			})
			leavesDone++
			continue
		}
		if newSet, ret := fieldSet(fn); ret != nil {
			if !callsConcurrently(fn) {
				// Fields resolved in turn need only their values.
				edits = append(edits, edit{
					from: fset.Position(newSet.Pos()).Offset,
					to:   fset.Position(newSet.End()).Offset,
					text: "out := gqlexec.FieldValues{Values: make([]graphql.Marshaler, len(fields))}",
				})
			}
			edits = append(edits, edit{
				from: fset.Position(ret.Pos()).Offset,
				to:   fset.Position(ret.End()).Offset,
				text: "return gqlexec.ObjectInTurn{Fields: fields, Values: out.Values}",
			})
			objects++
		}
	}
	if leavesDone != len(leaves) {
		return fmt.Errorf("%s: found %d of %d leaf fields: gqlgen changed; revisit internal/gqlgenrun", path, leavesDone, len(leaves))
	}
	if objects == 0 {
		return fmt.Errorf("%s: no object marshaller returns its field set: gqlgen changed; revisit internal/gqlgenrun", path)
	}
	var out bytes.Buffer
	last := 0
	for _, e := range edits {
		out.Write(src[last:e.from])
		out.WriteString(e.text)
		last = e.to
	}
	out.Write(src[last:])
	formatted, err := format.Source(out.Bytes())
	if err != nil {
		return fmt.Errorf("formatting %s: %w", path, err)
	}
	return os.WriteFile(path, formatted, 0o644)
}

// fieldSet returns, in an object marshaller (a function that starts with
// `fields := graphql.CollectFields(...)`), its `out :=
// graphql.NewFieldSet(fields)` and its final `return out`.
func fieldSet(fn *goast.FuncDecl) (*goast.AssignStmt, *goast.ReturnStmt) {
	list := fn.Body.List
	if len(list) < 2 {
		return nil, nil
	}
	var hasFields bool
	var newSet *goast.AssignStmt
	for _, st := range list {
		as, ok := st.(*goast.AssignStmt)
		if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			continue
		}
		name, _ := as.Lhs[0].(*goast.Ident)
		call, _ := as.Rhs[0].(*goast.CallExpr)
		if name == nil || call == nil {
			continue
		}
		sel, _ := call.Fun.(*goast.SelectorExpr)
		if sel == nil {
			continue
		}
		switch {
		case name.Name == "fields" && sel.Sel.Name == "CollectFields":
			hasFields = true
		case name.Name == "out" && sel.Sel.Name == "NewFieldSet":
			newSet = as
		}
	}
	ret, ok := list[len(list)-1].(*goast.ReturnStmt)
	if !hasFields || newSet == nil || !ok || len(ret.Results) != 1 {
		return nil, nil
	}
	if id, ok := ret.Results[0].(*goast.Ident); !ok || id.Name != "out" {
		return nil, nil
	}
	return newSet, ret
}

// callsConcurrently reports whether fn resolves fields concurrently.
func callsConcurrently(fn *goast.FuncDecl) bool {
	found := false
	goast.Inspect(fn.Body, func(n goast.Node) bool {
		if sel, ok := n.(*goast.SelectorExpr); ok && strings.Contains(sel.Sel.Name, "Concurrently") {
			found = true
		}
		return !found
	})
	return found
}

// argsOnce matches where a field context decodes its field's arguments.
var argsOnce = regexp.MustCompile(`(?m)^(\t+)if fc\.Args, err = ec\.(field_\w+_args)\(ctx, field\.ArgumentMap\(ec\.Variables\)\); err != nil \{$`)

const argsOnceTo = `${1}if fc.Args, err = ec.args.Load(field.Field); fc.Args == nil && err == nil {
${1}	fc.Args, err = ec.${2}(ctx, field.ArgumentMap(ec.Variables))
${1}	ec.args.Store(field.Field, fc.Args, err)
${1}}
${1}if err != nil {`

// collectOnce matches where an object marshaller collects the fields of
// its selection. graphql.CollectFields caches them per operation too, but
// builds its cache key (a hash of the type names) on every call: 6% of
// the allocations of a 4-level query. The executionContext keeps them by
// the selection's and the type names' addresses instead (internal/gqlexec).
var collectOnce = regexp.MustCompile(`(?m)^(\t+)fields := graphql\.CollectFields\(ec\.OperationContext, sel, (\w+Implementors)\)$`)

const collectOnceTo = `${1}fields := ec.fields.Collect(ec.OperationContext, sel, ${2})`

func rewriteRegexp(path string, from *regexp.Regexp, to, why string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !from.Match(src) {
		return fmt.Errorf("%s has no match for %s: gqlgen changed; revisit internal/gqlgenrun (%s)", path, from, why)
	}
	return os.WriteFile(path, from.ReplaceAll(src, []byte(to)), 0o644)
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
