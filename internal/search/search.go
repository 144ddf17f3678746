package search

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"sscgraph/ent"
	"sscgraph/internal/paging"
)

// Range is the keys of one searchable type, [Lo, Hi): each type owns a
// range of keys, so the index filters by type on its row ids.
type Range struct{ Lo, Hi int }

// Ask is one page of a search.
type Ask struct {
	Query  *Query
	Types  []Range // none: every type
	Offset int     // hits to skip
	Limit  int     // hits to return
	Total  bool    // count every hit as well
}

// Hit is one row found: its key, how well it matches (higher first) and
// an excerpt of its text around the first word that matched.
type Hit struct {
	ID      int
	Score   float64
	Snippet *string
}

// Result is a page of hits.
type Result struct {
	Hits []Hit
	// PageInfo says whether pages follow and precede; its cursors come
	// with the edges (paging.Edges).
	PageInfo entgql.PageInfo[int]
	Total    int
}

// window is the rows a page reads: one beyond it, to tell whether another
// follows. A page after a cursor (past the first hit) has a previous page.
func (a Ask) window() paging.Window { return paging.Window{Size: a.Limit, After: a.Offset > 0} }

type row struct {
	ID    int     `sql:"id"`
	Score float64 `sql:"score"`
	Title string  `sql:"title"`
	Body  string  `sql:"body"`
	Total int     `sql:"total"`
}

// Run answers a page of a search. It runs through the ent client, so that
// it takes part in the client's transaction (a mutation's search sees its
// own writes) and statement hooks.
func Run(ctx context.Context, client *ent.Client, a Ask) (*Result, error) {
	var rows []row
	err := client.Region.Query().Modify(func(s *sql.Selector) {
		stmt, args := hitsSQL(s.Dialect() == dialect.Postgres, a)
		s.Select("*").FromExpr(sql.Expr("("+stmt+") AS q", args...))
	}).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("search %s: %w", a.Query, err)
	}
	// The count is carried by the rows before the page is cut; a page
	// past the last hit has no row to carry it.
	total, err := paging.Total(a.Total, rows, func(r row) int { return r.Total }, a.Offset > 0, func() (int, error) {
		var counts []struct {
			N int `sql:"n"`
		}
		err := client.Region.Query().Modify(func(s *sql.Selector) {
			stmt, args := countSQL(s.Dialect() == dialect.Postgres, a)
			s.Select("*").FromExpr(sql.Expr("("+stmt+") AS q", args...))
		}).Scan(ctx, &counts)
		if err != nil {
			return 0, fmt.Errorf("counting search %s: %w", a.Query, err)
		}
		if len(counts) != 1 {
			return 0, nil
		}
		return counts[0].N, nil
	})
	if err != nil {
		return nil, err
	}
	res := &Result{Total: total}
	rows, res.PageInfo = paging.Cut(a.window(), rows)
	for _, r := range rows {
		h := Hit{ID: r.ID, Score: r.Score}
		if s, ok := Snippet(r.Body, a.Query); ok {
			h.Snippet = &s
		} else if s, ok := Snippet(r.Title, a.Query); ok {
			h.Snippet = &s
		}
		res.Hits = append(res.Hits, h)
	}
	return res, nil
}

// args numbers placeholders on both databases ($n, ?n).
type args struct {
	pg   bool
	list []any
}

func (p *args) add(v any) string {
	p.list = append(p.list, v)
	if p.pg {
		return "$" + strconv.Itoa(len(p.list))
	}
	return "?" + strconv.Itoa(len(p.list))
}

// where is the match and the type filter.
func where(p *args, a Ask) string {
	var b strings.Builder
	id := "docid"
	if p.pg {
		id = "id"
		b.WriteString("doc @@ to_tsquery('simple', " + p.add(a.Query.TSQuery()) + ")")
	} else {
		b.WriteString("search_fts MATCH " + p.add(a.Query.FTS()))
	}
	if len(a.Types) > 0 {
		b.WriteString(" AND (")
		for i, r := range a.Types {
			if i > 0 {
				b.WriteString(" OR ")
			}
			fmt.Fprintf(&b, "(%s >= %s AND %s < %s)", id, p.add(r.Lo), id, p.add(r.Hi))
		}
		b.WriteString(")")
	}
	return b.String()
}

func hitsSQL(pg bool, a Ask) (string, []any) {
	p := &args{pg: pg}
	w := where(p, a)
	limit, offset := p.add(a.window().Read()), p.add(a.Offset)
	// The total comes with the page, counted by a window over the hits
	// that are ranked anyway: a second statement would match them again.
	total := "0 AS total"
	if a.Total {
		total = "count(*) OVER () AS total"
	}
	if pg {
		// ts_rank's default weights put a title (A) well above the rest
		// (B).
		return "SELECT id, ts_rank(doc, to_tsquery('simple', " + p.add(a.Query.TSQuery()) + ")) AS score, title, body, " + total + " FROM search_docs WHERE " + w +
			" ORDER BY score DESC, id LIMIT " + limit + " OFFSET " + offset, p.list
	}
	// The hits are ranked and sorted by key and score alone, and the text
	// of the page's rows read afterwards: sorting thousands of hits with
	// their text was most of the time. matchinfo() cannot run in a query
	// with a window function: the ranking is a subquery, which SQLite does
	// not flatten into one.
	return "SELECT p.id, p.score, f.title, f.body, p.total FROM (SELECT id, score, " + total +
		" FROM (SELECT docid AS id, sscgraph_rank(matchinfo(search_fts, 'pcnx')) AS score FROM search_fts WHERE " + w +
		") ORDER BY score DESC, id LIMIT " + limit + " OFFSET " + offset + ") AS p JOIN search_fts AS f ON f.docid = p.id ORDER BY p.score DESC, p.id", p.list
}

func countSQL(pg bool, a Ask) (string, []any) {
	p := &args{pg: pg}
	w := where(p, a)
	if pg {
		return "SELECT count(*) AS n FROM search_docs WHERE " + w, p.list
	}
	return "SELECT count(*) AS n FROM search_fts WHERE " + w, p.list
}

// Column weights of SQLite's ranking: a word in the title counts as much
// as several in the body, as PostgreSQL's A and B weights do.
var columnWeights = []float64{4, 1}

// Rank is SQLite's ranking function (sscgraph_rank), over FTS4's
// matchinfo(…, 'pcnx'): a BM25-like sum, over the query's phrases and the
// columns, of the phrase's saturated frequency in the row, times the
// column's weight and the phrase's rarity. FTS4 has no ranking function of
// its own; internal/database registers this one on every connection.
func Rank(matchinfo []byte) float64 {
	n := len(matchinfo) / 4
	at := func(i int) float64 {
		if i >= n {
			return 0
		}
		return float64(binary.NativeEndian.Uint32(matchinfo[4*i:]))
	}
	phrases, cols, rows := int(at(0)), int(at(1)), at(2)
	var score float64
	for p := range phrases {
		for c := range cols {
			base := 3 + 3*(p*cols+c)
			hits, docs := at(base), at(base+2)
			if hits == 0 || docs == 0 {
				continue
			}
			w := 1.0
			if c < len(columnWeights) {
				w = columnWeights[c]
			}
			idf := math.Log(1 + (rows-docs+0.5)/(docs+0.5))
			score += w * idf * hits * 2.2 / (hits + 1.2)
		}
	}
	return score
}

// snippetWords is how many words an excerpt holds around its match.
const snippetWords = 16

// Snippet returns an excerpt of text around the first word that matches a
// positive clause of the query, in plain text with … where it is cut, and
// whether any word matched.
func Snippet(text string, q *Query) (string, bool) {
	if text == "" {
		return "", false
	}
	rs := []rune(text)
	type span struct{ from, to int }
	var words []span
	var folded []string
	for i := 0; i < len(rs); {
		if !isWordRune(rs[i]) {
			i++
			continue
		}
		j := i
		for j < len(rs) && isWordRune(rs[j]) {
			j++
		}
		words = append(words, span{i, j})
		folded = append(folded, Fold(string(rs[i:j])))
		i = j
	}
	at := -1
	for i := range folded {
		if matchesAt(folded, i, q) {
			at = i
			break
		}
	}
	if at < 0 {
		return "", false
	}
	first := max(at-snippetWords/3, 0)
	last := min(first+snippetWords, len(words)) - 1
	from, to := words[first].from, words[last].to
	if first == 0 {
		from = 0
	}
	if last == len(words)-1 {
		to = len(rs) // keep the closing punctuation
	}
	s := strings.Join(strings.Fields(string(rs[from:to])), " ")
	if first > 0 {
		s = "…" + s
	}
	if last < len(words)-1 {
		s += "…"
	}
	return s, true
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }

// matchesAt reports whether a positive clause of q begins at word i.
func matchesAt(words []string, i int, q *Query) bool {
	for _, c := range q.Clauses {
		if c.Negated || i+len(c.Words) > len(words) {
			continue
		}
		ok := true
		for k, w := range c.Words {
			got := words[i+k]
			if c.Prefix && k == len(c.Words)-1 {
				ok = ok && strings.HasPrefix(got, w)
			} else {
				ok = ok && got == w
			}
		}
		if ok {
			return true
		}
	}
	return false
}
