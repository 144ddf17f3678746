// Package scalar reads and writes the GraphQL scalars whose malformed
// values are the client's mistake: they are answered as bad input naming
// what was expected. (gqlgen's own Time answers a plain error, which the
// error presenter cannot tell from a server fault, so a filter with
// "yesterday" for a date was an internal error.)
package scalar

import (
	"encoding/json"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"sscgraph/internal/apierr"
)

// timeFormats are the forms a Time may take: RFC 3339, with or without
// fractions of a second, and (as gqlgen's Time accepted) a date and time
// without zone, read as UTC.
var timeFormats = []string{time.RFC3339Nano, time.DateTime}

// MarshalTime writes a time as RFC 3339 with nanoseconds.
func MarshalTime(t time.Time) graphql.Marshaler {
	if t.IsZero() {
		return graphql.Null
	}
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.Format(time.RFC3339Nano)))
	})
}

// UnmarshalTime reads a time argument or variable.
func UnmarshalTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, apierr.BadInput("a time is an RFC 3339 string such as 2026-11-28T09:00:00Z, got %s", describe(v))
	}
	for _, f := range timeFormats {
		if t, err := time.Parse(f, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, apierr.BadInput("a time is an RFC 3339 string such as 2026-11-28T09:00:00Z, got %q", s)
}

func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case json.Number, int, int64, float64:
		return "a number"
	}
	return "a value of another kind"
}
