package graph

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"entgo.io/contrib/entgql"

	"sscgraph/ent"
)

// maxBulk bounds createActivities.
const maxBulk = 1000

// createActivities creates every input or none: the Transactioner runs the
// mutation in one transaction, so an invalid input rolls back the ones
// before it.
func (r *Resolver) createActivities(ctx context.Context, inputs []*ent.CreateActivityInput) ([]*ent.Activity, error) {
	if len(inputs) == 0 || len(inputs) > maxBulk {
		return nil, badInput(nil, "createActivities takes 1 to %d inputs, got %d", maxBulk, len(inputs))
	}
	client := ent.FromContext(ctx)
	out := make([]*ent.Activity, 0, len(inputs))
	for i, in := range inputs {
		a, err := client.Activity.Create().SetInput(*in).Save(ctx)
		if err != nil {
			return nil, &inputError{path: fmt.Sprintf("inputs[%d]", i), err: err}
		}
		out = append(out, a)
	}
	return out, nil
}

// inputError says which input of a list an error is about.
type inputError struct {
	path string
	err  error
}

func (e *inputError) Error() string { return e.path + ": " + e.err.Error() }
func (e *inputError) Unwrap() error { return e.err }

// FieldPath is the path of the input field an error is about, as clients
// name it: "input.endDate", or "inputs[3].title" in a list of inputs.
func FieldPath(err error, field string) string {
	path := "input"
	var ie *inputError
	if errors.As(err, &ie) {
		path = ie.path
	}
	if !strings.Contains(field, "_") {
		return path + "." + field // already a GraphQL name
	}
	return path + "." + camel(field)
}

// camel turns an ent field name (snake_case) into its GraphQL name.
func camel(s string) string {
	var b strings.Builder
	upper := false
	for _, r := range s {
		switch {
		case r == '_':
			upper = true
		case upper:
			b.WriteString(strings.ToUpper(string(r)))
			upper = false
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// newestFirst is the default order of auditEvents.
var newestFirst = []*ent.AuditEventOrder{{Field: ent.AuditEventOrderFieldAt, Direction: entgql.OrderDirectionDesc}}
