package graph

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sscgraph/internal/apierr"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/internal/gid"
)

func init() {
	// A request whose arguments Preflight rejects never runs: like a query
	// that fails validation, it is answered with a 4xx status.
	errcode.RegisterErrorType(string(apierr.BadUserInput), errcode.KindProtocol)
}

// Preflight checks every argument of an operation, with its variables,
// before anything runs:
//
//   - cursor variables are translated from the opaque form clients see
//     into ent's encoding (literal cursors were translated at parse time);
//   - page sizes given through variables are within 0..MaxPageSize, and a
//     connection never ends up with neither first nor last;
//   - every ID is one this service issued, and an ID in a filter of type T
//     (the id fields of TWhereInput) is an ID of a T.
//
// Checking up front matters because ent's field collection reads nested
// arguments itself and skips values it cannot decode: a bad ID or cursor
// must fail the request, not silently widen a nested filter.
type Preflight struct {
	schema *ast.Schema
}

var (
	_ graphql.HandlerExtension        = (*Preflight)(nil)
	_ graphql.OperationContextMutator = (*Preflight)(nil)
)

// ExtensionName names the extension in gqlgen's registry.
func (*Preflight) ExtensionName() string { return "Preflight" }

// Validate keeps the schema, to know the types of input fields.
func (p *Preflight) Validate(es graphql.ExecutableSchema) error {
	p.schema = es.Schema()
	return nil
}

// MutateOperationContext runs the checks on the operation about to run.
func (p *Preflight) MutateOperationContext(_ context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	for _, v := range rc.Operation.VariableDefinitions {
		if v.Type.Name() != cursorType {
			continue
		}
		raw, ok := rc.Variables[v.Variable]
		if !ok || raw == nil {
			continue
		}
		s, ok := raw.(string)
		if !ok {
			return badInput(v.Position, "variable $%s: a cursor is a string", v.Variable)
		}
		internal, err := gid.InternalCursor(s)
		if err != nil {
			return badInput(v.Position, "variable $%s: %v", v.Variable, err)
		}
		rc.Variables[v.Variable] = internal
	}
	w := walker{schema: p.schema, rc: rc, seen: map[string]bool{}}
	return w.selections(rc.Operation.SelectionSet)
}

type walker struct {
	schema *ast.Schema
	rc     *graphql.OperationContext
	seen   map[string]bool // fragments already walked
}

func (w *walker) selections(set ast.SelectionSet) *gqlerror.Error {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if err := w.field(s); err != nil {
				return err
			}
			if err := w.selections(s.SelectionSet); err != nil {
				return err
			}
		case *ast.InlineFragment:
			if err := w.selections(s.SelectionSet); err != nil {
				return err
			}
		case *ast.FragmentSpread:
			if w.seen[s.Name] || s.Definition == nil {
				continue
			}
			w.seen[s.Name] = true
			if err := w.selections(s.Definition.SelectionSet); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *walker) field(f *ast.Field) *gqlerror.Error {
	if f.Definition == nil {
		return nil
	}
	if isConnection(f.Definition) {
		if err := checkPageArgs(w.rc, f); err != nil {
			return err
		}
	}
	for _, arg := range f.Arguments {
		def := f.Definition.Arguments.ForName(arg.Name)
		if def == nil || arg.Value == nil || !w.mayHoldIDs(def.Type) {
			continue
		}
		v, err := arg.Value.Value(w.rc.Variables)
		if err != nil {
			return badInput(arg.Position, "%s: argument %q: %v", fieldName(f), arg.Name, err)
		}
		if msg := w.checkIDs(def.Type, v, w.argTarget(f, arg.Name), arg.Name); msg != "" {
			return badInput(arg.Position, "%s: %s", fieldName(f), msg)
		}
	}
	return nil
}

// argTarget is the type the id argument of an update or delete mutation
// must name: updateProject(id:) takes a Project's ID.
func (w *walker) argTarget(f *ast.Field, arg string) string {
	if arg != "id" {
		return ""
	}
	for _, prefix := range []string{"update", "delete"} {
		if typ, ok := strings.CutPrefix(f.Name, prefix); ok {
			if def := w.schema.Types[typ]; def != nil && def.Kind == ast.Object {
				return typ
			}
		}
	}
	return ""
}

// mayHoldIDs reports whether a value of type t can contain an ID.
func (w *walker) mayHoldIDs(t *ast.Type) bool {
	name := t.Name()
	if name == "ID" {
		return true
	}
	def := w.schema.Types[name]
	return def != nil && def.Kind == ast.InputObject
}

// whereIDFields are the fields of an entgql where-input that hold IDs of
// the input's own type.
var whereIDFields = map[string]bool{
	"id": true, "idNEQ": true, "idIn": true, "idNotIn": true,
	"idGT": true, "idGTE": true, "idLT": true, "idLTE": true,
}

// checkIDs walks a value of type t and returns a message naming the first
// bad ID, or "". want is the type the IDs must be of ("" for any).
func (w *walker) checkIDs(t *ast.Type, v any, want, path string) string {
	if v == nil {
		return ""
	}
	if t.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			return w.checkIDs(t.Elem, v, want, path) // input coercion of a single value
		}
		for i, e := range list {
			if msg := w.checkIDs(t.Elem, e, want, fmt.Sprintf("%s[%d]", path, i)); msg != "" {
				return msg
			}
		}
		return ""
	}
	if t.NamedType == "ID" {
		return checkID(v, want, path)
	}
	def := w.schema.Types[t.NamedType]
	if def == nil || def.Kind != ast.InputObject {
		return ""
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	owner, isWhere := strings.CutSuffix(def.Name, "WhereInput")
	for _, fd := range def.Fields {
		fv, ok := obj[fd.Name]
		if !ok || fv == nil {
			continue
		}
		expect := ""
		switch {
		case isWhere && whereIDFields[fd.Name]:
			expect = owner
		case fd.Type.Name() == "ID":
			expect = w.edgeTarget(def.Name, fd.Name)
		}
		if msg := w.checkIDs(fd.Type, fv, expect, path+"."+fd.Name); msg != "" {
			return msg
		}
	}
	return ""
}

func checkID(v any, want, path string) string {
	s, ok := v.(string)
	if !ok {
		return fmt.Sprintf("%s: invalid ID %v: IDs are opaque strings this service issued", path, v)
	}
	codec := gid.Current()
	key, err := codec.Decode(s)
	if err != nil {
		if errors.Is(err, gid.ErrInvalid) {
			return fmt.Sprintf("%s: %v", path, err)
		}
		return fmt.Sprintf("%s: invalid ID %q", path, s)
	}
	if want == "" {
		return ""
	}
	if got, _ := codec.TypeOf(key); got != want {
		return fmt.Sprintf("%s: %q is the ID of a %s, not of a %s", path, s, got, want)
	}
	return ""
}

// mutationInput matches entgql's create and update inputs.
var mutationInput = regexp.MustCompile(`^(?:Create|Update)(\w+)Input$`)

// edgeTarget returns the type an ID field of a create or update input
// must name: the target of the edge it sets (providerID -> Organization,
// addBeneficiaryCountryIDs -> Country), or "" when the field is no edge.
// entgql names these fields after the edge, singular, so the edge is found
// on the owner type by trying the plural forms.
func (w *walker) edgeTarget(input, field string) string {
	m := mutationInput.FindStringSubmatch(input)
	if m == nil {
		return ""
	}
	owner := w.schema.Types[m[1]]
	if owner == nil {
		return ""
	}
	base := field
	for _, prefix := range []string{"add", "remove"} {
		if rest, ok := strings.CutPrefix(base, prefix); ok && rest != "" {
			base = strings.ToLower(rest[:1]) + rest[1:]
		}
	}
	base, ok := strings.CutSuffix(base, "IDs")
	if !ok {
		if base, ok = strings.CutSuffix(field, "ID"); !ok {
			return ""
		}
	}
	candidates := []string{base, base + "s", base + "es"}
	if stem, ok := strings.CutSuffix(base, "y"); ok {
		candidates = append(candidates, stem+"ies")
	}
	for _, c := range candidates {
		if f := owner.Fields.ForName(c); f != nil {
			return strings.TrimSuffix(f.Type.Name(), "Connection")
		}
	}
	return ""
}
