package server

import (
	"context"
	"encoding/json"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/internal/scalar"
)

// responseBudget is the gqlgen extension that bounds the text of each
// response (each event of a subscription too): every string is counted as
// it is written (scalar.MarshalString), and a response that goes past max
// bytes answers LIMIT_EXCEEDED with no data, rather than growing. A price
// in points cannot do it: the bytes a field holds are known only once read.
type responseBudget struct{ max int64 }

var _ graphql.ResponseInterceptor = responseBudget{}

func (responseBudget) ExtensionName() string                   { return "ResponseBudget" }
func (responseBudget) Validate(graphql.ExecutableSchema) error { return nil }

func (r responseBudget) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	ctx, budget := scalar.WithTextBudget(ctx, r.max)
	resp := next(ctx)
	if resp == nil || !budget.Exceeded() {
		return resp
	}
	// The data was cut short where the budget ran out: answering it would
	// pass nulls off as values. The limit's error says what happened.
	var errs gqlerror.List
	for _, e := range resp.Errors {
		if e.Extensions["limit"] == "responseBytes" {
			errs = append(errs, e)
		}
	}
	if len(errs) == 0 {
		errs = gqlerror.List{budget.Err().GQL()}
	}
	return &graphql.Response{Data: json.RawMessage("null"), Errors: errs, Extensions: resp.Extensions}
}
