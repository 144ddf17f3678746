package graph

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/ent"
	"sscgraph/internal/apierr"
	"sscgraph/internal/gid"
	"sscgraph/internal/limits"
	"sscgraph/internal/reqctx"
	"sscgraph/internal/search"
)

// Prices of the work an operation asks for besides its nodes.
const (
	// CountWeight is the price of a totalCount, per parent: a count reads
	// every matching row, at least as much work as a default page.
	CountWeight = DefaultPageSize
	// EdgeFilterWeight is the price of a has<Edge>With condition, per
	// parent: a subquery per row examined.
	EdgeFilterWeight = DefaultPageSize
	// HasEdgeWeight is the price of a has<Edge> condition: an index probe
	// per row examined.
	HasEdgeWeight = 10
)

// Checks is the gqlgen extension that checks every operation before it
// runs, in one walk over the operation and its variables. It refuses what
// must not run, with BAD_USER_INPUT or LIMIT_EXCEEDED, and prices the rest:
//
//   - cursor variables are translated from the opaque form clients see
//     into ent's encoding (literal cursors were translated with the
//     document, by the paging rule), and every cursor must name a row of
//     the connection's type and carry the values of its order;
//   - page sizes given through variables are within 0..MaxPageSize, and a
//     connection never ends up with neither first nor last;
//   - every ID is one this service issued, and an ID where the schema
//     names a type (@idOf: the id fields of TWhereInput, an edge of a
//     create or update input, the id of updateT …) is an ID of that type;
//   - filters are bounded: conditions per operation, nesting, list lengths;
//   - the price: each connection weighs its page times the pages above it
//     (the most nodes it can return), a totalCount CountWeight per parent,
//     a filter one point per condition and per parent, more for conditions
//     across an edge, plus the rows filters, statistics and searches may
//     read on this database's tables (price.go); introspection weighs
//     what it returns.
//
// Checking up front matters because ent's field collection reads nested
// arguments itself and skips values it cannot decode: a bad ID or cursor
// must fail the request, not silently widen a nested filter.
type Checks struct {
	// Limits enforces the limits on the price; nil checks without limits.
	Limits *limits.Limits
	// Sizes are the tables' row counts, by which filters, statistics and
	// searches are priced; nil prices them without the rows they read.
	Sizes TableSizes

	schema *ast.Schema
	// idTargets is the type each ID argument and input field must name
	// (IDTargets).
	idTargets map[string]string
	// typeWeight is what __type returns for each type; schemaWeight what
	// __schema returns.
	typeWeight   map[string]int
	schemaWeight int
}

var (
	_ graphql.HandlerExtension        = (*Checks)(nil)
	_ graphql.OperationContextMutator = (*Checks)(nil)
)

// ExtensionName names the extension in gqlgen's registry.
func (*Checks) ExtensionName() string { return "Checks" }

// Validate keeps the schema, to know the types of input fields, reads the
// types ID arguments and input fields must name, and prices its
// introspection.
func (c *Checks) Validate(es graphql.ExecutableSchema) error {
	c.schema = es.Schema()
	c.idTargets = IDTargets(c.schema)
	c.typeWeight = map[string]int{}
	c.schemaWeight = 1
	for name, def := range c.schema.Types {
		w := 1 + len(def.Fields) + len(def.EnumValues)
		for _, f := range def.Fields {
			w += len(f.Arguments)
		}
		c.typeWeight[name] = w
		c.schemaWeight += w
	}
	return nil
}

// MutateOperationContext checks the operation about to run.
func (c *Checks) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	codec, err := gid.FromContext(ctx)
	if err != nil {
		// The server installs a codec for every request: without one,
		// no ID could be checked nor written.
		slog.ErrorContext(ctx, "checking an operation", "request_id", RequestID(ctx), "err", err)
		return apierr.InternalFor(RequestID(ctx)).GQL()
	}
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
		internal, _, err := codec.InternalCursor(s)
		if err != nil {
			return badInput(v.Position, "variable $%s: %v", v.Variable, err)
		}
		rc.Variables[v.Variable] = internal
	}
	w := walker{checks: c, codec: codec, rc: rc, seen: map[string]bool{}}
	if err := w.selections(rc.Operation.SelectionSet, 1, 0); err != nil {
		return err
	}
	cost := reqctx.Cost{
		Points: max(w.points, 1), Depth: w.depth, Aliases: w.aliases,
		Predicates: w.predicates, FilterDepth: w.filterDepth, ListLength: w.listLength,
	}
	if a := reqctx.AnswerFrom(ctx); a != nil && a.Hit {
		// The answer cache holds the answer: the database does none of
		// the work the price stands for, and the request pays for the
		// bytes written instead.
		cost.Charged = CachedAnswerPoints(len(a.Data))
	}
	if info := reqctx.From(ctx); info != nil {
		info.Cost = cost
		info.Operation = rc.OperationName
	}
	// The operation keeps its own price: a subscription is charged it
	// again for every event it delivers, and the request's info is shared
	// by every operation of a WebSocket.
	rc.Stats.SetExtension(priceExtension, cost.Points)
	if c.Limits == nil {
		return nil
	}
	return c.Limits.Enforce(ctx, cost)
}

// CachedAnswerBytesPerPoint is how many bytes of an answer served from
// the answer cache cost one point: such an answer reads nothing from the
// database, and its cost is writing it out.
const CachedAnswerBytesPerPoint = 4096

// CachedAnswerPoints is what an answer of n bytes served from the answer
// cache costs: one point per CachedAnswerBytesPerPoint, at least one.
func CachedAnswerPoints(n int) int {
	return 1 + n/CachedAnswerBytesPerPoint
}

// walker is one walk over an operation.
type walker struct {
	checks *Checks
	codec  *gid.Codec // the request's
	rc     *graphql.OperationContext
	seen   map[string]bool // fragment spreads on the current path

	points, depth, aliases              int
	schemas                             int // __schema fields
	predicates, filterDepth, listLength int
}

func (w *walker) selections(set ast.SelectionSet, mult, depth int) *gqlerror.Error {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if err := w.field(s, mult, depth); err != nil {
				return err
			}
		case *ast.InlineFragment:
			if err := w.selections(s.SelectionSet, mult, depth); err != nil {
				return err
			}
		case *ast.FragmentSpread:
			if s.Definition == nil || w.seen[s.Name] {
				continue // validation rejects cycles; this only guards
			}
			w.seen[s.Name] = true
			err := w.selections(s.Definition.SelectionSet, mult, depth)
			delete(w.seen, s.Name)
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *walker) field(f *ast.Field, mult, depth int) *gqlerror.Error {
	if f.Alias != "" && f.Alias != f.Name {
		w.aliases++
	}
	switch f.Name {
	case "__typename":
		return nil
	case "__schema":
		// Introspection is priced by what it returns and does not count
		// towards depth: tools send deep introspection queries. Tools
		// also send one __schema, never several: answering the whole
		// schema once per request is enough, and aliases of it are
		// refused rather than priced.
		w.schemas++
		if w.schemas > 1 {
			return apierr.New(apierr.LimitExceeded, "%s: the schema is answered once per request; this operation asks for it %d times or more", fieldName(f), w.schemas).
				With("limit", "introspection").With("maximum", 1).With("actual", w.schemas).GQL()
		}
		w.points = saturatingAdd(w.points, saturatingMul(mult, w.checks.schemaWeight))
		return nil
	case "__type":
		name, _ := w.argValue(f, "name")
		s, _ := name.(string)
		w.points = saturatingAdd(w.points, saturatingMul(mult, max(w.checks.typeWeight[s], 1)))
		return nil
	}
	depth++
	w.depth = max(w.depth, depth)
	if f.Definition == nil {
		return w.selections(f.SelectionSet, mult, depth)
	}
	if err := w.arguments(f, mult); err != nil {
		return err
	}
	childMult := mult
	switch {
	case isConnection(f.Definition) || isSuggestions(f.Definition) || isSearch(f.Definition):
		// A page of search hits holds nodes with their own fields, as a
		// page of any connection does: it is priced the same way.
		if err := w.page(f); err != nil {
			return err
		}
		if isSearch(f.Definition) {
			w.points = saturatingAdd(w.points, w.searchPoints(f, mult))
		}
		counted := selects(f.SelectionSet, "totalCount")
		if counted {
			w.points = saturatingAdd(w.points, saturatingMul(mult, CountWeight))
		}
		switch {
		case selects(f.SelectionSet, "edges", "nodes"):
			childMult = saturatingMul(mult, w.pageSize(f))
			w.points = saturatingAdd(w.points, childMult)
		case !counted:
			w.points = saturatingAdd(w.points, mult) // pageInfo alone
		}
	case isStats(f.Definition):
		// A statistic answers at most first buckets (the default page
		// when absent), each of which can hold key nodes with nested
		// connections: it is priced like a connection of that page, and
		// its total like a totalCount.
		n, err := w.statsFirst(f)
		if err != nil {
			return err
		}
		if selects(f.SelectionSet, "total") {
			w.points = saturatingAdd(w.points, saturatingMul(mult, CountWeight))
		}
		childMult = saturatingMul(mult, n)
		w.points = saturatingAdd(w.points, childMult)
		w.points = saturatingAdd(w.points, w.statsPoints(f, mult))
	case f.Definition.Type.Name() == "MatchTiming":
		// A count of the matches the filter selects and two sorts of
		// them (the medians): priced as a total and twice a statistic's
		// read of the matches' table.
		w.points = saturatingAdd(w.points, saturatingMul(mult, CountWeight))
		w.points = saturatingAdd(w.points, saturatingMul(2, rowPoints(w.examined(f, "Match", mult), StatsRowsPerPoint)))
	case isPagedList(f.Definition):
		// A list of first nodes (suggestionsChanged) is priced as the
		// connection of the same nodes is (suggestedOffers).
		n := w.pageSize(f)
		if v, ok := w.argValue(f, argFirst); !ok || v == nil {
			n = DefaultSuggestions
		}
		childMult = saturatingMul(mult, n)
		w.points = saturatingAdd(w.points, childMult)
	case f.Name == "nodes":
		ids, _ := w.argValue(f, "ids")
		l, _ := ids.([]any)
		childMult = saturatingMul(mult, max(len(l), 1))
		w.points = saturatingAdd(w.points, childMult)
	}
	return w.selections(f.SelectionSet, childMult, depth)
}

// argValue returns the value of f's argument name, variables applied.
func (w *walker) argValue(f *ast.Field, name string) (any, bool) {
	arg := f.Arguments.ForName(name)
	if arg == nil || arg.Value == nil {
		return nil, false
	}
	v, err := arg.Value.Value(w.rc.Variables)
	if err != nil {
		return nil, false
	}
	return v, true
}

// arguments checks the IDs, lists and filters of f's arguments and prices
// its filter, once per parent.
func (w *walker) arguments(f *ast.Field, mult int) *gqlerror.Error {
	for _, arg := range f.Arguments {
		def := f.Definition.Arguments.ForName(arg.Name)
		if def == nil || arg.Value == nil {
			continue
		}
		v, err := arg.Value.Value(w.rc.Variables)
		if err != nil {
			return badInput(arg.Position, "%s: argument %q: %v", fieldName(f), arg.Name, err)
		}
		if l, ok := v.([]any); ok {
			w.listLength = max(w.listLength, len(l))
		}
		if arg.Name == "orderBy" {
			if l, ok := v.([]any); ok {
				w.predicates += len(l)
			}
		}
		if w.mayHoldIDs(def.Type) {
			if msg := w.checkIDs(def.Type, v, w.argTarget(f, arg.Name), arg.Name); msg != "" {
				return badInput(arg.Position, "%s: %s", fieldName(f), msg)
			}
		}
		if arg.Name == "where" {
			if where := w.checks.schema.Types[def.Type.Name()]; where != nil && where.Kind == ast.InputObject {
				weight := w.filter(where, v, 1)
				w.points = saturatingAdd(w.points, saturatingMul(mult, weight))
				// The rows the filter may read to find the page.
				typ := strings.TrimSuffix(where.Name, "WhereInput")
				examined := w.examined(f, typ, mult)
				read := w.filterRows(where, v, examined, 1)
				if isStats(f.Definition) && read > 0 {
					// A statistic reads its rows to group them
					// (statsPoints): testing them on the way is paid.
					// Its filter's edges are followed from every row
					// its dimensions multiply.
					factor, _ := w.statsFactor(f)
					read = saturatingMul(max(read-examined, 0), factor)
				}
				w.points = saturatingAdd(w.points, rowPoints(read, RowsPerPoint))
			}
		}
	}
	return nil
}

// filter walks a where-input value at nesting level, counting its
// conditions and list lengths, and returns its weight.
func (w *walker) filter(def *ast.Definition, v any, level int) int {
	obj, ok := v.(map[string]any)
	if !ok {
		return 0
	}
	w.filterDepth = max(w.filterDepth, level)
	weight := 0
	for name, fv := range obj {
		if fv == nil {
			continue
		}
		fd := def.Fields.ForName(name)
		if fd == nil {
			continue
		}
		inner := w.checks.schema.Types[fd.Type.Name()]
		nested := inner != nil && inner.Kind == ast.InputObject
		switch {
		case nested:
			// and, or, not, has<Edge>With: nested filters.
			if strings.HasPrefix(name, "has") {
				w.predicates++
				weight = saturatingAdd(weight, EdgeFilterWeight)
			}
			if l, isList := fv.([]any); isList {
				w.listLength = max(w.listLength, len(l))
				for _, e := range l {
					weight = saturatingAdd(weight, w.filter(inner, e, level+1))
				}
			} else {
				weight = saturatingAdd(weight, w.filter(inner, fv, level+1))
			}
		case strings.HasPrefix(name, "has") && fd.Type.Name() == "Boolean":
			w.predicates++
			weight = saturatingAdd(weight, HasEdgeWeight)
		default:
			w.predicates++
			weight = saturatingAdd(weight, 1)
			if l, isList := fv.([]any); isList {
				w.listLength = max(w.listLength, len(l))
			}
		}
	}
	return weight
}

// page checks a connection's page size variables and its cursors.
func (w *walker) page(f *ast.Field) *gqlerror.Error {
	var given bool
	_, maximum, _ := pageLimits(f.Definition)
	for _, name := range []string{argFirst, argLast} {
		arg := f.Arguments.ForName(name)
		if arg == nil || arg.Value == nil {
			continue
		}
		if arg.Value.Kind != ast.Variable {
			given = true // literal: checked with the document
			continue
		}
		v, ok := w.rc.Variables[arg.Value.Raw]
		if !ok || v == nil {
			continue
		}
		given = true
		n, ok := toInt(v)
		if !ok || n < 0 || n > int64(maximum) {
			return badInput(arg.Position, "%s: %q (variable $%s) must be between 0 and %d, got %v", fieldName(f), name, arg.Value.Raw, maximum, v)
		}
	}
	if !given && (isSuggestions(f.Definition) || isSearch(f.Definition)) {
		return badInput(f.Position, "%s: first is null; give a page size (at most %d)", fieldName(f), maximum)
	}
	if !given {
		return badInput(f.Position, "%s: first and last are both null; give one of them (at most %d)", fieldName(f), MaxPageSize)
	}
	node := strings.TrimSuffix(f.Definition.Type.Name(), "Connection")
	var kinds []string // the kinds of the order fields' values
	if node == searchNode {
		// Search hits are ranked: their cursors name a row of any
		// searchable type and carry its position (package search).
		kinds = []string{"int"}
	} else if rows, ok := linkRows[node]; ok {
		// Links are in the key order of the row they lead to; their
		// cursors carry that row's key and no order values.
		node = rows
	} else if rows, ok := suggestionRows[node]; ok {
		// Suggestions are ranked by score: their cursors name a row of
		// the type suggested and carry its score.
		node, kinds = rows, []string{"float"}
	} else if v, ok := w.argValue(f, "orderBy"); ok {
		var orders []string // the order fields, as enum values
		switch o := v.(type) {
		case []any:
			for _, e := range o {
				orders = append(orders, orderField(e))
			}
		case map[string]any:
			orders = append(orders, orderField(o))
		}
		for _, o := range orders {
			kinds = append(kinds, ent.OrderFieldKinds[node+"OrderField."+o])
		}
	}
	for _, name := range []string{argAfter, argBefore} {
		v, ok := w.argValue(f, name)
		s, isString := v.(string)
		if !ok || !isString {
			continue
		}
		typ, values, err := w.codec.CursorValues(s)
		if err != nil {
			return badInput(f.Position, "%s: %q: %v", fieldName(f), name, err)
		}
		if typ != node && !(node == searchNode && searchable(typ)) {
			return badInput(f.Position, "%s: %q: the cursor belongs to a page of %s, not of %s", fieldName(f), name, typ, node)
		}
		if len(values) != len(kinds) {
			return badInput(f.Position, "%s: %q: the cursor belongs to a page in another order (%d order fields, this page has %d)", fieldName(f), name, len(values), len(kinds))
		}
		for i, cv := range values {
			if !fitsOrder(cv, kinds[i]) {
				return badInput(f.Position, "%s: %q: the cursor's order values are malformed; it was not issued for this order", fieldName(f), name)
			}
		}
	}
	return nil
}

// isStats reports whether a field is a grouped statistic (activityStats
// …): it returns a …Stats type and takes groupBy.
func isStats(def *ast.FieldDefinition) bool {
	return def != nil && def.Type != nil && strings.HasSuffix(def.Type.Name(), "Stats") &&
		def.Arguments.ForName("groupBy") != nil
}

// statsFirst is a statistic's bucket limit, checked: between 0 and
// MaxPageSize, the default page when absent or null.
func (w *walker) statsFirst(f *ast.Field) (int, *gqlerror.Error) {
	v, ok := w.argValue(f, argFirst)
	if !ok || v == nil {
		return DefaultPageSize, nil
	}
	n, isInt := toInt(v)
	if !isInt || n < 0 || n > MaxPageSize {
		return 0, badInput(f.Position, "%s: %q must be between 0 and %d, got %v", fieldName(f), argFirst, MaxPageSize, v)
	}
	return int(n), nil
}

// orderField is the field of one orderBy entry.
func orderField(v any) string {
	m, _ := v.(map[string]any)
	s, _ := m["field"].(string)
	return s
}

// fitsOrder reports whether v is a value a cursor of an order field of the
// given kind can hold: a forged value must not reach SQL, where it would
// fail as a database error.
func fitsOrder(v any, kind string) bool {
	if v == nil {
		return true // a NULL in a nullable column
	}
	switch v.(type) {
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return kind == "int" || kind == "float"
	case float32, float64:
		return kind == "float"
	case string:
		return kind == "string"
	case bool:
		return kind == "bool"
	case time.Time:
		return kind == "time"
	default:
		return false
	}
}

// pageSize is the connection's first or last, or the default page.
func (w *walker) pageSize(f *ast.Field) int {
	for _, name := range []string{argFirst, argLast} {
		if v, ok := w.argValue(f, name); ok && v != nil {
			if n, ok := toInt(v); ok && n >= 0 {
				return int(n)
			}
		}
	}
	deflt, _, _ := pageLimits(f.Definition)
	return deflt
}

// selects reports whether a selection asks for any of the fields names,
// directly or in fragments.
func selects(set ast.SelectionSet, names ...string) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			for _, n := range names {
				if s.Name == n {
					return true
				}
			}
		case *ast.InlineFragment:
			if selects(s.SelectionSet, names...) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition != nil && selects(s.Definition.SelectionSet, names...) {
				return true
			}
		}
	}
	return false
}

// priceExtension is the key of an operation's price in its
// OperationContext's stats.
const priceExtension = "sscgraph.price"

// PriceOf returns the price the checks computed for the operation in rc,
// and whether they did.
func PriceOf(rc *graphql.OperationContext) (int, bool) {
	if rc == nil {
		return 0, false
	}
	p, ok := rc.Stats.GetExtension(priceExtension).(int)
	return p, ok
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

// argTarget is the type the IDs of f's argument arg must be of: the
// argument's @idOf, unless its resolver checks the type itself; "" for
// any type.
func (w *walker) argTarget(f *ast.Field, arg string) string {
	if f.ObjectDefinition == nil {
		return ""
	}
	key := argKey(f.ObjectDefinition.Name, f.Name, arg)
	if _, own := ResolverIDChecks[key]; own {
		return ""
	}
	return w.checks.idTargets[key]
}

// mayHoldIDs reports whether a value of type t can contain an ID.
func (w *walker) mayHoldIDs(t *ast.Type) bool {
	name := t.Name()
	if name == "ID" {
		return true
	}
	def := w.checks.schema.Types[name]
	return def != nil && def.Kind == ast.InputObject
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
		return checkID(w.codec, v, want, path)
	}
	def := w.checks.schema.Types[t.NamedType]
	if def == nil || def.Kind != ast.InputObject {
		return ""
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	for _, fd := range def.Fields {
		fv, ok := obj[fd.Name]
		if !ok || fv == nil {
			continue
		}
		expect := w.checks.idTargets[def.Name+"."+fd.Name]
		if msg := w.checkIDs(fd.Type, fv, expect, path+"."+fd.Name); msg != "" {
			return msg
		}
	}
	return ""
}

// IDTargets reads from a schema the type each ID argument and ID input
// field must name: its @idOf (graph/schema/ids.graphqls), written by hand
// in graph/schema and derived from the ent graph for the inputs entgql
// generates (ent/entc.go). Arguments are keyed "Type.field(argument)",
// input fields "Input.field". The checks read it once, when the schema is
// validated, so that a new argument or field is checked as soon as it
// says of which type its IDs are (graph's tests fail on one that does not).
func IDTargets(s *ast.Schema) map[string]string {
	targets := map[string]string{}
	for name, def := range s.Types {
		for _, f := range def.Fields {
			if def.Kind == ast.InputObject {
				if typ := idOf(f.Directives); typ != "" {
					targets[name+"."+f.Name] = typ
				}
				continue
			}
			for _, a := range f.Arguments {
				if typ := idOf(a.Directives); typ != "" {
					targets[argKey(name, f.Name, a.Name)] = typ
				}
			}
		}
	}
	return targets
}

// idOf is the type an @idOf directive among list names, or "".
func idOf(list ast.DirectiveList) string {
	d := list.ForName("idOf")
	if d == nil {
		return ""
	}
	if a := d.Arguments.ForName("type"); a != nil && a.Value != nil {
		return a.Value.Raw
	}
	return ""
}

func argKey(typ, field, arg string) string { return typ + "." + field + "(" + arg + ")" }

// ResolverIDChecks are the ID arguments whose resolvers answer an ID of
// another type themselves, in words clients have read since they were
// added: the checks decode these IDs but leave their type to the
// resolvers, so that those answers stay the same. Every other ID argument
// with an @idOf is checked here. Each entry says who answers and how.
var ResolverIDChecks = map[string]string{
	"Query.suggestedOffers(need)":           "package matching refuses it with gid.CheckType, for Go callers too",
	"Query.suggestedNeeds(offer)":           "package matching refuses it with gid.CheckType, for Go callers too",
	"Query.suggestedConsultants(activity)":  "package matching refuses it with gid.CheckType, for Go callers too",
	"Query.suggestedConsultants(topics)":    "package matching refuses it with gid.CheckType, for Go callers too",
	"Query.suggestedConsultants(country)":   "package matching refuses it with gid.CheckType, for Go callers too",
	"Subscription.matchChanged(need)":       "graph/subscribe.go refuses it with gid.CheckType",
	"Subscription.matchChanged(offer)":      "graph/subscribe.go refuses it with gid.CheckType",
	"Subscription.suggestionsChanged(need)": "package matching refuses it with gid.CheckType, for Go callers too",
	"Mutation.proposeMatch(need)":           "graph/matchflow.go answers that no MatchNeed has that ID",
	"Mutation.proposeMatch(offer)":          "graph/matchflow.go answers that no MatchOffer has that ID",
	"Mutation.respondToMatch(id)":           "graph/matchflow.go answers that no Match has that ID",
	"Mutation.completeMatch(id)":            "graph/matchflow.go answers that no Match has that ID",
	"Mutation.withdrawMatch(id)":            "graph/matchflow.go answers that no Match has that ID",
	"Mutation.revokeAPIKey(id)":             "package auth answers that no unrevoked key has that ID, as for any ID of no key (keys are no oracle)",
}

func checkID(codec *gid.Codec, v any, want, path string) string {
	s, ok := v.(string)
	if !ok {
		return fmt.Sprintf("%s: invalid ID %v: IDs are opaque strings this service issued", path, v)
	}
	key, err := codec.Decode(s)
	if err != nil {
		return fmt.Sprintf("%s: %v", path, err)
	}
	if want == "" {
		return ""
	}
	if msg := codec.TypeMismatch(key, want); msg != "" {
		return path + ": " + msg
	}
	return ""
}

// searchable reports whether rows of a node type are search hits.
func searchable(typ string) bool {
	for _, n := range search.NodeTypes {
		if n == typ {
			return true
		}
	}
	return false
}
