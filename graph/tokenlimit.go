package graph

import (
	"regexp"
	"strconv"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/internal/apierr"
)

// tokenLimit is gqlparser's message when a document has more tokens than
// the parser's limit (handler.SetParserTokenLimit); the parser gives no
// other sign of it.
var tokenLimit = regexp.MustCompile(`^exceeded token limit of (\d+)$`)

// tokenLimitError returns the LIMIT_EXCEEDED answer to gqlparser's token
// limit error, like the answers to the other limits, or nil when g is
// another error: gqlgen reported it as GRAPHQL_PARSE_FAILED, as if the
// document were malformed.
func tokenLimitError(g *gqlerror.Error) *gqlerror.Error {
	m := tokenLimit.FindStringSubmatch(g.Message)
	if m == nil {
		return nil
	}
	limit, err := strconv.Atoi(m[1])
	if err != nil {
		return nil
	}
	e := apierr.New(apierr.LimitExceeded, "query tokens are over the limit of %d (names, punctuation and values of the document); shorten the document, or pass long lists as variables", limit).
		With("limit", "tokens").With("maximum", limit).GQL()
	e.Locations = g.Locations
	return e
}
