package graph

import (
	"encoding/json"
	"fmt"
	"sscgraph/internal/apierr"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"sscgraph/internal/gid"
	"sscgraph/internal/matching"
	"sscgraph/internal/search"
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

// suggestionRows maps the node type of each suggestion connection
// (suggestedOffers …) to the type of the rows its cursors name. These
// connections are ranked, page forward only (first and after) and in
// smaller pages: package matching scores every candidate for each page.
var suggestionRows = map[string]string{
	"OfferSuggestion":      "MatchOffer",
	"NeedSuggestion":       "MatchNeed",
	"ConsultantSuggestion": "Consultant",
}

// isSuggestions reports whether a field is a suggestion connection.
func isSuggestions(def *ast.FieldDefinition) bool {
	if def == nil || def.Type == nil || def.Arguments.ForName(argFirst) == nil {
		return false
	}
	node, ok := strings.CutSuffix(def.Type.Name(), "Connection")
	return ok && suggestionRows[node] != ""
}

// linkRows maps the node type of each connection of links (an activity's
// beneficiaries …) to the type of the rows its cursors name.
var linkRows = map[string]string{
	"Beneficiary": "Country",
}

// searchNode is the node type of the search connection, whose cursors
// name rows of any searchable type (package search).
const searchNode = "SearchHit"

// isSearch reports whether a field is the search connection: ranked,
// forward only, in pages of package search's sizes.
func isSearch(def *ast.FieldDefinition) bool {
	return def != nil && def.Type != nil && def.Arguments.ForName(argFirst) != nil &&
		def.Type.Name() == searchNode+"Connection"
}

// pageLimits returns the default and the largest page of a paged field,
// and whether the field is paged at all.
func pageLimits(def *ast.FieldDefinition) (deflt, maximum int, paged bool) {
	switch {
	case isConnection(def):
		return DefaultPageSize, MaxPageSize, true
	case isSuggestions(def):
		return matching.DefaultFirst, matching.MaxFirst, true
	case isSearch(def):
		return search.DefaultFirst, search.MaxFirst, true
	}
	return 0, 0, false
}

// ValidationRules returns the function that gives gqlparser's default rules
// plus the paging rule, which reads literal cursors with codec (the
// server's: validation runs before any resolver, without the request's
// context).
func ValidationRules(codec *gid.Codec) func() *rules.Rules {
	return func() *rules.Rules {
		r := rules.NewDefaultRules()
		r.AddRule(pagingRuleName, pagingRule(codec))
		return r
	}
}

// pagingRuleName names the paging rule in the errors it raises.
const pagingRuleName = "SSCGraphPaging"

// pagingRule runs once per query document, when it is parsed and before it
// is cached, and does what can be decided from the document alone:
//
//   - it rejects literal page sizes outside 0..MaxPageSize (0..MaxFirst of
//     package matching for the suggestion connections);
//   - it drops a literal first: null or last: null, which means the same
//     as leaving the argument out (README says so): the default page, never
//     the whole list;
//   - it gives every connection that has neither first nor last the
//     argument first: DefaultPageSize (DefaultFirst of package matching
//     for the suggestion connections), written into the document so that
//     the resolvers and ent's field collection (which reads arguments from
//     the document) agree on the page;
//   - it translates literal cursors from the opaque form clients see into
//     ent's encoding, rejecting any this service did not issue.
//
// What depends on variables, and whether a cursor fits its connection, is
// checked per request by Checks.
func pagingRule(codec *gid.Codec) core.RuleFunc {
	return func(observers *core.Events, addError core.AddErrFunc) { pagingFields(codec, observers, addError) }
}

func pagingFields(codec *gid.Codec, observers *core.Events, addError core.AddErrFunc) {
	observers.OnField(func(_ *core.Walker, field *ast.Field) {
		deflt, maximum, paged := pageLimits(field.Definition)
		if !paged {
			return
		}
		field.Arguments = dropNullPages(field.Arguments)
		first, last := field.Arguments.ForName(argFirst), field.Arguments.ForName(argLast)
		for _, arg := range []*ast.Argument{first, last} {
			if arg == nil || arg.Value == nil || arg.Value.Kind != ast.IntValue {
				continue
			}
			n, err := strconv.Atoi(arg.Value.Raw)
			if err != nil || n < 0 || n > maximum {
				addError(
					core.Message("%s: %q must be between 0 and %d, got %s", fieldName(field), arg.Name, maximum, arg.Value.Raw),
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
					Raw:      strconv.Itoa(deflt),
					Position: field.Position,
				},
			})
		}
		for _, name := range []string{argAfter, argBefore} {
			arg := field.Arguments.ForName(name)
			if arg == nil || arg.Value == nil || arg.Value.Kind != ast.StringValue {
				continue
			}
			internal, _, err := codec.InternalCursor(arg.Value.Raw)
			if err != nil {
				addError(core.Message("%s: %q: %v", fieldName(field), name, err), core.At(arg.Position))
				continue
			}
			arg.Value.Raw = internal
		}
	})
}

// dropNullPages removes literal null page sizes from a connection's
// arguments.
func dropNullPages(args ast.ArgumentList) ast.ArgumentList {
	out := args[:0:0]
	for _, a := range args {
		if (a.Name == argFirst || a.Name == argLast) && a.Value != nil && a.Value.Kind == ast.NullValue {
			continue
		}
		out = append(out, a)
	}
	return out
}

func fieldName(f *ast.Field) string {
	if f.Alias != "" && f.Alias != f.Name {
		return f.Alias + " (" + f.Name + ")"
	}
	return f.Name
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

// badInput is an error in a request's arguments or variables.
func badInput(pos *ast.Position, format string, args ...any) *gqlerror.Error {
	err := &gqlerror.Error{
		Message:    fmt.Sprintf(format, args...),
		Extensions: map[string]any{"code": string(apierr.BadUserInput)},
	}
	if pos != nil {
		err.Locations = []gqlerror.Location{{Line: pos.Line, Column: pos.Column}}
	}
	return err
}
