//go:build ignore

// Command entc generates the ent client and the GraphQL model schema.
// go generate runs it from the ent directory (see generate.go), so every
// path here is relative to ent/.
package main

import (
	"bytes"
	"fmt"
	"go/format"
	"go/parser"
	"go/token"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"golang.org/x/tools/go/ast/astutil"

	"github.com/vektah/gqlparser/v2/ast"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"

	"sscgraph/ent/schemadesc"
	"sscgraph/internal/genguard"
)

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithConfigPath("../gqlgen.yml"),
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("../graph/ent.graphql"),
		entgql.WithWhereInputs(true),
		entgql.WithRelaySpec(true),
		// Every generated element gets a description (test/schemalint
		// fails on any without one).
		entgql.WithSchemaHook(schemadesc.Describe, markIDTargets),
	)
	if err != nil {
		slog.Error("creating entgql extension", "err", err)
		os.Exit(1)
	}
	err = entc.Generate("./schema", &gen.Config{
		Features: []gen.Feature{
			// Each table owns a range of keys, so a key alone names its
			// type: the base of opaque typed global IDs (internal/gid).
			gen.FeatureGlobalID,
			gen.FeatureModifier,
			gen.FeatureExecQuery,
			gen.FeatureUpsert,
			gen.FeatureVersionedMigration,
			// Who may change what is decided in one place: the
			// policies of ent/schema (see policy.go there).
			gen.FeaturePrivacy,
			gen.FeatureEntQL,
		},
		Templates: []*gen.Template{
			gen.MustParse(gen.NewTemplate("nodetypes").ParseFiles("template/nodetypes.tmpl")),
			gen.MustParse(gen.NewTemplate("pagesql").ParseFiles("template/pagesql.tmpl")),
			gen.MustParse(gen.NewTemplate("orderfields").ParseFiles("template/orderfields.tmpl")),
		},
	},
		entc.Extensions(ex),
		// Loaded after the extension so that its overrides of ent's and
		// entgql's templates take effect.
		entc.TemplateFiles("template/fastpaths.tmpl"),
	)
	if err != nil {
		slog.Error("running ent codegen", "err", err)
		os.Exit(1)
	}
	// Overrides are found by name only: a renamed template upstream
	// would leave ent's own code in place without a word.
	if err := genguard.CheckOverrides(".", genguard.Fastpaths); err != nil {
		slog.Error("checking the template overrides", "err", err)
		os.Exit(1)
	}
	if err := rewrite("."); err != nil {
		slog.Error("rewriting nested pages", "err", err)
		os.Exit(1)
	}
}

// rewrites point generated code at package pagesql where ent's and
// entgql's templates offer no hook for it. Each rewrite must find
// something to change, so that an upgrade of ent or entgql that changes
// the code cannot go unnoticed.
var rewrites = []struct {
	files, why string
	from       *regexp.Regexp
	to         string
	pkg        string // the package the new code uses; pagesql when empty
}{
	{
		files: "gql_collection.go",
		why: "entgql pages nested connections with LimitPerRow, which numbers every child of every " +
			"parent and does not order its answer; pagesql.Limit reads each parent's first rows through an index",
		from: regexp.MustCompile(`\bentgql\.LimitPerRow\(`),
		to:   "pagesql.Limit(joinSortKeys, ",
	},
	{
		files: "gql_collection.go",
		why: "a page under one parent (node, a look-up, a unique edge) is written like a page under many: " +
			"it reads the join table's copies of the children's dates, and its SQL is the one the tests check",
		from: regexp.MustCompile(`if oneNode \{\n\s*pager\.applyOrder\(query\.Limit\(limit\)\)\n\s*\} else \{\n(\s*modify := pagesql\.Limit\([^\n]*\)\n\s*query\.modifiers = append\(query\.modifiers, modify\))\n\s*\}`),
		to:   "${1}",
	},
	{
		files: "gql_collection.go",
		why: "a nested page of first: 0 or last: 0 loads nothing, so it cannot tell whether rows follow; " +
			"loading one row per parent lets the connection say so exactly",
		from: regexp.MustCompile(`if ignoredEdges \|\| \(args\.first != nil && \*args\.first == 0\) \|\| \(args\.last != nil && \*args\.last == 0\) \{`),
		to:   "if ignoredEdges {",
	},
	{
		files: "*_query.go",
		why: "the many-to-many loaders name their parents with pagesql.Parents, so that pagesql.Limit " +
			"can give each parent a page of its own",
		from: regexp.MustCompile(`(?m)^(\s*joinT := sql\.Table\(([\w.]+)\)\n\s*s\.Join\(joinT\)\.On\(s\.C\([\w.]+\), joinT\.C\(([\w.]+\[\d\])\)\))\n(\s*)s\.Where\(sql\.InValues\(joinT\.C\(([\w.]+\[\d\])\), edgeIDs\.\.\.\)\)$`),
		to:   "${1}\n${4}s.Where(pagesql.Parents(s, joinT, ${2}, ${5}, ${3}, edgeIDs))",
	},
	{
		files: "*_query.go",
		why:   "the one-to-many loaders name their parents as the many-to-many ones do",
		from:  regexp.MustCompile(`s\.Where\(sql\.InValues\(s\.C\(([\w.]+)\), fks\.\.\.\)\)`),
		to:    "s.Where(pagesql.Parents(s, s.Table(), \"\", ${1}, \"\", fks))",
	},
	{
		files: "*_query.go",
		why: "the many-to-many loaders keep each child's parents in a list, not a set: a map per child " +
			"loaded cost more than the rows (a join table holds each pair once)",
		from: regexp.MustCompile(`nids := make\(map\[int\]map\[\*(\w+)\]struct\{\}\)`),
		to:   "nids := make(map[int][]*${1})",
	},
	{
		files: "*_query.go",
		why:   "(the parents' lists, continued)",
		from:  regexp.MustCompile(`nids\[inValue\] = map\[\*(\w+)\]struct\{\}\{byID\[outValue\]: \{\}\}`),
		to:    "nids[inValue] = []*${1}{byID[outValue]}",
	},
	{
		files: "*_query.go",
		why:   "(the parents' lists, continued)",
		from:  regexp.MustCompile(`nids\[inValue\]\[byID\[outValue\]\] = struct\{\}\{\}`),
		to:    "nids[inValue] = append(nids[inValue], byID[outValue])",
	},
	{
		files: "*_query.go",
		why:   "(the parents' lists, continued)",
		from:  regexp.MustCompile(`for kn := range nodes \{`),
		to:    "for _, kn := range nodes {",
	},
	{
		files: "gql_pagination.go",
		why: "a page in the default order has no order values: its cursors carry none, instead of an " +
			"empty list boxed for every edge",
		from: regexp.MustCompile(`return Cursor\{ID: _m\.ID, Value: cs_\}`),
		to:   "return pagesql.NewCursor(_m.ID, cs_)",
	},
	{
		files: "gql_pagination.go",
		why: "entgql's cursor predicates turn `before` into `after` on a first page (and the reverse on a " +
			"last page) and lose rows whose order field is NULL",
		from: regexp.MustCompile(`\bentgql\.MultiCursorsPredicate\(after, before, `),
		to:   "pagesql.Cursors(after, before, p.reverse, nullableColumns, ",
	},
	{
		files: "gql_collection.go",
		why: "an offer's status reads EXPIRED once its expiresAt has passed (lifecycle.Effective): " +
			"a query that selects status must load expires_at too",
		from: regexp.MustCompile(`(\t+)selectedFields = append\(selectedFields, matchoffer\.FieldStatus\)\n(\t+)fieldSeen\[matchoffer\.FieldStatus\] = struct\{\}\{\}`),
		to: "${1}selectedFields = append(selectedFields, matchoffer.FieldStatus)\n${2}fieldSeen[matchoffer.FieldStatus] = struct{}{}\n" +
			"${2}if _, ok := fieldSeen[matchoffer.FieldExpiresAt]; !ok {\n${2}\tselectedFields = append(selectedFields, matchoffer.FieldExpiresAt)\n" +
			"${2}\tfieldSeen[matchoffer.FieldExpiresAt] = struct{}{}\n${2}}",
	},
	{
		files: "gql_where_input.go",
		why: "an offer past its expiresAt reads as EXPIRED: the status filters of MatchOfferWhereInput " +
			"(wherever it is used, nested and in hasOffersWith) must find it as EXPIRED, not OPEN",
		from: regexp.MustCompile(`\bmatchoffer\.Status(EQ|NEQ|In|NotIn)\(`),
		to:   "lifecycle.OfferStatus${1}(",
		pkg:  "sscgraph/internal/lifecycle",
	},
	{
		files: "gql_collection.go",
		why: "a nested page whose pageInfo is asked for without edges loaded no rows, and answered " +
			"hasNextPage false and null cursors beside its totalCount: its rows (first+1 per parent) are loaded",
		from: regexp.MustCompile(`if ignoredEdges \{\n(\s*)continue\n`),
		to:   "if ignoredEdges && !hasCollectedField(ctx, append(path, pageInfoField)...) {\n${1}continue\n",
	},
}

func rewrite(dir string) error {
	for _, r := range rewrites {
		pkg := r.pkg
		if pkg == "" {
			pkg = "sscgraph/internal/pagesql"
		}
		files, err := filepath.Glob(filepath.Join(dir, r.files))
		if err != nil {
			return err
		}
		changed := 0
		for _, f := range files {
			n, err := rewriteFile(f, pkg, func(src []byte) []byte { return r.from.ReplaceAll(src, []byte(r.to)) })
			if err != nil {
				return err
			}
			changed += n
		}
		if changed == 0 {
			return fmt.Errorf("%s: nothing matches %s: ent or entgql changed; revisit ent/entc.go (%s)", r.files, r.from, r.why)
		}
	}
	// Every loader must name its parents, or its nested pages would have
	// none: no loader may filter on its parents' keys itself any more.
	files, err := filepath.Glob(filepath.Join(dir, "*_query.go"))
	if err != nil {
		return err
	}
	raw := regexp.MustCompile(`sql\.InValues\([^\n]*(edgeIDs|fks)\.\.\.\)`)
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if m := raw.Find(src); m != nil {
			return fmt.Errorf("%s: a loader escaped the rewrite (%s): revisit ent/entc.go", f, m)
		}
	}
	return nil
}

// rewriteFile applies edit to a generated file and, when it changed
// anything, imports pkg where the file now uses it and formats the file. It reports whether it
// changed the file.
func rewriteFile(path, pkg string, edit func([]byte) []byte) (int, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	out := edit(src)
	if bytes.Equal(out, src) {
		return 0, nil
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, out, parser.ParseComments)
	if err != nil {
		return 0, fmt.Errorf("parsing rewritten %s: %w", path, err)
	}
	if name := pkg[strings.LastIndex(pkg, "/")+1:]; bytes.Contains(out, []byte(name+".")) {
		astutil.AddImport(fset, f, pkg)
	}
	var buf bytes.Buffer
	if err := format.Node(&buf, fset, f); err != nil {
		return 0, fmt.Errorf("formatting rewritten %s: %w", path, err)
	}
	return 1, os.WriteFile(path, buf.Bytes(), 0o644)
}

// markIDTargets puts @idOf(type:) (graph/schema/ids.graphqls) on the ID
// fields of the inputs entgql generates, with the type of the rows they
// name as the ent graph knows it: the id fields of a where-input name rows
// of its own type, the edge fields of a create or update input rows of the
// edge's type. The API's checks read the directive from the schema, so an
// input field cannot hold IDs without saying of which type (graph's tests
// fail on any that does not). The field names are entgql's (its
// mutation-input and where-input generators).
func markIDTargets(g *gen.Graph, s *ast.Schema) error {
	genCamel := gen.Funcs["camel"].(func(string) string)
	genPascal := gen.Funcs["pascal"].(func(string) string)
	genSingular := gen.Funcs["singular"].(func(string) string)
	for _, n := range g.Nodes {
		if def := s.Types[n.Name+"WhereInput"]; def != nil && n.ID != nil {
			// id, idNEQ, idIn, …: entgql names a field's predicates
			// by appending the operator to it.
			for _, op := range n.ID.Ops() {
				fn := genCamel(n.ID.Name)
				if op != gen.EQ {
					fn = genCamel(n.ID.Name + "_" + op.Name())
				}
				f := def.Fields.ForName(fn)
				if f == nil || !holdsIDs(f.Type) {
					return fmt.Errorf("%s has no ID field %s: entgql changed its naming; revisit ent/entc.go", def.Name, fn)
				}
				markIDOf(f, n.Name)
			}
		}
		for _, create := range []bool{true, false} {
			desc := entgql.MutationDescriptor{Type: n, IsCreate: create}
			name, err := desc.Input()
			if err != nil {
				return fmt.Errorf("naming %s's mutation input: %w", n.Name, err)
			}
			def := s.Types[name]
			if def == nil {
				continue
			}
			edges, err := desc.InputEdges()
			if err != nil {
				return fmt.Errorf("listing the edges of %s: %w", name, err)
			}
			for _, e := range edges {
				var names []string
				switch {
				case e.Unique:
					names = []string{genCamel(e.Name) + "ID"}
				case create:
					names = []string{genCamel(genSingular(e.Name)) + "IDs"}
				default:
					names = []string{"add" + genPascal(genSingular(e.Name)) + "IDs", "remove" + genPascal(genSingular(e.Name)) + "IDs"}
				}
				for _, fn := range names {
					f := def.Fields.ForName(fn)
					if f == nil || !holdsIDs(f.Type) {
						return fmt.Errorf("%s has no ID field %s for edge %s: entgql changed its naming; revisit ent/entc.go", name, fn, e.Name)
					}
					markIDOf(f, e.Type.Name)
				}
			}
		}
	}
	return nil
}

// markIDOf declares on an input field the type of the rows its IDs name.
func markIDOf(f *ast.FieldDefinition, typ string) {
	f.Directives = append(f.Directives, &ast.Directive{
		Name: "idOf",
		Arguments: ast.ArgumentList{{
			Name:  "type",
			Value: &ast.Value{Kind: ast.StringValue, Raw: typ},
		}},
	})
}

// holdsIDs reports whether a field is of type ID or a list of IDs.
// entgql writes some types as names ("[ID!]" is one name to it), so the
// type is read from its text.
func holdsIDs(t *ast.Type) bool { return strings.Trim(t.String(), "[]!") == "ID" }
