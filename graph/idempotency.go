package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"sscgraph/ent"
	"sscgraph/ent/idempotencyrecord"
	"sscgraph/internal/apierr"
	"sscgraph/internal/reqctx"
	"sscgraph/internal/viewer"
)

// IdempotencyTTL is how long the outcome of a mutation sent with an
// Idempotency-Key is kept: a retry within it is answered from the record,
// a request after it runs again.
const IdempotencyTTL = 24 * time.Hour

// MaxIdempotencyKey is the longest Idempotency-Key accepted (Stripe's
// limit: room for a UUID with a prefix, or a hash).
const MaxIdempotencyKey = 255

type idempotencyCtxKey struct{}

// WithIdempotencyKey returns ctx carrying the request's Idempotency-Key
// header, which the server passes on for plain HTTP requests only: the
// headers of a WebSocket's upgrade would otherwise apply one key to every
// mutation sent over it.
func WithIdempotencyKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, idempotencyCtxKey{}, key)
}

// CheckIdempotencyKey refuses a key that is empty, too long, or not
// visible ASCII (it is a header value, and it is quoted in errors).
func CheckIdempotencyKey(key string) *apierr.Error {
	bad := func(why string) *apierr.Error {
		return apierr.New(apierr.BadUserInput, "the Idempotency-Key header %s: send 1 to %d visible ASCII characters, such as a UUID", why, MaxIdempotencyKey).
			With("field", "Idempotency-Key")
	}
	switch {
	case key == "":
		return bad("is empty")
	case len(key) > MaxIdempotencyKey:
		return bad(fmt.Sprintf("has %d characters", len(key)))
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return bad("has a character that is not visible ASCII")
		}
	}
	return nil
}

// idempotent is a mutation sent with an Idempotency-Key.
type idempotent struct {
	key         string
	id          string // the record's: the client and the key, hashed
	requestHash string
	requestID   string
}

// idempotentFrom returns the mutation's idempotency, or nil when it was
// sent without a key.
func idempotentFrom(ctx context.Context) *idempotent {
	key, _ := ctx.Value(idempotencyCtxKey{}).(string)
	if key == "" {
		return nil
	}
	client, requestID := "unknown", ""
	if info := reqctx.From(ctx); info != nil {
		client, requestID = info.Client, info.ID
	}
	oc := graphql.GetOperationContext(ctx)
	// encoding/json writes maps with sorted keys: the same variables
	// always hash alike.
	vars, _ := json.Marshal(oc.Variables)
	return &idempotent{
		key:         key,
		id:          hashOf(client, key),
		requestHash: hashOf(oc.RawQuery, oc.OperationName, string(vars)),
		requestID:   requestID,
	}
}

func hashOf(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// records is sscgraph's own business, whoever the viewer: the records'
// privacy policy lets it through.
func records(ctx context.Context) context.Context {
	return viewer.WithSystem(ctx, viewer.System{Name: "IDEMPOTENCY"})
}

// replay answers the mutation from the outcome recorded under its key,
// if there is one: the same answer, or a refusal when the key was used
// for another request.
func (i *idempotent) replay(ctx context.Context, client *ent.Client) (*graphql.Response, bool, error) {
	rec, err := client.IdempotencyRecord.Query().
		Where(idempotencyrecord.ID(i.id), idempotencyrecord.ExpiresAtGT(time.Now())).
		Only(records(ctx))
	switch {
	case ent.IsNotFound(err):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("reading the outcome of Idempotency-Key: %w", err)
	}
	if rec.RequestHash != i.requestHash {
		return &graphql.Response{Errors: gqlerror.List{apierr.New(apierr.BadUserInput,
			"the Idempotency-Key %q was already used for another request (request %s): a retry must send the same query and variables, a new request a new key", i.key, rec.RequestID).
			With("field", "Idempotency-Key").With("reason", "IDEMPOTENCY_KEY_REUSED").GQL()}}, true, nil
	}
	return &graphql.Response{
		Data: json.RawMessage(rec.Response),
		Extensions: map[string]any{"idempotency": map[string]any{
			"replayed": true, "requestId": rec.RequestID, "createdAt": rec.CreatedAt.UTC().Format(time.RFC3339),
		}},
	}, true, nil
}

// claim writes the record of the key, still without an outcome, in the
// mutation's transaction (client): a concurrent request with the same key
// waits at its own claim until this transaction ends, and then fails it
// (the key is the record's primary key) and reads this one's outcome. An
// expired record of the key is replaced.
func (i *idempotent) claim(ctx context.Context, client *ent.Client) error {
	ctx = records(ctx)
	now := time.Now()
	if _, err := client.IdempotencyRecord.Delete().
		Where(idempotencyrecord.ID(i.id), idempotencyrecord.ExpiresAtLTE(now)).Exec(ctx); err != nil {
		return fmt.Errorf("replacing an expired Idempotency-Key: %w", err)
	}
	err := client.IdempotencyRecord.Create().
		SetID(i.id).SetRequestHash(i.requestHash).SetRequestID(i.requestID).
		SetCreatedAt(now).SetExpiresAt(now.Add(IdempotencyTTL)).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("recording the Idempotency-Key: %w", err)
	}
	return purgeExpired(ctx, client, now)
}

// record stores the mutation's answer with its key, in its transaction.
func (i *idempotent) record(ctx context.Context, client *ent.Client, resp *graphql.Response) error {
	err := client.IdempotencyRecord.UpdateOneID(i.id).SetResponse(string(resp.Data)).Exec(records(ctx))
	if err != nil {
		return fmt.Errorf("recording the outcome of the Idempotency-Key: %w", err)
	}
	return nil
}

// purgeEvery is how often a process deletes expired records, in the
// transaction of a mutation that claims a key: often enough that the
// table holds about a day of keys, rarely enough to cost nothing.
const purgeEvery = time.Minute

var lastPurge struct {
	sync.Mutex
	at time.Time
}

// purgeExpired deletes expired records, at most once per purgeEvery
// (an expired record is never answered: this only frees the space).
func purgeExpired(ctx context.Context, client *ent.Client, now time.Time) error {
	lastPurge.Lock()
	due := now.Sub(lastPurge.at) >= purgeEvery
	if due {
		lastPurge.at = now
	}
	lastPurge.Unlock()
	if !due {
		return nil
	}
	if _, err := client.IdempotencyRecord.Delete().Where(idempotencyrecord.ExpiresAtLTE(now)).Exec(ctx); err != nil {
		return fmt.Errorf("deleting expired Idempotency-Keys: %w", err)
	}
	return nil
}
