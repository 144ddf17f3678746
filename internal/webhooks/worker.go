// Package webhooks delivers the webhook outbox (ent schema
// WebhookDelivery, written in the transaction of each change it reports):
// at least once, signed, with exponential backoff across restarts, to
// endpoints checked against server-side request forgery; and writes the
// POSTING_EXPIRING events of offers about to lapse.
package webhooks

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"sscgraph/ent"
	"sscgraph/ent/matchoffer"
	"sscgraph/ent/privacy"
	"sscgraph/ent/schema"
	"sscgraph/ent/webhook"
	"sscgraph/ent/webhookdelivery"
	"sscgraph/internal/gid"
	"sscgraph/internal/viewer"
	"sscgraph/internal/webhookevent"
)

// Options tune a Worker; zero values take the defaults.
type Options struct {
	// AllowPrivate lets deliveries reach loopback, private and
	// link-local addresses (serve --webhook-allow-private).
	AllowPrivate bool
	// Poll is how often due deliveries are looked for (1 s).
	Poll time.Duration
	// Batch is how many deliveries one claim takes, delivered side by
	// side (20).
	Batch int
	// Timeout bounds one attempt (10 s).
	Timeout time.Duration
	// Lease is how long a claim holds a row (2 min, at least twice
	// Timeout): a worker that dies mid-delivery leaves the row to be
	// claimed again after it.
	Lease time.Duration
	// MaxAttempts is how many attempts a delivery gets before it is
	// FAILED (12: with the backoff below, about a day and a half).
	MaxAttempts int
	// BaseBackoff is the wait after the first failed attempt, doubled
	// after each one (30 s), up to MaxBackoff (6 h); each wait has up to
	// a fifth added at random, so that receivers that come back are not
	// hit by every retry at once.
	BaseBackoff, MaxBackoff time.Duration
	// PauseAfter pauses a webhook after this many failed attempts in a
	// row (10), and PauseAge after failing for this long (72 h).
	PauseAfter int
	PauseAge   time.Duration
	// ExpiringWithin is how far ahead POSTING_EXPIRING looks (7 days),
	// and ScanEvery how often it looks (10 min).
	ExpiringWithin, ScanEvery time.Duration
	// Now is the clock that schedules attempts (time.Now); tests move it.
	Now func() time.Time
	// HTTPClient sends the deliveries; nil builds one with
	// NewHTTPClient(AllowPrivate, Timeout).
	HTTPClient *http.Client
	Logger     *slog.Logger
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.Poll, time.Second)
	def(&o.Timeout, 10*time.Second)
	def(&o.Lease, 2*time.Minute)
	if o.Lease < 2*o.Timeout {
		o.Lease = 2 * o.Timeout
	}
	def(&o.BaseBackoff, 30*time.Second)
	def(&o.MaxBackoff, 6*time.Hour)
	def(&o.PauseAge, 72*time.Hour)
	def(&o.ExpiringWithin, 7*24*time.Hour)
	def(&o.ScanEvery, 10*time.Minute)
	if o.Batch <= 0 {
		o.Batch = 20
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 12
	}
	if o.PauseAfter <= 0 {
		o.PauseAfter = 10
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HTTPClient == nil {
		o.HTTPClient = NewHTTPClient(o.AllowPrivate, o.Timeout)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Worker delivers the outbox. Several may run on one PostgreSQL database
// (replicas): claims skip rows another holds. On SQLite one process
// writes, so one worker runs.
type Worker struct {
	client  *ent.Client
	dialect string
	sealer  *Sealer
	codec   *gid.Codec
	o       Options
}

// New returns a worker over client (of a database of dialect), opening
// the signing secrets with sealer and naming rows in the bodies it writes
// with codec.
func New(client *ent.Client, dialect string, sealer *Sealer, codec *gid.Codec, o Options) *Worker {
	return &Worker{client: client, dialect: dialect, sealer: sealer, codec: codec, o: o.withDefaults()}
}

// Run delivers until ctx ends, and scans for expiring offers every
// ScanEvery. Errors are logged and tried again at the next poll: the
// state is in the database.
func (w *Worker) Run(ctx context.Context) {
	poll := time.NewTicker(w.o.Poll)
	defer poll.Stop()
	var lastScan time.Time
	for {
		if now := w.o.Now(); now.Sub(lastScan) >= w.o.ScanEvery {
			lastScan = now
			if _, err := w.ScanExpiring(ctx); err != nil && ctx.Err() == nil {
				w.o.Logger.Warn("webhooks: scanning for expiring offers", "err", err)
			}
		}
		for {
			n, err := w.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				w.o.Logger.Warn("webhooks: delivering", "err", err)
			}
			// A full batch suggests more are due: claim again at once.
			if err != nil || n < w.o.Batch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-poll.C:
		}
	}
}

// RunOnce claims the deliveries that are due and attempts each, side by
// side; it answers how many it claimed.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	claimed, lease, err := w.Claim(ctx)
	if err != nil || len(claimed) == 0 {
		return 0, err
	}
	var wg sync.WaitGroup
	errs := make([]error, len(claimed))
	for i, d := range claimed {
		wg.Go(func() { errs[i] = w.Deliver(ctx, d, lease) })
	}
	wg.Wait()
	return len(claimed), errors.Join(errs...)
}

// Claim takes the deliveries that are due, of webhooks that are not
// paused, and holds them until the lease it answers: their attempt is
// counted now, so that one cut by a crash counts too.
func (w *Worker) Claim(ctx context.Context) ([]*ent.WebhookDelivery, time.Time, error) {
	ctx = asWorker(ctx)
	now := w.o.Now().UTC()
	lease := now.Add(w.o.Lease).Truncate(time.Millisecond)
	tx, err := w.client.Tx(ctx)
	if err != nil {
		return nil, lease, fmt.Errorf("claiming deliveries: %w", err)
	}
	q := tx.WebhookDelivery.Query().
		Where(
			webhookdelivery.StatusEQ(webhookevent.Pending),
			webhookdelivery.NextAttemptAtLTE(now),
			webhookdelivery.Or(webhookdelivery.LockedUntilIsNil(), webhookdelivery.LockedUntilLT(now)),
			webhookdelivery.HasWebhookWith(webhook.PausedAtIsNil()),
		).
		Order(ent.Asc(webhookdelivery.FieldNextAttemptAt), ent.Asc(webhookdelivery.FieldID)).
		Limit(w.o.Batch)
	if w.dialect == dialect.Postgres {
		// Rows another worker holds are left to it, not waited for.
		q.Modify(func(s *sql.Selector) { s.ForUpdate(sql.WithLockAction(sql.SkipLocked)) })
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, lease, rollback(tx, fmt.Errorf("claiming deliveries: %w", err))
	}
	if len(rows) == 0 {
		return nil, lease, rollback(tx, nil)
	}
	ids := make([]int, len(rows))
	for i, d := range rows {
		ids[i] = d.ID
	}
	if err := tx.WebhookDelivery.Update().Where(webhookdelivery.IDIn(ids...)).
		SetLockedUntil(lease).AddAttempts(1).Exec(ctx); err != nil {
		return nil, lease, rollback(tx, fmt.Errorf("claiming deliveries: %w", err))
	}
	if err := tx.Commit(); err != nil {
		return nil, lease, fmt.Errorf("claiming deliveries: %w", err)
	}
	// The webhooks are read after the claim: a URL or secret is never
	// changed, and a pause after it only stops the next attempt.
	hooks, err := w.client.Webhook.Query().Where(webhook.IDIn(webhookIDs(rows)...)).All(ctx)
	if err != nil {
		return nil, lease, fmt.Errorf("reading the claimed deliveries' webhooks: %w", err)
	}
	byID := make(map[int]*ent.Webhook, len(hooks))
	for _, h := range hooks {
		byID[h.ID] = h
	}
	out := rows[:0]
	for _, d := range rows {
		if h := byID[d.WebhookID]; h != nil { // deleted meanwhile: nothing to send
			d.Attempts++
			d.Edges.Webhook = h
			out = append(out, d)
		}
	}
	return out, lease, nil
}

func webhookIDs(rows []*ent.WebhookDelivery) []int {
	ids := make([]int, 0, len(rows))
	for _, d := range rows {
		ids = append(ids, d.WebhookID)
	}
	return ids
}

func rollback(tx *ent.Tx, err error) error {
	if rerr := tx.Rollback(); rerr != nil && err == nil {
		return fmt.Errorf("ending the claim: %w", rerr)
	}
	return err
}

// Deliver makes one attempt at a claimed delivery and records its
// outcome, unless ctx ended meanwhile: then the process is stopping, the
// outcome is unknown, and the row is claimed again when its lease ends
// (at least once, never at most once).
func (w *Worker) Deliver(ctx context.Context, d *ent.WebhookDelivery, lease time.Time) error {
	h := d.Edges.Webhook
	code, msg := w.attempt(ctx, h, d)
	if ctx.Err() != nil {
		return nil
	}
	return w.record(ctx, d, lease, code, msg)
}

// maxErrorBody is how much of a failed answer's body is kept as its
// error, for the organization to read.
const maxErrorBody = 300

// attempt POSTs the delivery and answers the status (0 without an
// answer) and, for a failure, why.
func (w *Worker) attempt(ctx context.Context, h *ent.Webhook, d *ent.WebhookDelivery) (int, string) {
	secret, err := w.sealer.Open(h.Secret)
	if err != nil {
		return 0, err.Error()
	}
	body := []byte(d.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, strings.NewReader(d.Payload))
	if err != nil {
		return 0, fmt.Sprintf("building the request: %v", err)
	}
	ts := time.Now()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "sscgraph-webhooks/1")
	req.Header.Set(HeaderID, d.EventID)
	req.Header.Set(HeaderEvent, string(d.Event))
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set(HeaderSignature, Sign(secret, ts, body))
	resp, err := w.o.HTTPClient.Do(req)
	if err != nil {
		return 0, describeSendError(err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // lets the connection be reused
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return resp.StatusCode, ""
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return resp.StatusCode, fmt.Sprintf("HTTP %d: redirects are not followed; register the final URL (Location: %s)", resp.StatusCode, resp.Header.Get("Location"))
	}
	msg := fmt.Sprintf("HTTP %d", resp.StatusCode)
	if s := strings.TrimSpace(strings.ToValidUTF8(string(snippet), "")); s != "" {
		msg += ": " + s
	}
	return resp.StatusCode, msg
}

// describeSendError words a failed request for the organization: the
// address refusal plainly, other errors as the client reports them.
func describeSendError(err error) string {
	if errors.Is(err, ErrForbiddenAddress) {
		msg := err.Error()
		if i := strings.Index(msg, ErrForbiddenAddress.Error()); i >= 0 {
			msg = msg[i:]
		}
		return "refused: " + msg
	}
	if errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "Client.Timeout") {
		return "no answer within the timeout"
	}
	return err.Error()
}

// backoff is the wait before attempt n+1 after n failed ones.
func (w *Worker) backoff(n int) time.Duration {
	d := w.o.BaseBackoff
	for i := 1; i < n && d < w.o.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, w.o.MaxBackoff)
	return d + time.Duration(rand.Int64N(int64(d)/5+1))
}

// record writes an attempt's outcome, if the row is still the claim's
// (a claim whose lease ran out may have been taken by another worker,
// whose outcome stands), and pauses the webhook that keeps failing.
func (w *Worker) record(ctx context.Context, d *ent.WebhookDelivery, lease time.Time, code int, msg string) error {
	ctx = asWorker(ctx)
	now := w.o.Now().UTC()
	tx, err := w.client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("recording delivery %d: %w", d.ID, err)
	}
	u := tx.WebhookDelivery.Update().
		Where(webhookdelivery.ID(d.ID), webhookdelivery.LockedUntilEQ(lease)).
		ClearLockedUntil()
	if code != 0 {
		u.SetResponseCode(code)
	} else {
		u.ClearResponseCode()
	}
	hu := tx.Webhook.UpdateOneID(d.WebhookID)
	if msg == "" {
		u.SetStatus(webhookevent.Delivered).SetDeliveredAt(now).SetLastError("")
		hu.SetConsecutiveFailures(0).ClearFailingSince()
	} else {
		u.SetLastError(msg)
		if d.Attempts >= w.o.MaxAttempts {
			u.SetStatus(webhookevent.Failed)
		} else {
			u.SetNextAttemptAt(now.Add(w.backoff(d.Attempts)))
		}
		hu.AddConsecutiveFailures(1)
	}
	n, err := u.Save(ctx)
	if err != nil {
		return rollback(tx, fmt.Errorf("recording delivery %d: %w", d.ID, err))
	}
	if n == 0 {
		return rollback(tx, nil) // another worker's now
	}
	h, err := hu.Save(ctx)
	if ent.IsNotFound(err) {
		return rollback(tx, nil) // deleted meanwhile
	}
	if err != nil {
		return rollback(tx, fmt.Errorf("recording delivery %d on its webhook: %w", d.ID, err))
	}
	if msg != "" {
		if h.FailingSince == nil {
			h.FailingSince = &now
			if err := tx.Webhook.UpdateOneID(h.ID).SetFailingSince(now).Exec(ctx); err != nil {
				return rollback(tx, fmt.Errorf("recording delivery %d on its webhook: %w", d.ID, err))
			}
		}
		if h.PausedAt == nil && (h.ConsecutiveFailures >= w.o.PauseAfter || now.Sub(*h.FailingSince) >= w.o.PauseAge) {
			reason := fmt.Sprintf("paused after %d failed attempts in a row since %s; the last: %s",
				h.ConsecutiveFailures, h.FailingSince.UTC().Format(time.RFC3339), msg)
			if err := tx.Webhook.UpdateOneID(h.ID).SetPausedAt(now).SetPausedReason(reason).Exec(ctx); err != nil {
				return rollback(tx, fmt.Errorf("pausing webhook %d: %w", h.ID, err))
			}
			w.o.Logger.Info("webhooks: paused a failing webhook", "webhook", h.ID, "organization", h.OrganizationID, "reason", reason)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("recording delivery %d: %w", d.ID, err)
	}
	return nil
}

// ScanExpiring writes POSTING_EXPIRING for each OPEN offer that expires
// within ExpiringWithin, once per offer and expiry date, for the webhooks
// of its provider that receive it. It answers how many events it wrote.
func (w *Worker) ScanExpiring(ctx context.Context) (int, error) {
	ctx = asWorker(ctx)
	now := w.o.Now().UTC()
	hooks, err := w.client.Webhook.Query().All(ctx)
	if err != nil {
		return 0, fmt.Errorf("reading webhooks: %w", err)
	}
	byOrg := map[int][]*ent.Webhook{}
	for _, h := range hooks {
		for _, e := range h.Events {
			if e == webhookevent.PostingExpiring {
				byOrg[h.OrganizationID] = append(byOrg[h.OrganizationID], h)
			}
		}
	}
	if len(byOrg) == 0 {
		return 0, nil
	}
	orgs := make([]int, 0, len(byOrg))
	for id := range byOrg {
		orgs = append(orgs, id)
	}
	offers, err := w.client.MatchOffer.Query().
		Where(matchoffer.ProviderIDIn(orgs...), matchoffer.StatusEQ(matchoffer.StatusOPEN),
			matchoffer.ExpiresAtGT(now), matchoffer.ExpiresAtLTE(now.Add(w.o.ExpiringWithin))).
		WithProvider().All(ctx)
	if err != nil {
		return 0, fmt.Errorf("reading expiring offers: %w", err)
	}
	written := 0
	for _, o := range offers {
		subject := fmt.Sprintf("MatchOffer:%d:%d", o.ID, o.ExpiresAt.Unix())
		for _, h := range byOrg[o.ProviderID] {
			n, err := w.writeExpiring(ctx, h, o, subject)
			if err != nil {
				return written, err
			}
			written += n
		}
	}
	return written, nil
}

// writeExpiring writes one POSTING_EXPIRING event unless the webhook has
// it already.
func (w *Worker) writeExpiring(ctx context.Context, h *ent.Webhook, o *ent.MatchOffer, subject string) (int, error) {
	tx, err := w.client.Tx(ctx)
	if err != nil {
		return 0, fmt.Errorf("writing an expiry event: %w", err)
	}
	seen, err := tx.WebhookDelivery.Query().Where(webhookdelivery.WebhookID(h.ID), webhookdelivery.Subject(subject)).Exist(ctx)
	if err != nil || seen {
		return 0, rollback(tx, err)
	}
	owner := webhookevent.Ref{ID: w.codec.Encode(o.ProviderID)}
	if p := o.Edges.Provider; p != nil {
		owner.Name = p.Name
	}
	body := webhookevent.Body{
		ID: schema.NewEventID(), Type: webhookevent.PostingExpiring, CreatedAt: w.o.Now().UTC().Truncate(time.Millisecond),
		Organization: owner,
		Posting: &webhookevent.Posting{
			Ref:  webhookevent.Ref{ID: w.codec.Encode(o.ID), Title: o.Title},
			Type: "MatchOffer", ExpiresAt: o.ExpiresAt.UTC(), Owner: owner,
		},
	}
	if err := schema.EnqueueWebhookEvent(ctx, tx.Client(), h.ID, body, subject); err != nil {
		return 0, rollback(tx, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("writing an expiry event: %w", err)
	}
	return 1, nil
}

// asWorker is the context of the worker's own writes: past the privacy
// rules, and marked as sscgraph's own bookkeeping, which the audit trail
// leaves out (a delivery's outcome is in webhookDeliveries).
func asWorker(ctx context.Context) context.Context {
	return viewer.WithSystem(privacy.DecisionContext(ctx, privacy.Allow), viewer.System{Name: "webhooks"})
}
