// Package schemadesc describes the GraphQL elements entgql generates from
// the ent model (ent/entc.go runs Describe as a schema hook), so that the
// schema, which is the API's documentation, explains every element of
// every entity, new ones included. What only a person knows comes from
// ent/schema: a type's schema.Comment, a field's or an edge's Comment, an
// enum's EnumValues annotation. What follows from how entgql builds its
// types (filters, orders, mutation inputs, connections) is written here,
// from the element's name and the ent field or edge behind it.
//
// It must not import the generated ent packages: it runs while they are
// being generated.
package schemadesc

import (
	"encoding/json"
	"fmt"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc/gen"
	"entgo.io/ent/schema/field"
	"github.com/vektah/gqlparser/v2/ast"
)

// EnumValues is an ent field annotation that describes the values of an
// enum field, by value: field.Enum("kind").Values(...).Annotations(
// schemadesc.EnumValues{"TRAINING": "A training course."}). Describe fails
// on a value it does not know.
type EnumValues map[string]string

// Name implements ent's schema.Annotation.
func (EnumValues) Name() string { return "EnumValues" }

// The naming helpers of ent's templates, which entgql names its
// elements with.
var (
	camel    = gen.Funcs["camel"].(func(string) string)
	pascal   = gen.Funcs["pascal"].(func(string) string)
	singular = gen.Funcs["singular"].(func(string) string)
	plural   = gen.Funcs["plural"].(func(string) string)
)

// Describe fills the descriptions entgql leaves empty on the elements it
// generates for each ent type: the type, its fields and enum values, its
// query field, where-input, order enum, and create and update inputs. A
// description that exists is kept, except entgql's "<f> field predicates"
// and "<e> edge predicates", which it puts on the first filter of a group
// and which describe the group, not that filter. A generated element
// whose name it cannot explain is an error: entgql changed its naming, and
// this package must learn the new name.
func Describe(g *gen.Graph, s *ast.Schema) error {
	if q := s.Types["Query"]; q != nil {
		set(&q.Description, "The API's reads: look-ups, paged lists with filters and orders, search, suggestions and statistics.")
	}
	for _, n := range g.Nodes {
		def := s.Types[n.Name]
		if def == nil {
			continue // not in the API (entgql.Skip)
		}
		t := typeDoc{n: n, plural: plural(n.Name)}
		if err := t.describeType(s, def); err != nil {
			return err
		}
		if err := t.describeQuery(s); err != nil {
			return err
		}
		if err := t.describeWhere(s); err != nil {
			return err
		}
		if err := t.describeOrder(s); err != nil {
			return err
		}
		for _, create := range []bool{true, false} {
			if err := t.describeInput(s, create); err != nil {
				return err
			}
		}
	}
	return nil
}

// typeDoc describes the elements of one ent type.
type typeDoc struct {
	n      *gen.Type
	plural string // the type's name in the plural, as the API's texts say it: Activities
}

// set gives an element a description when it has none.
func set(desc *string, text string) {
	if strings.TrimSpace(*desc) == "" {
		*desc = text
	}
}

// describeType describes the object type and its fields: the type from
// its schema.Comment, the id field, the edges from their Comment (entgql
// leaves connection fields without), the enum values from EnumValues.
func (t typeDoc) describeType(s *ast.Schema, def *ast.Definition) error {
	if c, ok := t.n.Annotations["Comment"].(map[string]any); ok {
		if text, ok := c["Text"].(string); ok {
			set(&def.Description, text)
		}
	}
	if t.n.ID != nil {
		if f := def.Fields.ForName(camel(t.n.ID.Name)); f != nil {
			set(&f.Description, fmt.Sprintf("The %s's global ID: opaque, stable, and accepted by node(id:) and by every argument that names %s.", t.n.Name, a(t.n.Name)))
		}
	}
	for _, e := range t.n.Edges {
		if f := def.Fields.ForName(camel(e.Name)); f != nil && e.Comment() != "" {
			set(&f.Description, e.Comment())
		}
	}
	for _, f := range t.n.Fields {
		values, err := enumValues(f)
		if err != nil {
			return fmt.Errorf("%s.%s: %w", t.n.Name, f.Name, err)
		}
		if values == nil {
			continue
		}
		gf := def.Fields.ForName(camel(f.Name))
		if gf == nil {
			continue
		}
		enum := s.Types[gf.Type.Name()]
		if enum == nil || enum.Kind != ast.Enum {
			return fmt.Errorf("%s.%s has EnumValues but GraphQL type %s is no enum", t.n.Name, f.Name, gf.Type.Name())
		}
		for name, text := range values {
			v := enum.EnumValues.ForName(name)
			if v == nil {
				return fmt.Errorf("%s.%s: EnumValues describes %s, which %s does not have", t.n.Name, f.Name, name, enum.Name)
			}
			set(&v.Description, text)
		}
	}
	return nil
}

// enumValues reads a field's EnumValues annotation (nil without one).
// ent hands annotations to the generator as decoded JSON.
func enumValues(f *gen.Field) (EnumValues, error) {
	raw, ok := f.Annotations[EnumValues{}.Name()]
	if !ok {
		return nil, nil
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return nil, fmt.Errorf("reading EnumValues: %w", err)
	}
	var v EnumValues
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("reading EnumValues: %w", err)
	}
	return v, nil
}

// describeQuery describes the type's top-level connection field.
func (t typeDoc) describeQuery(s *ast.Schema) error {
	query := s.Types["Query"] // entgql's hook schema has no s.Query
	if query == nil {
		return nil
	}
	for _, f := range query.Fields {
		if f.Type.Name() != t.n.Name+"Connection" {
			continue
		}
		text := t.plural + ", a page at a time"
		if f.Arguments.ForName("where") != nil {
			text += ", filtered by where"
		}
		if f.Arguments.ForName("orderBy") != nil {
			text += ", in the order of orderBy (by ID when not given)"
		}
		set(&f.Description, text+".")
	}
	return nil
}

// filterName is the name entgql gives a field's filter op in a
// where-input: camel(field + "_" + op), and the field's own for EQ.
func filterName(f *gen.Field, op gen.Op) string {
	if op == gen.EQ {
		return camel(f.Name)
	}
	return camel(f.Name + "_" + op.Name())
}

// describeWhere describes <T>WhereInput: every filter, from the ent field
// or edge it filters on.
func (t typeDoc) describeWhere(s *ast.Schema) error {
	def := s.Types[t.n.Name+"WhereInput"]
	if def == nil {
		return nil
	}
	set(&def.Description, fmt.Sprintf("Filters %s: %s matches when every filter given holds; filters left out or null add no condition.", t.plural, a(t.n.Name)))
	texts := map[string]string{
		"not": fmt.Sprintf("Only %s that do not match this filter.", t.plural),
		"and": fmt.Sprintf("Only %s that match every one of these filters.", t.plural),
		"or":  fmt.Sprintf("Only %s that match at least one of these filters.", t.plural),
	}
	fields := t.n.Fields
	if t.n.ID != nil {
		fields = append([]*gen.Field{t.n.ID}, fields...)
	}
	for _, f := range fields {
		for _, op := range f.Ops() {
			texts[filterName(f, op)] = t.filterText(f, op)
		}
	}
	for _, e := range t.n.Edges {
		name := camel(e.Name)
		if e.Unique {
			texts[camel("has_"+e.Name)] = fmt.Sprintf("If true, only %s that have %s; if false, only those that have none.", t.plural, a(name))
			texts[camel("has_"+e.Name+"_with")] = fmt.Sprintf("Only %s whose %s (%s) matches all of these filters.", t.plural, name, a(e.Type.Name))
		} else {
			texts[camel("has_"+e.Name)] = fmt.Sprintf("If true, only %s with at least one of %s; if false, only those with none.", t.plural, name)
			texts[camel("has_"+e.Name+"_with")] = fmt.Sprintf("Only %s with at least one of %s (%s) that matches all of these filters.", t.plural, name, plural(e.Type.Name))
		}
	}
	for _, f := range def.Fields {
		text, ok := texts[f.Name]
		if !ok {
			return fmt.Errorf("%s.%s: no description for this filter: entgql changed its where-inputs; revisit ent/schemadesc", def.Name, f.Name)
		}
		if isPlaceholder(f.Description) {
			f.Description = ""
		}
		set(&f.Description, text)
	}
	return nil
}

// isPlaceholder reports whether a where-input field's description is
// entgql's heading of a group of filters ("name field predicates").
func isPlaceholder(desc string) bool {
	return strings.HasSuffix(desc, " field predicates") || strings.HasSuffix(desc, " edge predicates")
}

// filterText describes the filter op on field f.
func (t typeDoc) filterText(f *gen.Field, op gen.Op) string {
	name := camel(f.Name)
	who := fmt.Sprintf("Only %s whose %s", t.plural, name)
	// SQL's comparisons leave out rows where the column is NULL: say so
	// where a negation would suggest otherwise.
	set := ""
	if f.Optional || f.Nillable {
		set = fmt.Sprintf(" (those whose %s is null are left out)", name)
	}
	var after, atOrAfter, before, atOrBefore string
	switch {
	case f.Name == "id" || f.IsEdgeField():
		after, atOrAfter, before, atOrBefore = "is greater than this ID", "is this ID or greater", "is less than this ID", "is this ID or less"
	case f.IsTime():
		after, atOrAfter, before, atOrBefore = "is after this time", "is at or after this time", "is before this time", "is at or before this time"
	case f.Type.Type == field.TypeString || f.Type.Type == field.TypeEnum:
		after, atOrAfter, before, atOrBefore = "sorts after this text", "is this text or sorts after it", "sorts before this text", "is this text or sorts before it"
	default:
		after, atOrAfter, before, atOrBefore = "is greater than this value", "is at least this value", "is less than this value", "is at most this value"
	}
	switch op {
	case gen.EQ:
		return who + " equals this value."
	case gen.NEQ:
		return who + " differs from this value" + set + "."
	case gen.In:
		return who + " is one of these values."
	case gen.NotIn:
		return who + " is none of these values" + set + "."
	case gen.GT:
		return who + " " + after + "."
	case gen.GTE:
		return who + " " + atOrAfter + "."
	case gen.LT:
		return who + " " + before + "."
	case gen.LTE:
		return who + " " + atOrBefore + "."
	case gen.IsNil:
		return fmt.Sprintf("If true, only %s that have no %s; false adds no condition.", t.plural, name)
	case gen.NotNil:
		return fmt.Sprintf("If true, only %s that have %s; false adds no condition.", t.plural, a(name))
	case gen.Contains:
		return who + " contains this text" + caseCounts
	case gen.ContainsFold:
		return who + " contains this text, ignoring case (on SQLite, the case of ASCII letters only)."
	case gen.EqualFold:
		return who + " equals this text, ignoring case (on SQLite, the case of ASCII letters only)."
	case gen.HasPrefix:
		return who + " starts with this text" + caseCounts
	case gen.HasSuffix:
		return who + " ends with this text" + caseCounts
	default:
		return fmt.Sprintf("%s: the %s filter of ent (operator %s).", who, op.Name(), op.Name())
	}
}

// caseCounts ends the texts of the case-sensitive text filters: ent
// writes them with LIKE, which SQLite reads without regard to the case of
// ASCII letters.
const caseCounts = "; case counts (on SQLite, except for ASCII letters)."

// describeOrder describes the values of <T>OrderField: each orders by
// the ent field whose entgql.OrderField names it.
func (t typeDoc) describeOrder(s *ast.Schema) error {
	def := s.Types[t.n.Name+"OrderField"]
	if def == nil {
		return nil
	}
	texts := map[string]string{}
	for _, f := range t.n.Fields {
		ant := &entgql.Annotation{}
		if raw, ok := f.Annotations[ant.Name()]; ok {
			if err := ant.Decode(raw); err != nil {
				return fmt.Errorf("%s.%s: reading the entgql annotation: %w", t.n.Name, f.Name, err)
			}
		}
		if ant.OrderField == "" {
			continue
		}
		text := fmt.Sprintf("By %s", camel(f.Name))
		switch {
		case f.IsTime():
			text += ", earliest first when ascending"
		case f.Type.Type == field.TypeString:
			text += ", in the database's text order"
		case f.Type.Type == field.TypeEnum:
			text += ", in the alphabetical order of the values' names"
		case f.Type.Numeric():
			text += ", smallest first when ascending"
		case f.IsBool():
			text += ", false first when ascending"
		}
		if f.Optional || f.Nillable {
			// pagesql.NullsRule, on both databases.
			text += "; null last when ascending, first when descending"
		}
		texts[ant.OrderField] = text + "."
	}
	for _, v := range def.EnumValues {
		text, ok := texts[v.Name]
		if !ok {
			return fmt.Errorf("%s.%s: no ent field is ordered by this value; revisit ent/schemadesc", def.Name, v.Name)
		}
		set(&v.Description, text)
	}
	return nil
}

// describeInput describes Create<T>Input or Update<T>Input: each field
// from its ent field's Comment (entgql copies it) or, for the fields
// entgql adds (clear, append, edge IDs), from what the mutation does with
// them.
func (t typeDoc) describeInput(s *ast.Schema, create bool) error {
	desc := entgql.MutationDescriptor{Type: t.n, IsCreate: create}
	name, err := desc.Input()
	if err != nil {
		return fmt.Errorf("naming %s's mutation input: %w", t.n.Name, err)
	}
	def := s.Types[name]
	if def == nil {
		return nil
	}
	texts := map[string]string{}
	for _, f := range t.n.Fields {
		fn := camel(f.Name)
		if f.Comment() != "" {
			texts[fn] = f.Comment()
		}
		texts["append"+f.StructField()] = fmt.Sprintf("Values to add at the end of %s.", fn)
		texts["clear"+f.StructField()] = fmt.Sprintf("If true, sets %s to null (%s given in the same input is set instead).", fn, a(fn))
	}
	edges, err := desc.InputEdges()
	if err != nil {
		return fmt.Errorf("listing the edges of %s: %w", name, err)
	}
	for _, e := range edges {
		en, target := camel(e.Name), e.Type.Name
		switch {
		case e.Unique && create:
			texts[en+"ID"] = fmt.Sprintf("The %s to link as %s.", target, en)
		case e.Unique:
			texts[en+"ID"] = fmt.Sprintf("The %s to link as %s, in place of the current one.", target, en)
		case create:
			texts[camel(singular(e.Name))+"IDs"] = fmt.Sprintf("The %s to link as %s.", plural(target), en)
		default:
			texts["add"+pascal(singular(e.Name))+"IDs"] = fmt.Sprintf("%s to add to %s.", plural(target), en)
			texts["remove"+pascal(singular(e.Name))+"IDs"] = fmt.Sprintf("%s to remove from %s.", plural(target), en)
		}
		if e.Unique {
			texts[camel(snake(e.MutationClear()))] = fmt.Sprintf("If true, unlinks %s (%s given in the same input is linked instead).", en, a(en+"ID"))
		} else {
			texts[camel(snake(e.MutationClear()))] = fmt.Sprintf("If true, unlinks every one of %s, before the IDs of add%sIDs are linked.", en, pascal(singular(e.Name)))
		}
	}
	for _, f := range def.Fields {
		if f.Description != "" {
			continue
		}
		text, ok := texts[f.Name]
		if !ok {
			continue // an ent field without a Comment: ent/schema must give it one (test/schemalint says which)
		}
		f.Description = text
	}
	return nil
}

// a puts "a" or "an" before a name: "an Activity", "a Project".
func a(name string) string {
	if name != "" && strings.ContainsRune("AEIOUaeiou", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}

// snake is ent's snake_case (edge names of MutationClear are Go names).
var snake = gen.Funcs["snake"].(func(string) string)
