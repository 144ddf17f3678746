package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"sscgraph/internal/gid"
)

// Page sizes of every connection.
const (
	// DefaultPageSize is the page a connection returns when the client gives
	// neither first nor last: never an unbounded scan.
	DefaultPageSize = 100
	// MaxPageSize bounds first and last.
	MaxPageSize = 1000
)

// Paging arguments every connection field takes.
const (
	argFirst  = "first"
	argLast   = "last"
	argAfter  = "after"
	argBefore = "before"
)

// cursorType is the GraphQL scalar of after and before.
const cursorType = "Cursor"

// isConnection reports whether a field is a Relay connection with paging
// arguments.
func isConnection(def *ast.FieldDefinition) bool {
	return def != nil && def.Type != nil &&
		strings.HasSuffix(def.Type.Name(), "Connection") &&
		def.Arguments.ForName(argFirst) != nil && def.Arguments.ForName(argLast) != nil
}

// ValidationRules returns gqlparser's default rules plus the paging rule.
func ValidationRules() *rules.Rules {
	r := rules.NewDefaultRules()
	r.AddRule("SSCGraphPaging", pagingRule)
	return r
}

// pagingRule runs once per query document, when it is parsed and before it
// is cached, and does what can be decided from the document alone:
//
//   - it rejects literal page sizes outside 0..MaxPageSize;
//   - it gives every connection that has neither first nor last the
//     argument first: DefaultPageSize, written into the document so that
//     the resolvers and ent's field collection (which reads arguments from
//     the document) agree on the page;
//   - it translates literal cursors from the opaque form clients see into
//     ent's encoding, rejecting any this service did not issue.
//
// What depends on variables is checked per request by PageLimits.
func pagingRule(observers *core.Events, addError core.AddErrFunc) {
	observers.OnField(func(_ *core.Walker, field *ast.Field) {
		if !isConnection(field.Definition) {
			return
		}
		first, last := field.Arguments.ForName(argFirst), field.Arguments.ForName(argLast)
		for _, arg := range []*ast.Argument{first, last} {
			if arg == nil || arg.Value == nil || arg.Value.Kind != ast.IntValue {
				continue
			}
			n, err := strconv.Atoi(arg.Value.Raw)
			if err != nil || n < 0 || n > MaxPageSize {
				addError(
					core.Message("%s: %q must be between 0 and %d, got %s", fieldName(field), arg.Name, MaxPageSize, arg.Value.Raw),
					core.At(arg.Position),
				)
			}
		}
		if first == nil && last == nil {
			field.Arguments = append(field.Arguments, &ast.Argument{
				Name:     argFirst,
				Position: field.Position,
				Value: &ast.Value{
					Kind:     ast.IntValue,
					Raw:      strconv.Itoa(DefaultPageSize),
					Position: field.Position,
				},
			})
		}
		for _, name := range []string{argAfter, argBefore} {
			arg := field.Arguments.ForName(name)
			if arg == nil || arg.Value == nil || arg.Value.Kind != ast.StringValue {
				continue
			}
			internal, err := gid.InternalCursor(arg.Value.Raw)
			if err != nil {
				addError(core.Message("%s: %q: %v", fieldName(field), name, err), core.At(arg.Position))
				continue
			}
			arg.Value.Raw = internal
		}
	})
}

func fieldName(f *ast.Field) string {
	if f.Alias != "" && f.Alias != f.Name {
		return f.Alias + " (" + f.Name + ")"
	}
	return f.Name
}

// PageLimits is the per-request half of the paging rules: it checks page
// sizes and cursors that arrive in variables before anything runs.
type PageLimits struct{}

var (
	_ graphql.HandlerExtension        = PageLimits{}
	_ graphql.OperationContextMutator = PageLimits{}
)

// ExtensionName names the extension in gqlgen's registry.
func (PageLimits) ExtensionName() string { return "PageLimits" }

// Validate accepts any schema.
func (PageLimits) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext translates cursor variables and checks page-size
// variables of the operation about to run.
func (PageLimits) MutateOperationContext(_ context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	hasIntVars := false
	for _, v := range rc.Operation.VariableDefinitions {
		switch v.Type.Name() {
		case cursorType:
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
		case "Int":
			hasIntVars = true
		}
	}
	if !hasIntVars {
		// Page sizes are literals (checked when the document was parsed) or
		// defaulted: nothing depends on this request's variables.
		return nil
	}
	return checkPageVariables(rc, rc.Operation.SelectionSet, map[string]bool{})
}

// checkPageVariables walks the operation (fragments included) and checks
// every connection whose first or last comes from a variable.
func checkPageVariables(rc *graphql.OperationContext, set ast.SelectionSet, seen map[string]bool) *gqlerror.Error {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if isConnection(s.Definition) {
				if err := checkPageArgs(rc, s); err != nil {
					return err
				}
			}
			if err := checkPageVariables(rc, s.SelectionSet, seen); err != nil {
				return err
			}
		case *ast.InlineFragment:
			if err := checkPageVariables(rc, s.SelectionSet, seen); err != nil {
				return err
			}
		case *ast.FragmentSpread:
			if seen[s.Name] || s.Definition == nil {
				continue
			}
			seen[s.Name] = true
			if err := checkPageVariables(rc, s.Definition.SelectionSet, seen); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkPageArgs(rc *graphql.OperationContext, f *ast.Field) *gqlerror.Error {
	var given bool
	for _, name := range []string{argFirst, argLast} {
		arg := f.Arguments.ForName(name)
		if arg == nil || arg.Value == nil {
			continue
		}
		if arg.Value.Kind != ast.Variable {
			given = true // literal: checked at parse time
			continue
		}
		v, ok := rc.Variables[arg.Value.Raw]
		if !ok || v == nil {
			continue
		}
		given = true
		n, ok := toInt(v)
		if !ok || n < 0 || n > MaxPageSize {
			return badInput(arg.Position, "%s: %q (variable $%s) must be between 0 and %d, got %v", fieldName(f), name, arg.Value.Raw, MaxPageSize, v)
		}
	}
	if !given {
		return badInput(f.Position, "%s: first and last are both null; give one of them (at most %d)", fieldName(f), MaxPageSize)
	}
	return nil
}

func toInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case float64:
		return int64(n), float64(int64(n)) == n
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	default:
		return 0, false
	}
}

func badInput(pos *ast.Position, format string, args ...any) *gqlerror.Error {
	err := &gqlerror.Error{
		Message:    fmt.Sprintf(format, args...),
		Extensions: map[string]any{"code": CodeBadUserInput},
	}
	if pos != nil {
		err.Locations = []gqlerror.Location{{Line: pos.Line, Column: pos.Column}}
	}
	return err
}
