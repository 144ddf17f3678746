package graph

import (
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"sscgraph/internal/search"
)

// The unit of price is the point: a node a query may return, or
// RowsPerPoint rows its filters may have to read (StatsRowsPerPoint for
// statistics, SearchRowsPerPoint for searches) to
// find them. A filter's rows are counted on the tables of this database
// (TableSizes), so that the same query is priced higher where it does more
// work; what a request then actually took is charged after the fact
// (limits.Settle, from Checks.InterceptResponse).
const (
	// RowsPerPoint is how many rows a filter may read for one point:
	// reading and testing a row costs the database a fraction of what
	// returning a node costs the whole server (docs/performance.md has
	// the figures this was chosen from).
	RowsPerPoint = 50
	// ProbeRowWeight is how many rows one row reached across an edge
	// that leads to one row (an activity's country) counts for: each is an
	// index probe, not a step of a scan.
	ProbeRowWeight = 2
	// JoinRowWeight is how many rows one row reached across an edge that
	// leads to several rows (a topic's activities) counts for: each is
	// found through the edge's table, a join per row.
	JoinRowWeight = 4
	// StatsRowsPerPoint is how many rows a statistic may group for one
	// point, per dimension: grouping sorts or hashes every row, and each
	// dimension across an edge multiplies the rows grouped.
	StatsRowsPerPoint = 25
	// SearchRowsPerPoint is how many indexed rows one search term may
	// reach for one point: a term reads its postings in the full-text
	// index, not the rows themselves.
	SearchRowsPerPoint = 50
)

// TableSizes tells the pricing how many rows the table of a node type
// holds (0 when unknown): package tablesize keeps them.
type TableSizes interface {
	Rows(typ string) int
}

// statsRows maps each statistic's type to the node type whose rows it
// reads.
var statsRows = map[string]string{
	"ActivityStats":   "Activity",
	"ProjectStats":    "Project",
	"OfferStats":      "MatchOffer",
	"NeedStats":       "MatchNeed",
	"MatchStats":      "Match",
	"ConsultantStats": "Consultant",
}

// rows is the size of typ's table, 0 without sizes.
func (w *walker) rows(typ string) int {
	if w.checks.Sizes == nil {
		return 0
	}
	return w.checks.Sizes.Rows(typ)
}

// fanout estimates how many rows of type to one row of type from leads
// to: at least one, else the ratio of the tables' sizes (100,000
// activities over 200 countries is 500 a country).
func (w *walker) fanout(from, to string) int {
	nf, nt := w.rows(from), w.rows(to)
	if nf <= 0 {
		return max(nt, 1)
	}
	return max(1, (nt+nf-1)/nf)
}

// examined is how many rows of typ the field f reads, at most, to apply a
// filter, under mult parents: the whole table for a root field; for a
// nested one the whole table too, or the parents' share of it when that
// is more (pages of parents that share children): the planner may apply
// the filter to the table before it joins the parents (PostgreSQL does).
func (w *walker) examined(f *ast.Field, typ string, mult int) int {
	total := w.rows(typ)
	if total == 0 {
		return 0
	}
	parent := ""
	if f.ObjectDefinition != nil {
		parent = f.ObjectDefinition.Name
	}
	if w.rows(parent) == 0 {
		return saturatingMul(mult, total) // a root field, or a parent that is not a table
	}
	return max(total, saturatingMul(mult, w.fanout(parent, typ)))
}

// filterRows returns the rows a where-input value of def may read when it
// is applied to examined rows, each counting weight times: every row
// examined is read and tested, a has<Edge> probes each row's edge, and a
// has<Edge>With reads, for each row examined, the rows it leads to, with
// their own filter, at the weight of a probe or of a join. An id or idIn
// condition narrows a level to the rows it names, by the key.
func (w *walker) filterRows(def *ast.Definition, v any, examined, weight int) int {
	obj, ok := v.(map[string]any)
	if !ok || len(obj) == 0 {
		return 0
	}
	if _, ok := obj["id"]; ok && obj["id"] != nil {
		examined = min(examined, 1)
	} else if l, ok := obj["idIn"].([]any); ok {
		examined = min(examined, len(l))
	}
	weight = saturatingAdd(weight, textMatches(obj))
	return saturatingAdd(saturatingMul(examined, weight), w.edgeRows(def, obj, examined))
}

// MatchRowWeight is how many rows testing one row with a text match
// (ContainsFold and the like: a scan no index serves) counts for.
const MatchRowWeight = 12

// LongMatchRowWeight is MatchRowWeight for the long texts (descriptions,
// summaries, notes, biographies: up to 20,000 characters each), which a
// match reads whole: ILIKE over 100,000 descriptions takes PostgreSQL
// about 0.2 s idle, and nested pages filtered so took it over 2 s on a
// loaded 2-core machine when priced at MatchRowWeight.
const LongMatchRowWeight = 4 * MatchRowWeight

// longTextFields are the where-input fields holding long text.
var longTextFields = map[string]bool{"description": true, "summary": true, "note": true, "bio": true}

// textMatches weighs the text-matching conditions of one level of a
// where-input value: MatchRowWeight each, LongMatchRowWeight on a long
// text.
func textMatches(obj map[string]any) int {
	n := 0
	for name, v := range obj {
		if v == nil {
			continue
		}
		for _, op := range []string{"ContainsFold", "Contains", "HasPrefix", "HasSuffix", "EqualFold"} {
			if field, ok := strings.CutSuffix(name, op); ok {
				if longTextFields[field] {
					n += LongMatchRowWeight
				} else {
					n += MatchRowWeight
				}
				break
			}
		}
	}
	return n
}

// edgeRows is what filterRows adds to a level's own rows: the edges its
// conditions follow, in and, or and not as well.
func (w *walker) edgeRows(def *ast.Definition, obj map[string]any, examined int) int {
	self := strings.TrimSuffix(def.Name, "WhereInput")
	total := 0
	for name, fv := range obj {
		fd := def.Fields.ForName(name)
		if fv == nil || fd == nil {
			continue
		}
		inner := w.checks.schema.Types[fd.Type.Name()]
		switch {
		case inner != nil && inner.Kind == ast.InputObject && strings.HasPrefix(name, "has"):
			total = saturatingAdd(total, w.edgeWithRows(self, name, inner, fv, examined))
		case inner != nil && inner.Kind == ast.InputObject:
			// and, or, not: conditions on the same rows.
			list, isList := fv.([]any)
			if !isList {
				list = []any{fv}
			}
			for _, e := range list {
				if m, ok := e.(map[string]any); ok {
					total = saturatingAdd(total, saturatingMul(examined, textMatches(m)))
					total = saturatingAdd(total, w.edgeRows(inner, m, examined))
				}
			}
		case strings.HasPrefix(name, "has") && fd.Type.Name() == "Boolean":
			total = saturatingAdd(total, saturatingMul(examined, ProbeRowWeight))
		}
	}
	return total
}

// edgeWithRows prices a has<Edge>With condition (field) of typ's filter,
// applied to examined rows:
//
//   - an edge to one row (an activity's country) is probed for each row,
//     and its filter tested on that row;
//   - an edge to many rows of a larger table (a topic's activities) is
//     walked for each row: the rows it reaches weigh a join each;
//   - an edge to many rows of a smaller table (an activity's countries)
//     is answered from the set of the rows its filter selects, computed
//     once over their table, with a probe per row examined; unless that
//     filter goes on across an edge to many rows itself, which the
//     databases evaluate row by row: then each row reaches MinToMany.
func (w *walker) edgeWithRows(typ, field string, inner *ast.Definition, v any, examined int) int {
	target := strings.TrimSuffix(inner.Name, "WhereInput")
	ratio := w.fanout(typ, target)
	switch {
	case !w.toMany(typ, field):
		return w.filterRows(inner, v, examined, ProbeRowWeight)
	case ratio > 1:
		return w.filterRows(inner, v, saturatingMul(examined, ratio), JoinRowWeight)
	case w.reachesMany(inner, v):
		return w.filterRows(inner, v, saturatingMul(examined, MinToMany), JoinRowWeight)
	default:
		return saturatingAdd(saturatingMul(examined, ProbeRowWeight), w.filterRows(inner, v, w.rows(target), 1))
	}
}

// MinToMany is how many rows an edge to many rows of a smaller table
// leads to from one row, in the price: the tables' sizes say nothing of
// the links (a project has several countries).
const MinToMany = 2

// toMany reports whether the edge that typ's where-input field
// has<Edge>With follows leads to many rows: typ's field of that edge is a
// connection or a list.
func (w *walker) toMany(typ, field string) bool {
	def := w.checks.schema.Types[typ]
	edge := strings.TrimSuffix(strings.TrimPrefix(field, "has"), "With")
	if def == nil || edge == "" {
		return true
	}
	f := def.Fields.ForName(strings.ToLower(edge[:1]) + edge[1:])
	if f == nil {
		return true // unknown: the dearer guess
	}
	return f.Type.Elem != nil || strings.HasSuffix(f.Type.Name(), "Connection")
}

// reachesMany reports whether a where-input value follows an edge to many
// rows, at any depth.
func (w *walker) reachesMany(def *ast.Definition, v any) bool {
	obj, ok := v.(map[string]any)
	if !ok {
		return false
	}
	typ := strings.TrimSuffix(def.Name, "WhereInput")
	for name, fv := range obj {
		fd := def.Fields.ForName(name)
		if fv == nil || fd == nil {
			continue
		}
		inner := w.checks.schema.Types[fd.Type.Name()]
		if inner == nil || inner.Kind != ast.InputObject {
			continue
		}
		if strings.HasPrefix(name, "has") && w.toMany(typ, name) {
			return true
		}
		list, isList := fv.([]any)
		if !isList {
			list = []any{fv}
		}
		for _, e := range list {
			if w.reachesMany(inner, e) {
				return true
			}
		}
	}
	return false
}

// rowPoints converts rows read into points, rounding up.
func rowPoints(rows, perPoint int) int {
	if rows <= 0 {
		return 0
	}
	return rows/perPoint + min(rows%perPoint, 1)
}

// statsPoints prices the rows a statistic reads: its table (the parents'
// share of it when nested), times the factor of each dimension of which a
// row has several values (an activity's countries, topics: grouping by
// them multiplies the rows grouped, and by several of them multiplies
// again), times one plus the dimensions of single values.
func (w *walker) statsPoints(f *ast.Field, mult int) int {
	stat := f.Definition.Type.Name()
	factor, single := w.statsFactor(f)
	rows := saturatingMul(w.examined(f, statsRows[stat], mult), factor)
	return rowPoints(saturatingMul(rows, single), StatsRowsPerPoint)
}

// statsFactor returns what a statistic's dimensions of several values
// multiply its rows by, and one plus its dimensions of one value.
func (w *walker) statsFactor(f *ast.Field) (factor, single int) {
	stat := f.Definition.Type.Name()
	var dims []any
	if v, ok := w.argValue(f, "groupBy"); ok {
		if l, isList := v.([]any); isList {
			dims = l
		} else if v != nil {
			dims = []any{v} // input coercion of a single value
		}
	}
	factor, single = 1, 1
	for _, d := range dims {
		name, _ := d.(string)
		if m := manyValued[stat+"."+name]; m > 0 {
			factor = saturatingMul(factor, m)
		} else {
			single++
		}
	}
	return factor, single
}

// manyValued are the dimensions of which a row has several values, by
// statistic, with how many times they multiply the rows grouped: 2 for a
// table of links (an activity's two or three topics), 4 for a table of
// links and a table behind it (the regions of an activity's beneficiary
// countries, their LDC status), measured by TestGeneratedQueriesBounded.
var manyValued = map[string]int{
	"ActivityStats.COUNTRY": 2, "ActivityStats.PROVIDER_COUNTRY": 2, "ActivityStats.TOPIC": 2,
	"ActivityStats.REGION": 4, "ActivityStats.LDC": 4,
	// A DA project has many countries and recommendations: twice the
	// factors of an activity's links.
	"ProjectStats.COUNTRY": 4, "ProjectStats.RECOMMENDATION": 4, "ProjectStats.TOPIC": 4,
	"ProjectStats.REGION": 8, "ProjectStats.CLUSTER": 8,
	"OfferStats.TOPIC": 2, "OfferStats.REGION": 2, "OfferStats.COUNTRY": 2,
	"NeedStats.TOPIC": 2, "NeedStats.REGION": 2, "NeedStats.COUNTRY": 2,
	"MatchStats.TOPIC": 2, "MatchStats.REGION": 2, "MatchStats.COUNTRY": 2,
	// A consultant's languages are a JSON list unnested per row, its
	// region two joins away (nationality, then region): PostgreSQL takes
	// twice as long as the links' factor says (TestGeneratedQueriesBounded).
	"ConsultantStats.EXPERTISE": 2, "ConsultantStats.LANGUAGE": 4, "ConsultantStats.REGION": 2,
}

// searchPoints prices a search by its terms: each clause reads its
// postings in the index of every searchable type, twice with a count.
func (w *walker) searchPoints(f *ast.Field, mult int) int {
	v, _ := w.argValue(f, "query")
	text, _ := v.(string)
	terms := max(len(strings.Fields(text)), 1)
	indexed := 0
	for _, typ := range search.NodeTypes {
		indexed = saturatingAdd(indexed, w.rows(typ))
	}
	points := rowPoints(saturatingMul(terms, indexed), SearchRowsPerPoint)
	if selects(f.SelectionSet, "totalCount") {
		points = saturatingMul(points, 2) // counting reads every hit's postings again
	}
	return saturatingMul(mult, points)
}

// isPagedList reports whether a field returns a plain list bounded by a
// first argument (suggestionsChanged): it is priced as a page of that
// many nodes, as the connection of the same rows is.
func isPagedList(def *ast.FieldDefinition) bool {
	return def != nil && def.Type != nil && def.Type.Elem != nil && def.Arguments.ForName(argFirst) != nil
}
