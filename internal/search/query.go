// Package search is sscgraph's full-text search over projects, activities,
// consultants, organizations, offers and needs. The databases keep the
// index in step with every write (the *_search_index.sql migrations);
// this package parses a user's query into a small syntax tree, renders it
// to each database's own query language and ranks the hits.
//
// The user's text never reaches MATCH or to_tsquery: only the rendering of
// the tree does, made of words that hold nothing but letters and digits,
// so a query can neither inject operators nor fail there as a syntax
// error.
package search

import (
	"strconv"
	"strings"
	"unicode"

	"sscgraph/internal/apierr"
)

// Limits on a query, so that one request cannot make the database expand
// hundreds of prefixes.
const (
	MaxQueryLength = 256
	MaxClauses     = 16
)

// Query is a parsed search: every positive clause must match and no
// negated one may.
type Query struct {
	Clauses []Clause
}

// Clause is a run of words that must follow each other: a phrase ("…"),
// or one word of the query, which the tokenizer may split (e-mail is e
// followed by mail).
type Clause struct {
	Words []string // folded: lower case, accents removed
	// Prefix: the last word matches any word it begins (touri finds
	// tourism). Words of the query of two letters or more are prefixes,
	// words of a phrase are exact.
	Prefix  bool
	Negated bool
}

// Parse reads a user's query: words, "phrases" and -negations (of a word
// or a phrase). A query with an unbalanced quote, a minus before nothing,
// or nothing to find is the client's mistake.
func Parse(text string) (*Query, error) {
	if len([]rune(text)) > MaxQueryLength {
		return nil, bad("the query is longer than %d characters", MaxQueryLength)
	}
	if strings.Count(text, `"`)%2 != 0 {
		return nil, bad("the query has an unbalanced quote (\")")
	}
	var q Query
	rs := []rune(text)
	for i := 0; i < len(rs); {
		if unicode.IsSpace(rs[i]) {
			i++
			continue
		}
		negated := false
		if rs[i] == '-' {
			negated = true
			i++
			if i == len(rs) || unicode.IsSpace(rs[i]) {
				return nil, bad("a minus must be followed by the word or \"phrase\" to exclude, without a space")
			}
		}
		var c Clause
		if rs[i] == '"' {
			end := i + 1
			for rs[end] != '"' { // balanced: the closing quote exists
				end++
			}
			c = Clause{Words: Words(string(rs[i+1 : end])), Negated: negated}
			i = end + 1
		} else {
			end := i
			for end < len(rs) && !unicode.IsSpace(rs[end]) && rs[end] != '"' {
				end++
			}
			c = Clause{Words: Words(string(rs[i:end])), Prefix: true, Negated: negated}
			// A one-letter prefix would expand to a good part of the
			// vocabulary: such a word matches only itself.
			if n := len(c.Words); n > 0 && len([]rune(c.Words[n-1])) < 2 {
				c.Prefix = false
			}
			i = end
		}
		if len(c.Words) == 0 {
			if negated {
				return nil, bad("a minus must be followed by a word with letters or digits")
			}
			continue // punctuation alone: nothing to match
		}
		q.Clauses = append(q.Clauses, c)
	}
	if len(q.Clauses) > MaxClauses {
		return nil, bad("the query has %d words or phrases; at most %d", len(q.Clauses), MaxClauses)
	}
	positive := false
	for _, c := range q.Clauses {
		positive = positive || !c.Negated
	}
	if !positive {
		return nil, bad("the query has no word to look for: give at least one word or \"phrase\" that is not excluded")
	}
	return &q, nil
}

func bad(format string, args ...any) error {
	return apierr.BadInput("search: "+format, args...).With("field", "query")
}

// Words splits text into folded words the way the indexes do: runs of
// letters and digits.
func Words(text string) []string {
	return strings.FieldsFunc(Fold(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
}

// Accented letters and their bases, one for one. The PostgreSQL migration
// folds indexed text with translate() over the same two strings, so that
// queries and documents fold alike (unaccent cannot be counted on).
const (
	accented = "ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝýÿŒœÆæß"
	bases    = "AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOOooooooUUUUuuuuYyyOoAas"
)

var folding = func() map[rune]rune {
	m := map[rune]rune{}
	b := []rune(bases)
	for i, r := range []rune(accented) {
		m[r] = b[i]
	}
	return m
}()

// Fold lower-cases text and removes accents, rune for rune, so that
// positions in the folded text are positions in the original.
func Fold(text string) string {
	return strings.Map(foldRune, text)
}

func foldRune(r rune) rune {
	if b, ok := folding[r]; ok {
		r = b
	}
	return unicode.ToLower(r)
}

// FTS renders the query in SQLite FTS4's enhanced query syntax: quoted
// phrases joined by implicit AND, then one NOT before the excluded ones
// grouped by OR. FTS4 nests each NOT one level deeper and refuses an
// expression deeper than 12 (SQLITE_FTS3_MAX_EXPR_DEPTH) as malformed,
// while it balances a run of ORs: "a" NOT "x1" NOT "x2" … failed from the
// 12th exclusion on, "a" NOT ("x1" OR "x2" …) holds all 15.
func (q *Query) FTS() string {
	var pos, neg []string
	for _, c := range q.Clauses {
		s := `"` + strings.Join(c.Words, " ")
		if c.Prefix {
			s += "*"
		}
		s += `"`
		if c.Negated {
			neg = append(neg, s)
		} else {
			pos = append(pos, s)
		}
	}
	out := strings.Join(pos, " ")
	switch len(neg) {
	case 0:
	case 1:
		out += " NOT " + neg[0]
	default:
		out += " NOT (" + strings.Join(neg, " OR ") + ")"
	}
	return out
}

// TSQuery renders the query for PostgreSQL's to_tsquery: <-> between the
// words of a clause, :* on a prefix, ! before an exclusion, & between
// clauses.
func (q *Query) TSQuery() string {
	parts := make([]string, 0, len(q.Clauses))
	for _, c := range q.Clauses {
		words := make([]string, len(c.Words))
		for i, w := range c.Words {
			words[i] = "'" + w + "'"
		}
		if c.Prefix {
			words[len(words)-1] += ":*"
		}
		s := strings.Join(words, " <-> ")
		if len(words) > 1 {
			s = "(" + s + ")"
		}
		if c.Negated {
			s = "!" + s
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " & ")
}

// String is the query as parsed, for logs and tests.
func (q *Query) String() string {
	var b strings.Builder
	for i, c := range q.Clauses {
		if i > 0 {
			b.WriteByte(' ')
		}
		if c.Negated {
			b.WriteByte('-')
		}
		b.WriteString(strconv.Quote(strings.Join(c.Words, " ")))
		if c.Prefix {
			b.WriteByte('*')
		}
	}
	return b.String()
}
