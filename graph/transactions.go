package graph

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/internal/dbhealth"
)

// Transactions runs each mutation operation in one database transaction,
// which resolvers reach through ent.FromContext: a failure anywhere rolls
// all of it back. It does what entgql.Transactioner does, except that a
// transaction that fails to open or to commit is never answered with the
// driver's text (entgql's answers "cannot commit transaction: database is
// locked" to the client), and the client is never left guessing whether
// the change was written:
//
//   - the database's faults before COMMIT was sent (a failed connection,
//     a full disk, a read-only database) are SERVICE_UNAVAILABLE saying
//     that nothing was written;
//   - a connection that fails after COMMIT was sent is COMMIT_UNKNOWN:
//     the server may have committed, and only the audit trail tells;
//   - anything else is an internal error, logged with the request ID.
type Transactions struct {
	Opener entgql.TxOpener
	Logger *slog.Logger
}

var (
	_ graphql.HandlerExtension        = Transactions{}
	_ graphql.OperationContextMutator = Transactions{}
	_ graphql.ResponseInterceptor     = Transactions{}
)

// ExtensionName names the extension in gqlgen's registry.
func (Transactions) ExtensionName() string { return "Transactions" }

// Validate checks that the extension can open transactions.
func (t Transactions) Validate(graphql.ExecutableSchema) error {
	if t.Opener == nil || t.Logger == nil {
		return fmt.Errorf("graph.Transactions needs an opener and a logger")
	}
	return nil
}

// MutateOperationContext runs a mutation's field resolvers one at a time:
// they share one transaction, which is not safe for concurrent use.
func (t Transactions) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if !isMutation(oc.Operation) {
		return nil
	}
	previous := oc.ResolverMiddleware
	var mu sync.Mutex
	oc.ResolverMiddleware = func(ctx context.Context, next graphql.Resolver) (any, error) {
		mu.Lock()
		defer mu.Unlock()
		return previous(ctx, next)
	}
	return nil
}

// InterceptResponse runs a mutation in a transaction: committed when every
// field succeeded, rolled back otherwise (the answer then has the errors
// and no data, since nothing was written).
func (t Transactions) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !isMutation(graphql.GetOperationContext(ctx).Operation) {
		return next(ctx)
	}
	txCtx, tx, err := t.Opener.OpenTx(ctx)
	if err != nil {
		return t.failed(ctx, fmt.Errorf("opening the mutation's transaction: %w", err), false)
	}
	committed := false
	defer func() {
		if !committed {
			if err := tx.Rollback(); err != nil {
				t.Logger.WarnContext(ctx, "rolling back a mutation", "request_id", RequestID(ctx), "err", err)
			}
		}
	}()
	resp := next(txCtx)
	if len(resp.Errors) > 0 {
		return &graphql.Response{Errors: resp.Errors, Extensions: resp.Extensions}
	}
	committed = true
	if err := tx.Commit(); err != nil {
		return t.failed(ctx, fmt.Errorf("committing the mutation's transaction: %w", err), true)
	}
	return resp
}

// failed answers a mutation whose transaction failed to open or, when
// committing, to commit.
func (t Transactions) failed(ctx context.Context, err error, committing bool) *graphql.Response {
	id := RequestID(ctx)
	if committing && dbhealth.CommitOutcomeUnknown(err) {
		// Whether the server committed is unknown: the client must look
		// before it sends the change again, and operators may be asked.
		t.Logger.ErrorContext(ctx, "commit outcome unknown: the connection failed after COMMIT was sent", "request_id", id, "err", err)
		return &graphql.Response{Errors: gqlerror.List{dbhealth.CommitUnknownFor(id).GQL()}}
	}
	if e, ok := dbhealth.ClientError(err, id, true); ok {
		t.Logger.WarnContext(ctx, "mutation not written: database fault", "request_id", id, "reason", e.Extensions["reason"], "err", err)
		return &graphql.Response{Errors: gqlerror.List{e.GQL()}}
	}
	return &graphql.Response{Errors: gqlerror.List{Internal(ctx, t.Logger, err, nil)}}
}

func isMutation(op *ast.OperationDefinition) bool {
	return op != nil && op.Operation == ast.Mutation
}
