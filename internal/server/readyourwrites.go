package server

import (
	"container/list"
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"sscgraph/internal/database"
	"sscgraph/internal/reqctx"
)

// Read-your-writes over read replicas (database.Options.Replicas).
//
// Reads go to a standby, which replays the primary's writes a little
// later: a client that has just written and reads at once could miss its
// own write. So after a client's mutation the primary's WAL position is
// recorded for that client (an API key, or an address without one), and
// the client's operations for a while after run with
// database.ReplayedAtLeast: only a replica known to have replayed that
// position serves them, and the primary while none has. Nothing waits.
// Other clients' reads may still be stale, within --replica-max-lag.
//
// Subscriptions read on the primary: their reads follow events that
// NOTIFY delivers as soon as the write commits, which a replica may not
// have replayed yet. So do mutations, all of whose reads must see the
// latest commits.

const (
	// rywMinTTL is the least time a client's last write is remembered.
	// Past it, every replica in rotation has replayed the write: a
	// replica whose lag passes --replica-max-lag is out of rotation, and
	// the TTL is kept above twice that.
	rywMinTTL = 30 * time.Second
	// rywMaxClients bounds the clients remembered; the oldest write is
	// forgotten first (its client may then read from a replica that has
	// not replayed it, if it writes from more than this many clients
	// in rywMinTTL).
	rywMaxClients = 100_000
)

// readYourWrites is the GraphQL extension that records the writes and
// routes the reads.
type readYourWrites struct {
	db     *database.DB
	logger *slog.Logger
	on     bool // the database has replicas
	ttl    time.Duration
	max    int
	now    func() time.Time

	mu      sync.Mutex
	clients map[string]*list.Element // of *rywWrite, in order
	order   *list.List               // oldest write first
}

// rywWrite is a client's last write.
type rywWrite struct {
	client string
	lsn    string // "" when it could not be read: the primary then
	at     time.Time
}

var (
	_ graphql.HandlerExtension     = (*readYourWrites)(nil)
	_ graphql.OperationInterceptor = (*readYourWrites)(nil)
	_ graphql.ResponseInterceptor  = (*readYourWrites)(nil)
)

// newReadYourWrites returns the extension over db; it does nothing when
// db has no replicas.
func newReadYourWrites(db *database.DB, logger *slog.Logger) *readYourWrites {
	return &readYourWrites{
		db:      db,
		logger:  logger,
		on:      len(db.Replicas()) > 0,
		ttl:     max(rywMinTTL, 2*db.ReplicaMaxLag()),
		max:     rywMaxClients,
		now:     time.Now,
		clients: map[string]*list.Element{},
		order:   list.New(),
	}
}

// ExtensionName names the extension in gqlgen's registry.
func (*readYourWrites) ExtensionName() string { return "ReadYourWrites" }

// Validate accepts any schema.
func (*readYourWrites) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation routes the operation's reads: a subscription's to
// the primary, and a mutation's (those in its transaction are anyway;
// those beside it, such as the outcome of an Idempotency-Key that another
// request has just committed, must see that commit too); a client's after
// its recent write to a replica that has replayed it (or the primary).
func (r *readYourWrites) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if !r.on {
		return next(ctx)
	}
	op := graphql.GetOperationContext(ctx).Operation
	if op != nil && (op.Operation == ast.Subscription || op.Operation == ast.Mutation) {
		return next(database.OnPrimary(ctx))
	}
	if info := reqctx.From(ctx); info != nil && info.Client != "" {
		if w, ok := r.last(info.Client); ok {
			if w.lsn == "" {
				ctx = database.OnPrimary(ctx)
			} else {
				ctx = database.ReplayedAtLeast(ctx, w.lsn)
			}
		}
	}
	return next(ctx)
}

// InterceptResponse records the primary's WAL position after a
// mutation, whatever its outcome: one that failed wrote nothing (a
// harmless entry), and one whose COMMIT's outcome is unknown may have.
// It runs outside graph.Transactions, so the mutation has committed.
func (r *readYourWrites) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !r.on {
		return next(ctx)
	}
	op := graphql.GetOperationContext(ctx).Operation
	resp := next(ctx)
	if op == nil || op.Operation != ast.Mutation {
		return resp
	}
	info := reqctx.From(ctx)
	if info == nil || info.Client == "" {
		return resp
	}
	// Recorded even when the client has gone: its next request must
	// still see the write.
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	lsn, err := r.db.PrimaryLSN(lctx)
	if err != nil {
		r.logger.WarnContext(ctx, "reading the WAL position after a mutation; the client's reads go to the primary for a while", "request_id", info.ID, "err", err)
		lsn = ""
	}
	r.record(info.Client, lsn)
	return resp
}

// record remembers client's write at lsn, forgetting writes older than
// the TTL and the oldest past the bound.
func (r *readYourWrites) record(client, lsn string) {
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.clients[client]; ok {
		r.order.Remove(e)
		delete(r.clients, client)
	}
	r.clients[client] = r.order.PushBack(&rywWrite{client: client, lsn: lsn, at: now})
	for e := r.order.Front(); e != nil; e = r.order.Front() {
		w := e.Value.(*rywWrite)
		if len(r.clients) <= r.max && now.Sub(w.at) < r.ttl {
			break
		}
		r.order.Remove(e)
		delete(r.clients, w.client)
	}
}

// last returns client's last write, if it is recent.
func (r *readYourWrites) last(client string) (rywWrite, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.clients[client]
	if !ok {
		return rywWrite{}, false
	}
	w := e.Value.(*rywWrite)
	if r.now().Sub(w.at) >= r.ttl {
		return rywWrite{}, false
	}
	return *w, true
}
