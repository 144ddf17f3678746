package schematype

import (
	"fmt"
	"io"
	"strconv"
)

// DatePrecision says how much of a date a source gives. A date known only
// to the month or the year is stored as the period's first day, and its
// precision says that the day (or the month) is not a fact: a year-only
// activity is not held on 1 January.
type DatePrecision string

// The precisions, finest first.
const (
	DatePrecisionDay   DatePrecision = "DAY"
	DatePrecisionMonth DatePrecision = "MONTH"
	DatePrecisionYear  DatePrecision = "YEAR"
)

// DatePrecisions lists every DatePrecision, finest first.
var DatePrecisions = []DatePrecision{DatePrecisionDay, DatePrecisionMonth, DatePrecisionYear}

// Values lists the values for ent's enum column.
func (DatePrecision) Values() []string {
	vs := make([]string, len(DatePrecisions))
	for i, p := range DatePrecisions {
		vs[i] = string(p)
	}
	return vs
}

// Valid reports whether p is one of the declared precisions.
func (p DatePrecision) Valid() bool {
	for _, v := range DatePrecisions {
		if p == v {
			return true
		}
	}
	return false
}

// MarshalGQL writes the precision as a GraphQL enum value.
func (p DatePrecision) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(string(p)))
}

// UnmarshalGQL reads a GraphQL enum value.
func (p *DatePrecision) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("date precision must be a string, got %T", v)
	}
	if !DatePrecision(s).Valid() {
		return fmt.Errorf("%q is not a valid DatePrecision (give DAY, MONTH or YEAR)", s)
	}
	*p = DatePrecision(s)
	return nil
}

// SourcedFact is a statement about a project or programme that comes with
// its sources: a figure ("83 South-South and triangular activities in
// 2014-15") or one side of a disagreement between sources (two end years
// for one project), kept with the documents that say it rather than
// settled by sscgraph.
type SourcedFact struct {
	// Statement says the fact in a sentence.
	Statement string `json:"statement"`
	// Figure is the number the statement gives, if any.
	Figure *float64 `json:"figure,omitempty"`
	// Period is the time the fact covers ("2014-2015"), if any.
	Period string `json:"period,omitempty"`
	// Sources are the documents and public addresses that state it.
	Sources []string `json:"sources"`
}
