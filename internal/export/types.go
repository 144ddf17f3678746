package export

import (
	"sort"
	"strconv"
	"strings"
	"sync"

	"sscgraph/graph"
	"sscgraph/internal/personal"
)

// column is one column of an export: its name in the CSV header and the
// JSON objects, and where its value is in a node of the GraphQL answer.
type column struct {
	name string
	// path is the field's path in the node ("title", "project.code"); a
	// column of an edge has no path.
	path string
	// edge names a to-many edge flattened into the codes of its nodes.
	edge string
	// localized columns are read in the export's language (the lang
	// parameter): the field takes the GraphQL argument lang.
	localized bool
	// precision is the path of the field saying how much of a date
	// column is known (DAY, MONTH or YEAR): CSV writes the date to that
	// precision (see dateCell), JSON writes it whole beside the
	// precision's own column.
	precision string
	// fields, when set, are the fields of a list of objects (a project's
	// facts): JSON writes the objects, CSV the list as compact JSON in one
	// cell, which a spreadsheet shows as text and a script parses.
	fields string
	// englishOnly columns have no value in the other languages: the
	// dataset keeps countries' official names in English alone (its
	// translations, from iso-codes, are of the short names). An export in
	// another language heads such a column name+"En", so that a reader of
	// a French file is not told the English value is French.
	englishOnly bool
}

// edge is a to-many edge (a connection) of a node, flattened into one
// field of each of its nodes, sorted.
type edge struct {
	name  string // the connection field, e.g. "topics"
	field string // the field of its nodes, e.g. "code"
}

// spec is one exportable connection.
type spec struct {
	connection string // the root connection, e.g. "activities"
	node       string // its node type, e.g. "Activity"
	columns    []column
	edges      []edge
}

func col(name, path string) column  { return column{name: name, path: path} }
func edgeCol(name, e string) column { return column{name: name, edge: e} }

// dateCol is a date column whose precision field is at precision.
func dateCol(name, path, precision string) column {
	return column{name: name, path: path, precision: precision}
}

// objectsCol is a column of a list of objects with the given fields.
func objectsCol(name, path, fields string) column {
	return column{name: name, path: path, fields: fields}
}

// demoCol tells the invented rows from the sourced ones, which are
// exported side by side: second in every type that has invented rows.
var demoCol = col("demo", "demo")

// englishCol is a column whose value exists in English only.
func englishCol(name, path string) column { return column{name: name, path: path, englishOnly: true} }

// localCol is a column read in the export's language.
func localCol(name, path string) column { return column{name: name, path: path, localized: true} }

// specs are the exportable connections by name, the URL's type. The
// columns' order is the documented order (docs/journalism.md); columns
// added later go at the end, so that a script reading columns by
// position keeps working. The one exception, announced in CHANGELOG.md:
// demo comes second, right after id, in every type that has it, so that
// nobody reads an invented row as a real one because the column telling
// them apart was off the right edge of the sheet.
var specs = map[string]*spec{
	"activities": {
		connection: "activities", node: "Activity",
		columns: []column{
			col("id", "id"), demoCol, col("title", "title"), col("kind", "kind"), col("type", "type"),
			col("status", "status"),
			dateCol("startDate", "startDate", "startDatePrecision"), dateCol("endDate", "endDate", "endDatePrecision"),
			col("venueCity", "venueCity"), col("venueCountryCode", "venueCountry.code"),
			col("language", "language"), col("participants", "participants"), col("budget", "budget"),
			col("projectCode", "project.code"),
			edgeCol("beneficiaryCountryCodes", "beneficiaryCountries"),
			edgeCol("providerCountryCodes", "providerCountries"),
			edgeCol("topicCodes", "topics"),
			// Issue 19: how much of each date and of participants is
			// known, who asked for and organized the activity, and what
			// supports the record. A NULL date or participants is an
			// empty cell or JSON null, never 0 or year 1.
			col("startDatePrecision", "startDatePrecision"), col("endDatePrecision", "endDatePrecision"),
			col("participantsApproximate", "participantsApproximate"),
			col("requesterName", "requester.name"),
			edgeCol("organizerNames", "organizers"),
			col("sources", "sources"), col("note", "note"), col("quote", "quote"),
		},
		edges: []edge{{"beneficiaryCountries", "code"}, {"providerCountries", "code"}, {"topics", "code"}, {"organizers", "name"}},
	},
	"projects": {
		connection: "projects", node: "Project",
		columns: []column{
			col("id", "id"), demoCol, col("code", "code"), col("title", "title"), col("status", "status"),
			col("startDate", "startDate"), col("endDate", "endDate"), col("budget", "budget"),
			edgeCol("countryCodes", "countries"),
			edgeCol("recommendationNumbers", "recommendations"),
			edgeCol("topicCodes", "topics"),
			col("documents", "documents"), col("sources", "sources"),
			objectsCol("facts", "facts", "statement figure period sources"),
		},
		edges: []edge{{"countries", "code"}, {"recommendations", "number"}, {"topics", "code"}},
	},
	"countries": {
		connection: "countries", node: "Country",
		columns: []column{
			col("id", "id"), col("code", "code"), col("iso3", "iso3"), localCol("name", "name"),
			englishCol("officialName", "officialName"), col("regionCode", "region.code"), col("ldc", "ldc"),
			col("sovereign", "sovereign"), col("latitude", "latitude"), col("longitude", "longitude"),
			// Last, so that scripts reading columns by position keep
			// working: the key maps join Natural Earth shapes on.
			col("numericCode", "numericCode"),
		},
	},
	"regions": {
		connection: "regions", node: "Region",
		columns: []column{col("id", "id"), col("code", "code"), col("name", "name"), col("description", "description")},
	},
	"topics": {
		connection: "topics", node: "Topic",
		columns: []column{col("id", "id"), col("code", "code"), col("name", "name"), col("kind", "kind"), col("description", "description")},
	},
	"recommendations": {
		connection: "recommendations", node: "Recommendation",
		columns: []column{col("id", "id"), col("number", "number"), col("cluster", "cluster"), col("title", "title")},
	},
	"consultants": {
		connection: "consultants", node: "Consultant",
		columns: []column{
			col("id", "id"), demoCol, col("name", "name"), col("nationalityCode", "nationality.code"),
			edgeCol("expertiseTopicCodes", "expertise"),
			col("languages", "languages"), col("available", "available"),
			col("email", "email"), // personal: see visibleColumns
		},
		edges: []edge{{"expertise", "code"}},
	},
	"organizations": {
		connection: "organizations", node: "Organization",
		columns: []column{
			col("id", "id"), demoCol, col("name", "name"), col("kind", "kind"), col("website", "website"),
			col("countryCode", "country.code"), col("sources", "sources"),
		},
	},
	"matchOffers": {
		connection: "matchOffers", node: "MatchOffer",
		columns: []column{
			col("id", "id"), demoCol, col("title", "title"), col("kind", "kind"), col("status", "status"),
			col("postedAt", "postedAt"), col("expiresAt", "expiresAt"), col("capacity", "capacity"),
			col("languages", "languages"), col("providerName", "provider.name"),
			edgeCol("topicCodes", "topics"), edgeCol("targetCountryCodes", "targetCountries"),
		},
		edges: []edge{{"topics", "code"}, {"targetCountries", "code"}},
	},
	"matchNeeds": {
		connection: "matchNeeds", node: "MatchNeed",
		columns: []column{
			col("id", "id"), demoCol, col("title", "title"), col("kind", "kind"), col("status", "status"),
			col("postedAt", "postedAt"), col("languages", "languages"), col("seekerName", "seeker.name"),
			col("countryCode", "country.code"), edgeCol("topicCodes", "topics"),
		},
		edges: []edge{{"topics", "code"}},
	},
	"matches": {
		connection: "matches", node: "Match",
		columns: []column{
			col("id", "id"), demoCol, col("status", "status"), col("score", "score"), col("cooperation", "cooperation"),
			col("createdAt", "createdAt"), col("respondedAt", "respondedAt"), col("completedAt", "completedAt"),
			col("offerId", "offer.id"), col("offerTitle", "offer.title"),
			col("needId", "need.id"), col("needTitle", "need.title"),
			col("proposedByName", "proposedBy.name"),
		},
	},
}

// typeNames lists the exportable types, for error messages.
func typeNames() string {
	names := make([]string, 0, len(specs))
	for n := range specs {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// nestedFirst is the page of each flattened edge fetched with its node.
// The API prices every connection's page per parent (1,000 rows × 5 = 5,000
// points per edge), so it is kept small: the data has at most 5 countries
// and 3 topics per activity. A node with more has the rest fetched by
// follow-up queries of restFirst (priced 100 points each), so no list is
// ever cut short.
const (
	nestedFirst = 5
	restFirst   = 100
)

// visibleColumns returns the columns a viewer gets: a column of a
// personal field (internal/personal) only when readsAll, the key reads
// every row's personal data (ADMIN and EDITOR). The API answers null to
// others anyway; leaving the column out says so plainly.
func (s *spec) visibleColumns(readsAll bool) []column {
	out := make([]column, 0, len(s.columns))
	personalCols := personalColumns()[s]
	for _, c := range s.columns {
		if personalCols[c.name] && !readsAll {
			continue
		}
		out = append(out, c)
	}
	return out
}

// personalColumns are, per spec, the names of its columns whose field is
// personal by internal/personal's table, which names fields by their
// GraphQL type: a column's type is found by walking its path (or its
// edge's nodes) through the schema. A path the schema does not have is
// taken as personal, so that a mistake withholds the column rather than
// exports it (TestSpecQueries checks every path against the schema).
var personalColumns = sync.OnceValue(func() map[*spec]map[string]bool {
	schema := graph.NewSchema(nil).Schema()
	// fieldType is the named type of field name of type typ, "" when
	// there is no such field.
	fieldType := func(typ, name string) string {
		def := schema.Types[typ]
		if def == nil {
			return ""
		}
		f := def.Fields.ForName(name)
		if f == nil {
			return ""
		}
		return f.Type.Name()
	}
	isPersonal := func(typ, name string) bool {
		if typ == "" || fieldType(typ, name) == "" {
			return true
		}
		_, ok := personal.Of(typ, name)
		return ok
	}
	cols := map[*spec]map[string]bool{}
	for _, sp := range specs {
		m := map[string]bool{}
		for _, c := range sp.columns {
			var owner, field string
			if c.edge != "" {
				owner = fieldType(fieldType(fieldType(sp.node, c.edge), "edges"), "node")
				for _, e := range sp.edges {
					if e.name == c.edge {
						field = e.field
					}
				}
			} else {
				segs := strings.Split(c.path, ".")
				owner = sp.node
				for _, seg := range segs[:len(segs)-1] {
					owner = fieldType(owner, seg)
				}
				field = segs[len(segs)-1]
			}
			if isPersonal(owner, field) {
				m[c.name] = true
			}
		}
		cols[sp] = m
	}
	return cols
})

// rowWeight is the price of one row of the page query: the node, and a
// nested page per flattened edge.
func (s *spec) rowWeight() int { return 1 + nestedFirst*len(s.edges) }

// selection is the GraphQL selection of a node's exported fields.
// localized reports whether the export has a column in its language
// (then its query declares $lang, which GraphQL refuses when unused).
func (s *spec) localized(readsAll bool) bool {
	for _, c := range s.visibleColumns(readsAll) {
		if c.localized {
			return true
		}
	}
	return false
}

func (s *spec) selection(readsAll bool) string {
	var b strings.Builder
	b.WriteString("id")
	// Group the paths by their first segment, keeping their order:
	// "project.code" and "project.title" are one project { code title }.
	type group struct {
		name   string
		fields []string
	}
	var groups []*group
	byName := map[string]*group{}
	for _, c := range s.visibleColumns(readsAll) {
		if c.path == "" || c.path == "id" {
			continue
		}
		if c.fields != "" {
			groups = append(groups, &group{name: c.path, fields: strings.Fields(c.fields)})
			continue
		}
		if c.localized && !strings.Contains(c.path, ".") {
			groups = append(groups, &group{name: c.path + ": " + c.path + "(lang: $lang)"})
			continue
		}
		head, rest, nested := strings.Cut(c.path, ".")
		g := byName[head]
		if g == nil {
			g = &group{name: head}
			byName[head] = g
			groups = append(groups, g)
		}
		if nested {
			g.fields = append(g.fields, rest)
		}
	}
	for _, g := range groups {
		b.WriteString(" " + g.name)
		if len(g.fields) > 0 {
			b.WriteString(" { " + strings.Join(g.fields, " ") + " }")
		}
	}
	for _, e := range s.edges {
		b.WriteString(" " + e.name + "(first: " + strconv.Itoa(nestedFirst) + ") { " + edgeSelection(e) + " }")
	}
	return b.String()
}

func edgeSelection(e edge) string {
	return "pageInfo { hasNextPage endCursor } edges { node { " + e.field + " } }"
}

// pageQuery is the query of one page of the export.
func (s *spec) pageQuery(readsAll bool) string {
	lang := ""
	if s.localized(readsAll) {
		lang = ", $lang: Language"
	}
	return "query Export($first: Int!, $after: Cursor, $where: " + s.node + "WhereInput, $orderBy: [" + s.node + "Order!]" + lang + ") { " +
		s.connection + "(first: $first, after: $after, where: $where, orderBy: $orderBy) { " +
		"pageInfo { hasNextPage endCursor } edges { node { " + s.selection(readsAll) + " } } } }"
}

// edgeQuery fetches the rest of one node's edge when its first page was
// not all of it.
func (s *spec) edgeQuery(e edge) string {
	return "query ExportEdge($id: ID!, $after: Cursor) { node(id: $id) { ... on " + s.node + " { " +
		e.name + "(first: " + strconv.Itoa(restFirst) + ", after: $after) { " + edgeSelection(e) + " } } } }"
}
