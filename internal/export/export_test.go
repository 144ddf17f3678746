package export

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"sscgraph/graph"
)

func TestSortValues(t *testing.T) {
	v := []string{"40", "4", "12", "1"}
	sortValues(v)
	if got := strings.Join(v, ";"); got != "1;4;12;40" {
		t.Errorf("numbers sorted %s, want numerically", got)
	}
	c := []string{"NA", "EG", "LK"}
	sortValues(c)
	if got := strings.Join(c, ";"); got != "EG;LK;NA" {
		t.Errorf("codes sorted %s", got)
	}
}

func TestText(t *testing.T) {
	for _, c := range []struct {
		in   any
		want string
	}{
		{nil, ""}, {"a,b", "a,b"}, {json.Number("20300.5"), "20300.5"}, {true, "true"}, {false, "false"},
		{[]string{"EG", "NA"}, "EG;NA"}, {[]any{"en", "fr"}, "en;fr"},
	} {
		if got := text(c.in); got != c.want {
			t.Errorf("text(%#v) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestDateCell: a date is written to its precision, a NULL stays empty,
// and a time that is not a date (which the API does not answer for
// activities) is left as the API wrote it rather than cut to a day.
func TestDateCell(t *testing.T) {
	for _, c := range []struct {
		in, precision any
		want          any
	}{
		{"2019-03-01T00:00:00Z", "DAY", "2019-03-01"},
		{"2019-03-01T00:00:00Z", "MONTH", "2019-03"},
		{"2019-01-01T00:00:00Z", "YEAR", "2019"},
		{"2019-03-01T00:00:00Z", nil, "2019-03-01"},
		{"2019-03-01T02:00:00+02:00", "DAY", "2019-03-01"},
		{"2019-03-01T12:30:00Z", "DAY", "2019-03-01T12:30:00Z"},
		{nil, "YEAR", nil},
		{"not a time", "DAY", "not a time"},
	} {
		if got := dateCell(c.in, c.precision); got != c.want {
			t.Errorf("dateCell(%#v, %#v) = %#v, want %#v", c.in, c.precision, got, c.want)
		}
	}
}

// TestEncodersEndVisibly checks what each format writes at the end of an
// export cut short, and at the end of an empty one.
func TestEncodersEndVisibly(t *testing.T) {
	cols := []column{col("id", "id"), col("projectCode", "project.code"), edgeCol("topicCodes", "topics")}
	node := map[string]any{"id": "Activity_x", "project": map[string]any{"code": "DA_1"}, "topics": []string{"PATENTS", "TRADEMARKS"}}
	cut := apiError{Message: "rate limited", Extensions: map[string]any{"code": "RATE_LIMITED"}}

	var b bytes.Buffer
	e := newEncoder("csv", &b, cols)
	if err := e.row(node); err != nil {
		t.Fatal(err)
	}
	if err := e.fail(cut); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFFid,projectCode,topicCodes\nActivity_x,DA_1,PATENTS;TRADEMARKS\n" +
		"EXPORT INCOMPLETE: rate limited (RATE_LIMITED); the rows above are not all the rows,,\n"
	if b.String() != want {
		t.Errorf("CSV:\n%q\nwant\n%q", b.String(), want)
	}

	b.Reset()
	e = newEncoder("json", &b, cols)
	_ = e.row(node)
	_ = e.fail(cut)
	var arr []map[string]any
	if err := json.Unmarshal(b.Bytes(), &arr); err != nil || len(arr) != 2 || arr[1]["error"] == nil {
		t.Errorf("JSON cut short: %v: %s", err, b.String())
	}

	b.Reset()
	e = newEncoder("json", &b, cols)
	_ = e.end()
	if strings.TrimSpace(b.String()) != "[]" {
		t.Errorf("empty JSON export %q, want []", b.String())
	}

	b.Reset()
	e = newEncoder("ndjson", &b, cols)
	_ = e.row(map[string]any{"id": "Activity_y"})
	_ = e.fail(cut)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 || lines[0] != `{"id":"Activity_y","projectCode":null,"topicCodes":[]}` || !strings.HasPrefix(lines[1], `{"error":`) {
		t.Errorf("NDJSON: %q", lines)
	}

	b.Reset()
	e = newEncoder("csv", &b, cols)
	_ = e.end()
	if b.String() != "\uFEFFid,projectCode,topicCodes\n" {
		t.Errorf("empty CSV export %q, want the header alone", b.String())
	}
}

func TestCheckTimes(t *testing.T) {
	schema := graph.NewSchema(nil).Schema()
	for _, c := range []struct {
		where string
		bad   string // what the error names; "" for none
	}{
		{`{"startDateGTE":"2020-01-01T00:00:00Z"}`, ""},
		{`{"kind":"SOUTH_SOUTH","startDateGTE":"2020-01-01"}`, "startDateGTE"},
		{`{"or":[{"endDateLT":"2020-01-01T00:00:00Z"},{"endDateLT":"soon"}]}`, "or.1.endDateLT"},
		{`{"hasProjectWith":[{"startDateIn":["2020-01-01T00:00:00Z", 7]}]}`, "hasProjectWith.0.startDateIn"},
		{`{"title":"2020"}`, ""},
	} {
		var v any
		if err := json.Unmarshal([]byte(c.where), &v); err != nil {
			t.Fatal(err)
		}
		err := checkTimes(schema, "ActivityWhereInput", v, nil)
		switch {
		case c.bad == "" && err != nil:
			t.Errorf("%s: %v", c.where, err)
		case c.bad != "" && (err == nil || !strings.Contains(err.Error(), "at "+c.bad+":")):
			t.Errorf("%s: error %v, want one naming %s", c.where, err, c.bad)
		}
	}
	if schema.Types["ActivityWhereInput"].Kind != ast.InputObject {
		t.Fatal("no ActivityWhereInput in the schema")
	}
}

// TestQueriesFitTheSchema checks every export's page query and follow-up
// queries against the schema, for both kinds of viewer.
func TestQueriesFitTheSchema(t *testing.T) {
	schema := graph.NewSchema(nil).Schema()
	for name, sp := range specs {
		for _, readsAll := range []bool{false, true} {
			if _, err := loadQuery(schema, sp.pageQuery(readsAll)); err != nil {
				t.Errorf("%s (readsAll %v): %v", name, readsAll, err)
			}
		}
		for _, e := range sp.edges {
			if _, err := loadQuery(schema, sp.edgeQuery(e)); err != nil {
				t.Errorf("%s.%s: %v", name, e.name, err)
			}
		}
	}
	for _, q := range []string{countryQuery, whereCheck} {
		if _, err := loadQuery(schema, q); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
}
