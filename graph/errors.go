package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/ent"
	"sscgraph/internal/apierr"
	"sscgraph/internal/dbhealth"
	"sscgraph/internal/gid"
	"sscgraph/internal/reqctx"
	"sscgraph/internal/validate"
	"sscgraph/internal/viewer"
)

// PresentError decides what a client sees of an error raised while an
// operation is prepared or runs: the one place that does. Errors written
// for clients (apierr.Error, the GraphQL validation's own, and the
// model's rules) keep their message and get their code; anything else is
// logged with the request ID and answered as an internal error naming the
// request, so that database and Go error texts never reach clients.
func PresentError(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		presented := graphql.DefaultErrorPresenter(ctx, err)
		if code, msg, ext, ok := clientView(err); ok {
			presented.Message = msg
			presented.Extensions = map[string]any{}
			for k, v := range ext {
				presented.Extensions[k] = v
			}
			presented.Extensions["code"] = string(code)
			return presented
		}
		if e, ok := dbhealth.ClientError(err, RequestID(ctx), inMutation(ctx)); ok {
			// The database's fault, not the request's: the client is
			// told to retry (the transport answers 503), the operators
			// learn of it from the breaker's log and the metrics.
			logger.WarnContext(ctx, "database fault", "request_id", RequestID(ctx), "reason", e.Extensions["reason"], "err", err, "path", presented.Path.String())
			g := e.GQL()
			g.Path = presented.Path
			return g
		}
		if g := writtenForClients(err); g != nil {
			if e := tokenLimitError(g); e != nil {
				return e
			}
			presented.Message = g.Message
			if presented.Extensions == nil {
				presented.Extensions = map[string]any{}
			}
			for k, v := range g.Extensions {
				presented.Extensions[k] = v
			}
			if apierr.CodeOf(presented) == "" || g.Rule == pagingRuleName {
				// The paging rule judges arguments, not the document's
				// fit to the schema: a bad page size or cursor is bad
				// input, written literally or through a variable.
				presented.Extensions["code"] = string(apierr.BadUserInput)
			}
			return presented
		}
		return Internal(ctx, logger, err, presented.Path)
	}
}

// clientView returns what a client may read of err, when err is one of the
// kinds written for clients.
func clientView(err error) (apierr.Code, string, map[string]any, bool) {
	if e, ok := apierr.As(err); ok {
		return e.Code, e.Message, e.Extensions, true
	}
	switch {
	case errors.Is(err, gid.ErrInvalid):
		return apierr.BadUserInput, innermost(err).Error(), nil, true
	case errors.Is(err, context.DeadlineExceeded):
		return apierr.Timeout, "the request ran out of time: ask for less (smaller pages, fewer levels)", nil, true
	case ent.IsNotFound(err):
		return apierr.NotFound, "not found", nil, true
	case errors.Is(err, viewer.ErrUnauthenticated):
		return apierr.Unauthenticated, viewer.ErrUnauthenticated.Error(), nil, true
	case errors.Is(err, viewer.ErrForbidden):
		return apierr.Forbidden, viewer.ErrForbidden.Error(), nil, true
	case errors.Is(err, viewer.ErrReadForbidden):
		return apierr.Forbidden, viewer.ErrReadForbidden.Error(), nil, true
	case dbhealth.IsConflict(err):
		// PostgreSQL aborted the transaction to let another through.
		return apierr.BadUserInput, "another request changed the same rows at the same moment: nothing was written; send the request again", nil, true
	case dbhealth.InFailedTransaction(err):
		// On PostgreSQL, once a statement of the mutation's transaction
		// failed, the database refuses the later fields' statements.
		return apierr.BadUserInput, "not run: an earlier field of this mutation failed, so nothing of the mutation was written", nil, true
	}
	var ve *ent.ValidationError
	if errors.As(err, &ve) {
		field := FieldPath(err, ve.Name)
		// ent's text names the entity and the library ("ent: validator
		// failed for field …"): the client reads the input field and the
		// rule in plain words.
		return apierr.BadUserInput, fmt.Sprintf("%s: %s", field, validate.Plain(errors.Unwrap(ve))), map[string]any{"field": field}, true
	}
	var fe *validate.FieldError
	if errors.As(err, &fe) {
		field := FieldPath(err, fe.Field)
		return apierr.BadUserInput, fmt.Sprintf("%s: %s", field, fe.Msg), map[string]any{"field": field}, true
	}
	var de *validate.DependentsError
	if errors.As(err, &de) {
		return apierr.BadUserInput, de.Error(), map[string]any{"dependents": de.Dependents}, true
	}
	if ent.IsConstraintError(err) {
		return apierr.BadUserInput, "the change breaks a constraint: an ID it refers to does not exist, a unique value (such as a code) is taken, or something else depends on what it removes", nil, true
	}
	return "", "", nil, false
}

// inMutation reports whether ctx belongs to a mutation, whose failure
// rolls its transaction back.
func inMutation(ctx context.Context) bool {
	return graphql.HasOperationContext(ctx) && isMutation(graphql.GetOperationContext(ctx).Operation)
}

// innermost is the last error of err's chain.
func innermost(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// writtenForClients finds, in err's chain, a GraphQL error that gqlgen or
// gqlparser wrote for clients (argument coercion, validation): one that
// wraps no other error. gqlgen wraps every resolver error in a GraphQL
// error carrying the path, so only the innermost one tells.
func writtenForClients(err error) *gqlerror.Error {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if g, ok := e.(*gqlerror.Error); ok && g.Err == nil {
			return g
		}
	}
	return nil
}

// Internal logs err with the request's ID and returns what the client sees
// of it: an internal error naming the request.
func Internal(ctx context.Context, logger *slog.Logger, err error, path ast.Path) *gqlerror.Error {
	id := RequestID(ctx)
	logger.ErrorContext(ctx, "request failed", "request_id", id, "err", err, "path", path.String())
	e := apierr.InternalFor(id).GQL()
	e.Path = path
	return e
}

// RequestID is the ID of the request in ctx.
func RequestID(ctx context.Context) string {
	if info := reqctx.From(ctx); info != nil {
		return info.ID
	}
	return "unknown"
}

// Recover turns a panic in a resolver into an internal error for the
// client and a log line with the stack for operators.
func Recover(logger *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		id := RequestID(ctx)
		logger.ErrorContext(ctx, "panic in resolver", "request_id", id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return apierr.InternalFor(id)
	}
}
