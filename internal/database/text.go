package database

import (
	"context"
	"fmt"

	entgo "entgo.io/ent"

	"sscgraph/ent"
	"sscgraph/internal/validate"
)

// refuseBadText refuses, in every write through the client, text fields
// that are not UTF-8 or hold control characters other than tab and line
// breaks (validate.TextProblem): JSON input can spell a NUL ("\u0000"),
// which PostgreSQL refuses with an error the API could only call internal,
// and SQLite would store and serve back. Answered as BAD_USER_INPUT naming
// the field. It is a client-wide hook rather than a rule per schema so that
// no text field, present or future, is left out.
func refuseBadText(next entgo.Mutator) entgo.Mutator {
	return entgo.MutateFunc(func(ctx context.Context, m entgo.Mutation) (entgo.Value, error) {
		for _, name := range m.Fields() {
			v, _ := m.Field(name)
			switch x := v.(type) {
			case string:
				if err := validate.Text(name, x); err != nil {
					return nil, err
				}
			case []string:
				for i, s := range x {
					if err := validate.Text(fmt.Sprintf("%s[%d]", name, i), s); err != nil {
						return nil, err
					}
				}
			}
		}
		return next.Mutate(ctx, m)
	})
}

// newClient is the ent client over drv with sscgraph's client-wide hooks.
func newClient(drv ent.Option) *ent.Client {
	c := ent.NewClient(drv)
	c.Use(refuseBadText)
	return c
}
