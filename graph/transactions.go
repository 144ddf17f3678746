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

	"sscgraph/ent"
	"sscgraph/internal/apierr"
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
//     the server may have committed; a retry with the same
//     Idempotency-Key tells, and so does the audit trail;
//   - anything else is an internal error, logged with the request ID.
//
// A mutation sent with an Idempotency-Key header (see idempotency.go) is
// answered once: its outcome is recorded in its own transaction, and a
// request with the same key from the same client is answered from the
// record instead of running again.
type Transactions struct {
	Opener entgql.TxOpener
	// Client reads the outcomes of Idempotency-Keys outside mutations'
	// transactions.
	Client *ent.Client
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
	if t.Opener == nil || t.Client == nil || t.Logger == nil {
		return fmt.Errorf("graph.Transactions needs an opener, a client and a logger")
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
	idem := idempotentFrom(ctx)
	if idem != nil {
		if resp, ok, err := idem.replay(ctx, t.Client); err != nil || ok {
			if err != nil {
				return t.failed(ctx, err, false)
			}
			return resp
		}
	}
	txCtx, tx, err := t.Opener.OpenTx(ctx)
	if err != nil {
		return t.failed(ctx, fmt.Errorf("opening the mutation's transaction: %w", err), false)
	}
	ended := false
	rollback := func() {
		if ended {
			return
		}
		ended = true
		if err := tx.Rollback(); err != nil {
			t.Logger.WarnContext(ctx, "rolling back a mutation", "request_id", RequestID(ctx), "err", err)
		}
	}
	defer rollback()
	if idem != nil {
		if err := idem.claim(txCtx, ent.FromContext(txCtx)); err != nil {
			if !ent.IsConstraintError(err) {
				return t.failed(ctx, err, false)
			}
			// A request with the same key committed while this one
			// waited for its claim: answer with its outcome.
			rollback()
			resp, ok, err := idem.replay(ctx, t.Client)
			switch {
			case err != nil:
				return t.failed(ctx, err, false)
			case !ok:
				return &graphql.Response{Errors: gqlerror.List{apierr.New(apierr.Conflict,
					"another request with the Idempotency-Key %q is being answered: send this one again once it has finished", idem.key).
					With("field", "Idempotency-Key").GQL()}}
			}
			return resp
		}
	}
	resp := next(txCtx)
	if len(resp.Errors) > 0 {
		// Nothing was written, and nothing is recorded: a retry with the
		// same key runs again.
		return &graphql.Response{Errors: resp.Errors, Extensions: resp.Extensions}
	}
	if idem != nil {
		if err := idem.record(txCtx, ent.FromContext(txCtx), resp); err != nil {
			return t.failed(ctx, err, false)
		}
	}
	ended = true
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
