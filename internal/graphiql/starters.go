package graphiql

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
)

// Starter is one of the tabs GraphiQL opens with on a first visit: a
// request for each kind of user, with a comment saying what it shows and
// where to go next. GraphiQL titles the tab with the operation's name.
// Later visits open the tabs the user left (GraphiQL keeps them in the
// browser's storage).
type Starter struct {
	// Name is the operation's name, which GraphiQL shows as the tab's title.
	Name string `json:"-"`
	// Query is the document, comments included.
	Query string `json:"query"`
}

// operationName is how GraphiQL titles a tab: the first named operation.
var operationName = regexp.MustCompile(`(?m)^(?:query|mutation|subscription)\s+([A-Za-z0-9_]+)`)

// Starters returns the starter tabs, in the order of their file names
// under starters/. Each must have a named operation, so that the tabs
// have titles.
func Starters() ([]Starter, error) {
	names, err := fs.Glob(embedded, "starters/*.graphql")
	if err != nil {
		return nil, fmt.Errorf("listing the starter queries: %w", err)
	}
	sort.Strings(names)
	out := make([]Starter, 0, len(names))
	for _, name := range names {
		b, err := fs.ReadFile(embedded, name)
		if err != nil {
			return nil, fmt.Errorf("reading a starter query: %w", err)
		}
		m := operationName.FindSubmatch(b)
		if m == nil {
			return nil, fmt.Errorf("the starter query %s has no named operation", path.Base(name))
		}
		out = append(out, Starter{Name: string(m[1]), Query: string(b)})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no starter queries are embedded")
	}
	return out, nil
}
