// Package limits protects the API from queries too large to answer and
// clients that ask too often: it computes each operation's cost, depth and
// alias count before it runs, and charges the cost to the client's
// rate-limit bucket.
package limits

import (
	"encoding/json"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"sscgraph/internal/reqctx"
)

// Analyze computes an operation's cost, depth and aliases. The cost is the
// most nodes the operation can return, the way GitHub counts its node
// limit: a connection weighs its first or last (defaultPage when neither
// is given) times the weight of the connections above it, so nested
// connections multiply; a connection asked only for totalCount or pageInfo
// weighs one per parent. A list of IDs (nodes) weighs its length. The
// schema introspection fields (__schema, __type) weigh 1 and do not count
// towards depth: tools send deep introspection queries that are cheap.
func Analyze(op *ast.OperationDefinition, vars map[string]any, defaultPage int) reqctx.Cost {
	a := analyzer{vars: vars, defaultPage: defaultPage, seen: map[string]bool{}}
	a.selections(op.SelectionSet, 1, 0)
	return reqctx.Cost{Points: max(a.points, 1), Depth: a.depth, Aliases: a.aliases}
}

type analyzer struct {
	vars        map[string]any
	defaultPage int
	points      int
	depth       int
	aliases     int
	seen        map[string]bool // fragment spreads on the current path
}

func (a *analyzer) selections(set ast.SelectionSet, mult, depth int) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			a.field(s, mult, depth)
		case *ast.InlineFragment:
			a.selections(s.SelectionSet, mult, depth)
		case *ast.FragmentSpread:
			if s.Definition == nil || a.seen[s.Name] {
				continue // validation rejects cycles; this only guards
			}
			a.seen[s.Name] = true
			a.selections(s.Definition.SelectionSet, mult, depth)
			delete(a.seen, s.Name)
		}
	}
}

func (a *analyzer) field(f *ast.Field, mult, depth int) {
	if f.Alias != "" && f.Alias != f.Name {
		a.aliases++
	}
	if strings.HasPrefix(f.Name, "__") {
		if f.Name != "__typename" {
			a.points = saturatingAdd(a.points, 1)
		}
		return
	}
	depth++
	a.depth = max(a.depth, depth)
	childMult := mult
	if f.Definition != nil {
		switch {
		case isConnection(f.Definition):
			if !selectsNodes(f.SelectionSet) {
				// Only totalCount or pageInfo: one count per parent.
				a.points = saturatingAdd(a.points, mult)
				break
			}
			n := a.pageSize(f)
			childMult = saturatingMul(mult, n)
			a.points = saturatingAdd(a.points, childMult)
		case f.Name == "nodes":
			n := a.listLength(f, "ids")
			childMult = saturatingMul(mult, n)
			a.points = saturatingAdd(a.points, childMult)
		}
	}
	a.selections(f.SelectionSet, childMult, depth)
}

// selectsNodes reports whether a connection's selection asks for its
// nodes (through edges or nodes), directly or in fragments.
func selectsNodes(set ast.SelectionSet) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "edges" || s.Name == "nodes" {
				return true
			}
		case *ast.InlineFragment:
			if selectsNodes(s.SelectionSet) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition != nil && selectsNodes(s.Definition.SelectionSet) {
				return true
			}
		}
	}
	return false
}

func isConnection(def *ast.FieldDefinition) bool {
	return def.Type != nil && strings.HasSuffix(def.Type.Name(), "Connection") &&
		def.Arguments.ForName("first") != nil && def.Arguments.ForName("last") != nil
}

// pageSize is the connection's first or last, or the default page.
func (a *analyzer) pageSize(f *ast.Field) int {
	for _, name := range []string{"first", "last"} {
		arg := f.Arguments.ForName(name)
		if arg == nil || arg.Value == nil {
			continue
		}
		v, err := arg.Value.Value(a.vars)
		if err != nil || v == nil {
			continue
		}
		if n, ok := toInt(v); ok && n >= 0 {
			return n
		}
	}
	return a.defaultPage
}

func (a *analyzer) listLength(f *ast.Field, arg string) int {
	v := f.Arguments.ForName(arg)
	if v == nil || v.Value == nil {
		return 1
	}
	val, err := v.Value.Value(a.vars)
	if err != nil {
		return 1
	}
	if l, ok := val.([]any); ok {
		return max(len(l), 1)
	}
	return 1
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		return int(n), true
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	}
	return 0, false
}

const maxPoints = 1 << 40

func saturatingAdd(a, b int) int { return min(a+b, maxPoints) }

func saturatingMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > maxPoints/b {
		return maxPoints
	}
	return a * b
}
