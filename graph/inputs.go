package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// InputValues is the gqlgen extension that refuses input values no
// database should see, in every argument and variable, before the
// operation runs:
//
//   - a string holding NUL (U+0000): PostgreSQL's text cannot store it and
//     failed the statement with SQLSTATE 22021 (an internal error), SQLite
//     cut the text at it;
//   - an Int outside 32 bits: GraphQL's Int is a signed 32-bit integer,
//     and gqlgen reads it into a Go int without checking.
//
// It is a walk of its own, apart from Checks' pricing walk, because it
// looks at every value whatever the field, and the two change for
// different reasons.
type InputValues struct {
	schema *ast.Schema
}

var (
	_ graphql.HandlerExtension        = (*InputValues)(nil)
	_ graphql.OperationContextMutator = (*InputValues)(nil)
)

// ExtensionName names the extension in gqlgen's registry.
func (*InputValues) ExtensionName() string { return "InputValues" }

// Validate keeps the schema, to know the types of input object fields.
func (iv *InputValues) Validate(es graphql.ExecutableSchema) error {
	iv.schema = es.Schema()
	return nil
}

// MutateOperationContext refuses the operation when a variable or a literal
// argument holds a value no database should see.
func (iv *InputValues) MutateOperationContext(_ context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	for _, v := range rc.Operation.VariableDefinitions {
		val, ok := rc.Variables[v.Variable]
		if !ok {
			continue
		}
		if msg := iv.value(v.Type, val, "$"+v.Variable); msg != "" {
			return badInput(v.Position, "variable $%s: %s", v.Variable, msg)
		}
	}
	return iv.literals(rc.Operation.SelectionSet, map[string]bool{})
}

// value checks a variable's value of type t; path names it in the message.
func (iv *InputValues) value(t *ast.Type, v any, path string) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		if strings.ContainsRune(x, 0) {
			return fmt.Sprintf("%s holds a NUL character (\\u0000), which no text may hold", path)
		}
	case []any:
		elem := t
		if t != nil && t.Elem != nil {
			elem = t.Elem
		}
		for i, e := range x {
			if msg := iv.value(elem, e, fmt.Sprintf("%s[%d]", path, i)); msg != "" {
				return msg
			}
		}
		return ""
	case map[string]any:
		var def *ast.Definition
		if t != nil && iv.schema != nil {
			def = iv.schema.Types[t.Name()]
		}
		for k, e := range x {
			var ft *ast.Type
			if def != nil {
				if f := def.Fields.ForName(k); f != nil {
					ft = f.Type
				}
			}
			if msg := iv.value(ft, e, path+"."+k); msg != "" {
				return msg
			}
		}
		return ""
	}
	if t != nil && t.Name() == "Int" && t.Elem == nil {
		if n, ok := toInt(v); isNumber(v) && (!ok || n < math.MinInt32 || n > math.MaxInt32) {
			return fmt.Sprintf("%s is %v, not an Int: GraphQL's Int is a whole number from %d to %d", path, v, math.MinInt32, math.MaxInt32)
		}
	}
	return ""
}

// isNumber reports whether v is a decoded number: anything else in an Int
// position is a type error, which validation answers for.
func isNumber(v any) bool {
	switch v.(type) {
	case json.Number, int, int32, int64, float64:
		return true
	}
	return false
}

// literals checks the values written in the document, in fields'
// arguments at every depth.
func (iv *InputValues) literals(set ast.SelectionSet, seen map[string]bool) *gqlerror.Error {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			for _, arg := range s.Arguments {
				if msg := literal(arg.Value, arg.Name); msg != "" {
					return badInput(arg.Position, "%s: argument %q: %s", fieldName(s), arg.Name, msg)
				}
			}
			if err := iv.literals(s.SelectionSet, seen); err != nil {
				return err
			}
		case *ast.InlineFragment:
			if err := iv.literals(s.SelectionSet, seen); err != nil {
				return err
			}
		case *ast.FragmentSpread:
			if s.Definition == nil || seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			if err := iv.literals(s.Definition.SelectionSet, seen); err != nil {
				return err
			}
		}
	}
	return nil
}

// literal checks one value of the document and its children.
func literal(v *ast.Value, path string) string {
	if v == nil {
		return ""
	}
	switch v.Kind {
	case ast.StringValue, ast.BlockValue:
		if strings.ContainsRune(v.Raw, 0) {
			return fmt.Sprintf("%s holds a NUL character (\\u0000), which no text may hold", path)
		}
	case ast.IntValue:
		if v.ExpectedType != nil && v.ExpectedType.Name() == "Int" {
			var n json.Number = json.Number(v.Raw)
			if i, err := n.Int64(); err != nil || i < math.MinInt32 || i > math.MaxInt32 {
				return fmt.Sprintf("%s is %s, not an Int: GraphQL's Int is a whole number from %d to %d", path, v.Raw, math.MinInt32, math.MaxInt32)
			}
		}
	case ast.ListValue:
		for i, c := range v.Children {
			if msg := literal(c.Value, fmt.Sprintf("%s[%d]", path, i)); msg != "" {
				return msg
			}
		}
	case ast.ObjectValue:
		for _, c := range v.Children {
			if msg := literal(c.Value, path+"."+c.Name); msg != "" {
				return msg
			}
		}
	}
	return ""
}
