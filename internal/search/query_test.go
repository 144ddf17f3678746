package search

import (
	"os"
	"strings"
	"testing"

	"sscgraph/internal/apierr"
)

func TestParseRenders(t *testing.T) {
	for _, c := range []struct{ in, fts, ts string }{
		{"touri", `"touri*"`, `'touri':*`},
		{"Développement  durable", `"developpement*" "durable*"`, `'developpement':* & 'durable':*`},
		{`"geographical indications" -brand`, `"geographical indications" NOT "brand*"`, `('geographical' <-> 'indications') & !'brand':*`},
		{`e-mail -"a b"`, `"e mail*" NOT "a b"`, `('e' <-> 'mail':*) & !('a' <-> 'b')`},
		{`c3po -x`, `"c3po*" NOT "x"`, `'c3po':* & !'x'`},
		// Operators and quotes of either language are only separators.
		{`a OR b NEAR/2 c':* & !d)`, `"a" "or*" "b" "near 2" "c" "d"`, `'a' & 'or':* & 'b' & ('near' <-> '2') & 'c' & 'd'`},
		{"ßa !!! x", `"sa*" "x"`, `'sa':* & 'x'`},
		// Exclusions are grouped under one NOT: FTS4 nests each NOT a
		// level deeper and refused 12 of them as malformed.
		{`a -bc -"d e" -f`, `"a" NOT ("bc*" OR "d e" OR "f")`, `'a' & !'bc':* & !('d' <-> 'e') & !'f'`},
	} {
		q, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if got := q.FTS(); got != c.fts {
			t.Errorf("Parse(%q).FTS() = %s, want %s", c.in, got, c.fts)
		}
		if got := q.TSQuery(); got != c.ts {
			t.Errorf("Parse(%q).TSQuery() = %s, want %s", c.in, got, c.ts)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, in := range []string{"", "  ", `"abc`, `a "b" "`, "-", "a -", "a - b", "-a", `-"a b"`, "-!!", "!!!", `""`, strings.Repeat("a ", 17), strings.Repeat("a", 257)} {
		_, err := Parse(in)
		e, ok := apierr.As(err)
		if !ok || e.Code != apierr.BadUserInput {
			t.Errorf("Parse(%q) = %v, want BAD_USER_INPUT", in, err)
		}
	}
}

// TestFoldMatchesTheMigration: PostgreSQL folds indexed text with the
// translate() of the migration, queries are folded here: the two tables
// must be the same.
func TestFoldMatchesTheMigration(t *testing.T) {
	b, err := os.ReadFile("../migrations/postgres/20261128100000_search_index.sql")
	if err != nil {
		t.Fatal(err)
	}
	if want := "translate(t, '" + accented + "', '" + bases + "')"; !strings.Contains(string(b), want) {
		t.Errorf("the migration does not fold with %s", want)
	}
	if got := Fold("ÉCOLE Œuvre Ça"); got != "ecole ouvre ca" {
		t.Errorf("Fold = %q", got)
	}
}

func TestSnippet(t *testing.T) {
	q, _ := Parse("developpement")
	text := "One two three four five six seven eight nine ten: le développement durable, eleven twelve thirteen fourteen fifteen sixteen seventeen."
	got, ok := Snippet(text, q)
	if want := "…seven eight nine ten: le développement durable, eleven twelve thirteen fourteen fifteen sixteen seventeen."; !ok || got != want {
		t.Errorf("Snippet = %q, %v; want %q", got, ok, want)
	}
	if _, ok := Snippet("nothing here", q); ok {
		t.Error("Snippet found a match in text without one")
	}
}
