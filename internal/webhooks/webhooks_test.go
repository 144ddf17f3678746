package webhooks_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sscgraph/internal/apitest"
	"sscgraph/internal/gid"
	"sscgraph/internal/server"
	"sscgraph/internal/webhooks"
)

// The webhook tests run the real API (apitest) and a real receiver
// (httptest) on each backend; the worker is driven step by step
// (RunOnce, ScanExpiring) with a clock of the test's, so that nothing
// waits on time.

// received is one request the receiver got.
type received struct {
	header http.Header
	body   []byte
}

// receiver is an endpoint that records what it gets and answers status.
type receiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	got    []received
	status atomic.Int32
	// hold, when set, makes the next request wait until the client gives
	// up; arrived is closed when that request came.
	hold    atomic.Bool
	arrived chan struct{}
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{arrived: make(chan struct{})}
	r.status.Store(http.StatusOK)
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{req.Header.Clone(), body})
		r.mu.Unlock()
		if r.hold.CompareAndSwap(true, false) {
			close(r.arrived)
			<-req.Context().Done() // the worker "dies" meanwhile
			return
		}
		w.WriteHeader(int(r.status.Load()))
		_, _ = io.WriteString(w, http.StatusText(int(r.status.Load())))
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) all() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// clock is the workers' clock, moved by the test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().Add(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// allowLoopback is the server configuration of tests whose receiver
// listens on 127.0.0.1 (serve --webhook-allow-private).
func allowLoopback() server.Config {
	cfg := server.DefaultConfig()
	cfg.WebhookAllowPrivate = true
	return cfg
}

func newWorker(t *testing.T, a *apitest.API, c *clock, o webhooks.Options) *webhooks.Worker {
	t.Helper()
	sealer, err := webhooks.NewSealer(gid.DefaultSecret)
	if err != nil {
		t.Fatal(err)
	}
	if o.Now == nil {
		o.Now = c.Now
	}
	return webhooks.New(a.DB.Client, a.DB.Dialect, sealer, a.Codec, o)
}

func runOnce(t *testing.T, w *webhooks.Worker) int {
	t.Helper()
	n, err := w.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	return n
}

const createWebhook = `mutation($url: String!, $events: [WebhookEvent!]!, $org: ID) {
	createWebhook(url: $url, events: $events, organization: $org) {
		secret webhook { id url events createdAt pausedAt pausedReason consecutiveFailures organization { id name } } } }`

// register registers url for events as caller and answers the webhook's
// ID and secret.
func register(t *testing.T, c apitest.Caller, u string, events ...string) (string, string) {
	t.Helper()
	r := c.Do(t, createWebhook, map[string]any{"url": u, "events": events})
	id, secret := r.Str("createWebhook.webhook.id"), r.Str("createWebhook.secret")
	if id == "" || !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("createWebhook: %+v %+v", r.Data, r.Errors)
	}
	return id, secret
}

const deliveriesQuery = `query($id: ID!) { webhookDeliveries(webhook: $id, first: 10) { totalCount
	edges { cursor node { eventId event status attempts lastError responseCode nextAttemptAt deliveredAt payload } } } }`

func deliveries(t *testing.T, c apitest.Caller, hookID string) []map[string]any {
	t.Helper()
	r := c.Do(t, deliveriesQuery, map[string]any{"id": hookID})
	if len(r.Errors) > 0 {
		t.Fatalf("webhookDeliveries: %+v", r.Errors)
	}
	var out []map[string]any
	for _, e := range r.List("webhookDeliveries.edges") {
		out = append(out, e.(map[string]any)["node"].(map[string]any))
	}
	return out
}

// body decodes a delivery's JSON body.
func body(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("body %q: %v", b, err)
	}
	return m
}

func dig(m map[string]any, path ...string) any {
	var v any = m
	for _, p := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[p]
	}
	return v
}

// verify checks a request as docs/match.md tells receivers to.
func verify(t *testing.T, secret string, r received) {
	t.Helper()
	ts, sig := r.header.Get("Webhook-Timestamp"), r.header.Get("Webhook-Signature")
	if !strings.HasPrefix(sig, "v1=") || !webhooks.Verify(secret, ts, sig, r.body, time.Now(), 5*time.Minute) {
		t.Errorf("signature %q over %s.%s does not verify", sig, ts, r.body)
	}
	if webhooks.Verify(secret+"x", ts, sig, r.body, time.Now(), 5*time.Minute) ||
		webhooks.Verify(secret, ts, sig, append(append([]byte(nil), r.body...), ' '), time.Now(), 5*time.Minute) {
		t.Errorf("signature %q verifies with another secret or body", sig)
	}
}

// TestWebhookDeliveredAfterCommit: a match's moves reach the webhooks of
// both parties that asked for them, after commit, signed, with one
// idempotency key per event; the secret is answered once.
func TestWebhookDeliveredAfterCommit(t *testing.T) {
	apitest.ForEachBackendWith(t, allowLoopback(), func(t *testing.T, a *apitest.API) {
		w := apitest.NewMatchWorld(t, a)
		seekerRecv, providerRecv := newReceiver(t), newReceiver(t)
		seekerHook, seekerSecret := register(t, w.Seeker, seekerRecv.srv.URL+"/hooks?org=seeker", "MATCH_PROPOSED", "MATCH_ACCEPTED")
		providerHook, providerSecret := register(t, w.Provider, providerRecv.srv.URL, "MATCH_PROPOSED")
		worker := newWorker(t, a, newClock(), webhooks.Options{AllowPrivate: true})

		r := w.Provider.Do(t, apitest.Propose, map[string]any{"n": w.Need(t), "o": w.Offer(t, nil)})
		matchID := r.Str("m.id")
		if matchID == "" {
			t.Fatalf("propose: %+v", r.Errors)
		}
		if n := len(seekerRecv.all()) + len(providerRecv.all()); n != 0 {
			t.Fatalf("%d requests before the worker ran", n)
		}
		if n := runOnce(t, worker); n != 2 {
			t.Fatalf("claimed %d deliveries, want 2 (one per party)", n)
		}
		for _, c := range []struct {
			recv   *receiver
			secret string
			org    string
		}{{seekerRecv, seekerSecret, w.SeekerOrg}, {providerRecv, providerSecret, w.ProviderOrg}} {
			got := c.recv.all()
			if len(got) != 1 {
				t.Fatalf("receiver got %d requests, want 1", len(got))
			}
			verify(t, c.secret, got[0])
			b := body(t, got[0].body)
			if b["type"] != "MATCH_PROPOSED" || dig(b, "match", "id") != matchID || dig(b, "match", "status") != "PROPOSED" ||
				dig(b, "organization", "id") != c.org || dig(b, "match", "provider", "id") != w.ProviderOrg || dig(b, "match", "seeker", "id") != w.SeekerOrg {
				t.Errorf("body %s", got[0].body)
			}
			if id := got[0].header.Get("Webhook-Id"); id == "" || id != b["id"] || got[0].header.Get("Webhook-Event") != "MATCH_PROPOSED" ||
				got[0].header.Get("Content-Type") != "application/json" {
				t.Errorf("headers %v, body id %v", got[0].header, b["id"])
			}
		}
		if got := seekerRecv.all()[0].header.Get("Webhook-Id"); got == providerRecv.all()[0].header.Get("Webhook-Id") {
			// One event, two endpoints: the key is the event's, and the
			// same for both (each dedupes its own).
		} else {
			t.Errorf("the two parties got the event with different keys: %s, %s", got, providerRecv.all()[0].header.Get("Webhook-Id"))
		}

		// Accepted: only the seeker asked for it.
		if r := w.Seeker.Do(t, apitest.Accept, map[string]any{"id": matchID}); len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		if n := runOnce(t, worker); n != 1 {
			t.Fatalf("claimed %d deliveries after accepting, want 1", n)
		}
		if got := seekerRecv.all(); len(got) != 2 || body(t, got[1].body)["type"] != "MATCH_ACCEPTED" || dig(body(t, got[1].body), "match", "status") != "ACCEPTED" {
			t.Errorf("seeker got %d requests, the last %s", len(got), got[len(got)-1].body)
		}
		if n := len(providerRecv.all()); n != 1 {
			t.Errorf("provider got %d requests, want 1 (it did not ask for MATCH_ACCEPTED)", n)
		}
		if n := runOnce(t, worker); n != 0 {
			t.Errorf("claimed %d deliveries again", n)
		}

		ds := deliveries(t, w.Seeker, seekerHook)
		if len(ds) != 2 || ds[0]["event"] != "MATCH_ACCEPTED" || ds[1]["event"] != "MATCH_PROPOSED" {
			t.Fatalf("seeker's deliveries, newest first: %v", ds)
		}
		for _, d := range ds {
			if d["status"] != "DELIVERED" || d["attempts"] != float64(1) || d["responseCode"] != float64(200) ||
				d["lastError"] != nil || d["nextAttemptAt"] != nil || d["deliveredAt"] == nil {
				t.Errorf("delivery %v", d)
			}
		}
		// Pages, newest first.
		page := `query($id: ID!, $after: Cursor) { webhookDeliveries(webhook: $id, first: 1, after: $after) {
			totalCount pageInfo { hasNextPage endCursor } edges { node { event } } } }`
		p1 := w.Seeker.Do(t, page, map[string]any{"id": seekerHook})
		p2 := w.Seeker.Do(t, page, map[string]any{"id": seekerHook, "after": p1.Str("webhookDeliveries.pageInfo.endCursor")})
		if p1.Num("webhookDeliveries.totalCount") != 2 || p1.Get("webhookDeliveries.pageInfo.hasNextPage") != true ||
			p1.Str("webhookDeliveries.edges.0.node.event") != "MATCH_ACCEPTED" || p2.Str("webhookDeliveries.edges.0.node.event") != "MATCH_PROPOSED" ||
			p2.Get("webhookDeliveries.pageInfo.hasNextPage") != false {
			t.Errorf("pages: %+v %+v / %+v %+v", p1.Data, p1.Errors, p2.Data, p2.Errors)
		}
		if d := deliveries(t, w.Provider, providerHook); len(d) != 1 {
			t.Errorf("provider's deliveries: %v", d)
		}

		// The secret is answered once: no field reads it again, and it is
		// not stored as given.
		if r := w.Seeker.Do(t, `{ webhooks { id secret } }`, nil); apitest.ErrCode(r) != "GRAPHQL_VALIDATION_FAILED" {
			t.Errorf("webhooks { secret }: %+v", r)
		}
		r = w.Seeker.Do(t, `{ webhooks { id url events organization { id } } }`, nil)
		if len(r.List("webhooks")) != 1 || r.Str("webhooks.0.id") != seekerHook || r.Str("webhooks.0.organization.id") != w.SeekerOrg ||
			r.Str("webhooks.0.url") != seekerRecv.srv.URL+"/hooks?org=seeker" {
			t.Errorf("seeker's webhooks: %+v %+v", r.Data, r.Errors)
		}
		stored := a.Column(t, "SELECT secret FROM webhooks")
		for _, s := range stored {
			if strings.Contains(s, seekerSecret[len("whsec_"):]) || strings.Contains(s, providerSecret[len("whsec_"):]) || !strings.HasPrefix(s, "v1:") {
				t.Errorf("stored secret %q: want it sealed", s)
			}
		}
	})
}

// TestWebhookRolledBackChangeWritesNothing: the outbox row is written in
// the mutation's transaction; a failure later in the same operation
// rolls it back with the match, and nothing is delivered.
func TestWebhookRolledBackChangeWritesNothing(t *testing.T) {
	apitest.ForEachBackendWith(t, allowLoopback(), func(t *testing.T, a *apitest.API) {
		w := apitest.NewMatchWorld(t, a)
		recv := newReceiver(t)
		register(t, w.Seeker, recv.srv.URL, "MATCH_PROPOSED")
		need, offer := w.Need(t), w.Offer(t, nil)
		// The second proposal of the same pair fails (one live match per
		// pair) after the first wrote its match and its event.
		r := w.Provider.Do(t, `mutation($n: ID!, $o: ID!) {
			first: proposeMatch(need: $n, offer: $o) { id }
			second: proposeMatch(need: $n, offer: $o) { id } }`, map[string]any{"n": need, "o": offer})
		if len(r.Errors) == 0 {
			t.Fatalf("the second proposal passed: %+v", r.Data)
		}
		if n := a.Count(t, "SELECT count(*) FROM matches WHERE live_pair IS NOT NULL AND need_id = $1", apitest.MustDecode(t, need)); n != 0 {
			t.Fatalf("%d matches left after the rollback", n)
		}
		if n := a.Count(t, "SELECT count(*) FROM webhook_deliveries"); n != 0 {
			t.Errorf("%d outbox rows left after the rollback", n)
		}
		if n := runOnce(t, newWorker(t, a, newClock(), webhooks.Options{AllowPrivate: true})); n != 0 || len(recv.all()) != 0 {
			t.Errorf("claimed %d, receiver got %d", n, len(recv.all()))
		}
		// The same proposal alone commits, and its event is written.
		if r := w.Provider.Do(t, apitest.Propose, map[string]any{"n": need, "o": offer}); len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		if n := a.Count(t, "SELECT count(*) FROM webhook_deliveries"); n != 1 {
			t.Errorf("%d outbox rows after the committed proposal, want 1", n)
		}
	})
}

// TestWebhookRetryAfterServerError: a 500 is retried after the backoff,
// with the same idempotency key, and the failure is visible meanwhile.
func TestWebhookRetryAfterServerError(t *testing.T) {
	apitest.ForEachBackendWith(t, allowLoopback(), func(t *testing.T, a *apitest.API) {
		w := apitest.NewMatchWorld(t, a)
		recv := newReceiver(t)
		recv.status.Store(http.StatusInternalServerError)
		hook, secret := register(t, w.Seeker, recv.srv.URL, "MATCH_PROPOSED")
		clk := newClock()
		worker := newWorker(t, a, clk, webhooks.Options{AllowPrivate: true})
		w.MatchIn(t, "PROPOSED")

		if n := runOnce(t, worker); n != 1 {
			t.Fatalf("claimed %d, want 1", n)
		}
		d := deliveries(t, w.Seeker, hook)[0]
		next, _ := time.Parse(time.RFC3339Nano, d["nextAttemptAt"].(string))
		if d["status"] != "PENDING" || d["attempts"] != float64(1) || d["responseCode"] != float64(500) ||
			!strings.HasPrefix(d["lastError"].(string), "HTTP 500") || next.Before(clk.Now().Add(30*time.Second)) || next.After(clk.Now().Add(37*time.Second)) {
			t.Errorf("after a 500: %v (clock %s)", d, clk.Now())
		}
		if n := runOnce(t, worker); n != 0 {
			t.Errorf("retried %d before the backoff", n)
		}
		recv.status.Store(http.StatusNoContent)
		clk.Add(40 * time.Second)
		if n := runOnce(t, worker); n != 1 {
			t.Fatalf("retry claimed %d, want 1", n)
		}
		got := recv.all()
		if len(got) != 2 || got[0].header.Get("Webhook-Id") != got[1].header.Get("Webhook-Id") || string(got[0].body) != string(got[1].body) {
			t.Fatalf("the retry is not the same event: %d requests", len(got))
		}
		verify(t, secret, got[1])
		d = deliveries(t, w.Seeker, hook)[0]
		if d["status"] != "DELIVERED" || d["attempts"] != float64(2) || d["responseCode"] != float64(204) || d["lastError"] != nil {
			t.Errorf("after the retry: %v", d)
		}
		r := w.Seeker.Do(t, `{ webhooks { consecutiveFailures pausedAt } }`, nil)
		if r.Num("webhooks.0.consecutiveFailures") != 0 || r.Get("webhooks.0.pausedAt") != nil {
			t.Errorf("webhook after a success: %+v", r.Data)
		}
	})
}

// TestWebhookWorkerKilledMidDelivery: a worker that stops while the
// receiver has the request (the process killed) records nothing; a new
// worker on the same database sends the event again once the claim's
// lease ends, with the same key.
func TestWebhookWorkerKilledMidDelivery(t *testing.T) {
	apitest.ForEachBackendWith(t, allowLoopback(), func(t *testing.T, a *apitest.API) {
		w := apitest.NewMatchWorld(t, a)
		recv := newReceiver(t)
		recv.hold.Store(true)
		hook, secret := register(t, w.Seeker, recv.srv.URL, "MATCH_PROPOSED")
		clk := newClock()
		w.MatchIn(t, "PROPOSED")

		ctx, kill := context.WithCancel(context.Background())
		done := make(chan struct{})
		first := newWorker(t, a, clk, webhooks.Options{AllowPrivate: true})
		go func() {
			defer close(done)
			_, _ = first.RunOnce(ctx)
		}()
		<-recv.arrived
		kill()
		<-done

		d := deliveries(t, w.Seeker, hook)[0]
		if d["status"] != "PENDING" || d["attempts"] != float64(1) || d["responseCode"] != nil {
			t.Errorf("after the kill: %v", d)
		}
		second := newWorker(t, a, clk, webhooks.Options{AllowPrivate: true})
		if n := runOnce(t, second); n != 0 {
			t.Errorf("claimed %d while the dead worker's lease holds", n)
		}
		clk.Add(2*time.Minute + time.Second) // the default lease
		if n := runOnce(t, second); n != 1 {
			t.Fatalf("the new worker claimed %d, want 1", n)
		}
		got := recv.all()
		if len(got) != 2 || got[0].header.Get("Webhook-Id") != got[1].header.Get("Webhook-Id") {
			t.Fatalf("receiver got %d requests; want the event twice with one key", len(got))
		}
		verify(t, secret, got[1])
		d = deliveries(t, w.Seeker, hook)[0]
		if d["status"] != "DELIVERED" || d["attempts"] != float64(2) {
			t.Errorf("after the new worker: %v", d)
		}
	})
}

// TestWebhookPausedAfterRepeatedFailures: a receiver that keeps failing
// is paused with the reason visible; resumeWebhook restarts it and what
// waited is delivered.
func TestWebhookPausedAfterRepeatedFailures(t *testing.T) {
	apitest.ForEachBackendWith(t, allowLoopback(), func(t *testing.T, a *apitest.API) {
		w := apitest.NewMatchWorld(t, a)
		recv := newReceiver(t)
		recv.status.Store(http.StatusServiceUnavailable)
		hook, _ := register(t, w.Seeker, recv.srv.URL, "MATCH_PROPOSED")
		clk := newClock()
		worker := newWorker(t, a, clk, webhooks.Options{AllowPrivate: true})
		w.MatchIn(t, "PROPOSED")

		for i := range 10 {
			if n := runOnce(t, worker); n != 1 {
				t.Fatalf("attempt %d claimed %d", i+1, n)
			}
			clk.Add(8 * time.Hour) // past the longest backoff
		}
		if n := runOnce(t, worker); n != 0 {
			t.Errorf("a paused webhook's delivery was claimed (%d)", n)
		}
		r := w.Seeker.Do(t, `{ webhooks { id pausedAt pausedReason consecutiveFailures } }`, nil)
		reason, _ := r.Get("webhooks.0.pausedReason").(string)
		if r.Get("webhooks.0.pausedAt") == nil || r.Num("webhooks.0.consecutiveFailures") != 10 ||
			!strings.Contains(reason, "10 failed attempts in a row") || !strings.Contains(reason, "HTTP 503") {
			t.Errorf("after 10 failures: %+v", r.Data)
		}
		d := deliveries(t, w.Seeker, hook)[0]
		if d["status"] != "PENDING" || d["attempts"] != float64(10) || d["responseCode"] != float64(503) || !strings.HasPrefix(d["lastError"].(string), "HTTP 503") {
			t.Errorf("the delivery: %v", d)
		}

		// Another organization's key cannot resume it.
		if r := w.Stranger.Do(t, `mutation($id: ID!) { resumeWebhook(id: $id) { id } }`, map[string]any{"id": hook}); apitest.ErrCode(r) != "FORBIDDEN" {
			t.Errorf("stranger resuming: %+v", r)
		}
		recv.status.Store(http.StatusOK)
		r = w.Seeker.Do(t, `mutation($id: ID!) { resumeWebhook(id: $id) { id pausedAt pausedReason consecutiveFailures } }`, map[string]any{"id": hook})
		if r.Str("resumeWebhook.id") != hook || r.Get("resumeWebhook.pausedAt") != nil || r.Get("resumeWebhook.pausedReason") != nil || r.Num("resumeWebhook.consecutiveFailures") != 0 {
			t.Fatalf("resumeWebhook: %+v %+v", r.Data, r.Errors)
		}
		if n := runOnce(t, worker); n != 1 {
			t.Fatalf("after resuming claimed %d", n)
		}
		if d := deliveries(t, w.Seeker, hook)[0]; d["status"] != "DELIVERED" || d["attempts"] != float64(11) {
			t.Errorf("after resuming: %v", d)
		}
		// The resume is audited under the seeker's key; the worker's
		// eleven records and the pause are its own bookkeeping, not.
		if n := a.Count(t, "SELECT count(*) FROM audit_events WHERE type = 'Webhook' AND operation = 'UPDATE'"); n != 1 {
			t.Errorf("%d audited webhook updates, want the resume alone", n)
		}
	})
}

// TestWebhookExpiringOffer: an OPEN offer expiring soon is reported once
// to its provider's webhooks.
func TestWebhookExpiringOffer(t *testing.T) {
	apitest.ForEachBackendWith(t, allowLoopback(), func(t *testing.T, a *apitest.API) {
		w := apitest.NewMatchWorld(t, a)
		recv := newReceiver(t)
		register(t, w.Provider, recv.srv.URL, "POSTING_EXPIRING")
		soon := w.Offer(t, map[string]any{"expiresAt": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)})
		w.Offer(t, map[string]any{"expiresAt": time.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339)})
		w.Offer(t, nil)
		worker := newWorker(t, a, newClock(), webhooks.Options{AllowPrivate: true})
		for i, want := range []int{1, 0} {
			n, err := worker.ScanExpiring(context.Background())
			if err != nil || n != want {
				t.Fatalf("scan %d wrote %d events (%v), want %d", i+1, n, err, want)
			}
		}
		if n := runOnce(t, worker); n != 1 {
			t.Fatalf("claimed %d", n)
		}
		b := body(t, recv.all()[0].body)
		if b["type"] != "POSTING_EXPIRING" || dig(b, "posting", "id") != soon || dig(b, "posting", "type") != "MatchOffer" ||
			dig(b, "organization", "id") != w.ProviderOrg || dig(b, "posting", "expiresAt") == nil {
			t.Errorf("body %s", recv.all()[0].body)
		}
	})
}

// TestWebhookAccess: MEMBER keys register and read their own
// organization's webhooks only; EDITOR keys name the organization;
// anonymous callers are refused; bad input is named.
func TestWebhookAccess(t *testing.T) {
	apitest.ForEachBackendWith(t, allowLoopback(), func(t *testing.T, a *apitest.API) {
		w := apitest.NewMatchWorld(t, a)
		u := "http://127.0.0.1:9/hook"
		cases := []struct {
			name   string
			caller apitest.Caller
			vars   map[string]any
			code   string
		}{
			{"member for another org", w.Stranger, map[string]any{"url": u, "events": []string{"MATCH_PROPOSED"}, "org": w.SeekerOrg}, "FORBIDDEN"},
			{"anonymous", apitest.Caller{A: a}, map[string]any{"url": u, "events": []string{"MATCH_PROPOSED"}}, "UNAUTHENTICATED"},
			{"editor without organization", w.Editor, map[string]any{"url": u, "events": []string{"MATCH_PROPOSED"}}, "BAD_USER_INPUT"},
			{"no events", w.Seeker, map[string]any{"url": u, "events": []string{}}, "BAD_USER_INPUT"},
			{"unknown event", w.Seeker, map[string]any{"url": u, "events": []string{"MATCH_EATEN"}}, "GRAPHQL_VALIDATION_FAILED"},
			{"organization of another type", w.Editor, map[string]any{"url": u, "events": []string{"MATCH_PROPOSED"}, "org": w.Country}, "BAD_USER_INPUT"},
		}
		for _, c := range cases {
			r := c.caller.Do(t, createWebhook, c.vars)
			if apitest.ErrCode(r) != c.code || r.Get("createWebhook") != nil {
				t.Errorf("%s: %+v, want %s", c.name, r.Errors, c.code)
			}
		}
		if n := a.Count(t, "SELECT count(*) FROM webhooks"); n != 0 {
			t.Fatalf("%d webhooks after refusals", n)
		}
		mine, _ := register(t, w.Seeker, u, "MATCH_PROPOSED")
		r := w.Editor.Do(t, createWebhook, map[string]any{"url": u, "events": []string{"MATCH_COMPLETED", "MATCH_COMPLETED"}, "org": w.ProviderOrg})
		if r.Str("createWebhook.webhook.organization.id") != w.ProviderOrg || len(r.List("createWebhook.webhook.events")) != 1 {
			t.Fatalf("editor for the provider: %+v %+v", r.Data, r.Errors)
		}
		if r := w.Stranger.Do(t, `{ webhooks { id } }`, nil); len(r.List("webhooks")) != 0 || len(r.Errors) > 0 {
			t.Errorf("stranger's webhooks: %+v", r)
		}
		if r := w.Editor.Do(t, `{ webhooks { id } }`, nil); len(r.List("webhooks")) != 2 {
			t.Errorf("editor's webhooks: %+v", r)
		}
		// A webhook's ID is a node's: ADMIN keys look it up, others read
		// null, as for API keys.
		node := `query($id: ID!) { node(id: $id) { id ... on Webhook { url organization { id } } } }`
		if r := w.Admin.Do(t, node, map[string]any{"id": mine}); r.Str("node.url") != u || r.Str("node.organization.id") != w.SeekerOrg {
			t.Errorf("node as ADMIN: %+v %+v", r.Data, r.Errors)
		}
		if r := w.Seeker.Do(t, node, map[string]any{"id": mine}); r.Get("node") != nil || len(r.Errors) > 0 {
			t.Errorf("node as MEMBER: %+v %+v", r.Data, r.Errors)
		}
		if r := w.Stranger.Do(t, deliveriesQuery, map[string]any{"id": mine}); apitest.ErrCode(r) != "FORBIDDEN" {
			t.Errorf("stranger reading the seeker's deliveries: %+v", r.Errors)
		}
		if r := w.Stranger.Do(t, `mutation($id: ID!) { deleteWebhook(id: $id) }`, map[string]any{"id": mine}); apitest.ErrCode(r) != "FORBIDDEN" {
			t.Errorf("stranger deleting: %+v", r.Errors)
		}
		if r := w.Seeker.Do(t, `mutation($id: ID!) { deleteWebhook(id: $id) }`, map[string]any{"id": mine}); r.Str("deleteWebhook") != mine {
			t.Errorf("deleting: %+v", r)
		}
		if r := w.Seeker.Do(t, `{ webhooks { id } }`, nil); len(r.List("webhooks")) != 0 {
			t.Errorf("after deleting: %+v", r)
		}
		// The audit trail has the two registrations and the deletion,
		// under their keys, and never the secret, sealed or not.
		if n := a.Count(t, "SELECT count(*) FROM audit_events WHERE type = 'Webhook' AND operation = 'CREATE' AND key_id IS NOT NULL"); n != 2 {
			t.Errorf("%d audited registrations, want 2", n)
		}
		if n := a.Count(t, "SELECT count(*) FROM audit_events WHERE type = 'Webhook' AND operation = 'DELETE' AND key_id IS NOT NULL"); n != 1 {
			t.Errorf("%d audited deletions, want 1", n)
		}
		rows, err := a.DB.SQL.Query("SELECT changes FROM audit_events WHERE type = 'Webhook'")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var changes string
			if err := rows.Scan(&changes); err != nil {
				t.Fatal(err)
			}
			var c map[string]map[string]any
			if err := json.Unmarshal([]byte(changes), &c); err != nil {
				t.Fatalf("changes %s: %v", changes, err)
			}
			if c["secret"] == nil || (c["secret"]["new"] != "[redacted]" && c["secret"]["old"] != "[redacted]") {
				t.Errorf("an audit event does not redact the secret: %s", changes)
			}
		}
	})
}

// TestWebhookForgeryRefusedAtRegistration: without
// --webhook-allow-private every internal address class is refused when
// the webhook is registered, and so are other schemes.
func TestWebhookForgeryRefusedAtRegistration(t *testing.T) {
	a := apitest.New(t, apitest.SQLiteCopy(t))
	w := apitest.NewMatchWorld(t, a)
	for _, u := range []string{
		"http://127.0.0.1:8080/hook",         // loopback
		"http://127.1.2.3/",                  // loopback
		"http://[::1]/",                      // loopback
		"http://localhost:8080/",             // loopback, by name
		"http://api.localhost/",              // loopback, by name
		"http://10.0.0.1/",                   // private
		"http://172.16.5.4/",                 // private
		"http://192.168.1.1/",                // private
		"http://[fd12:3456::1]/",             // ULA
		"http://169.254.169.254/latest/meta", // link-local: cloud metadata
		"http://[fe80::1]/",                  // link-local
		"http://0.0.0.0/",                    // unspecified
		"http://[::]/",                       // unspecified
		"http://224.0.0.1/",                  // multicast
		"http://[ff02::1]/",                  // multicast
		"http://100.64.0.1/",                 // CGNAT
		"http://[::ffff:127.0.0.1]/",         // IPv4-mapped loopback
		"http://[::ffff:169.254.169.254]/",   // IPv4-mapped metadata
		"http://[::ffff:10.0.0.1]/",          // IPv4-mapped private
		"http://[64:ff9b::a9fe:a9fe]/",       // NAT64 of the metadata address
		"ftp://example.org/",
		"file:///etc/passwd",
		"gopher://example.org/",
		"http://user:pw@203.0.114.1/",
		"example.org/hook",
	} {
		r := w.Seeker.Do(t, createWebhook, map[string]any{"url": u, "events": []string{"MATCH_PROPOSED"}})
		if apitest.ErrCode(r) != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "url" {
			t.Errorf("%s: %+v, want BAD_USER_INPUT on url", u, r.Errors)
		} else if !strings.HasPrefix(r.Errors[0].Message, "url: ") {
			t.Errorf("%s: message %q does not name url", u, r.Errors[0].Message)
		}
	}
	if n := a.Count(t, "SELECT count(*) FROM webhooks"); n != 0 {
		t.Errorf("%d webhooks registered", n)
	}
}

// TestWebhookForgeryRefusedAtDial: the address is checked again when the
// connection is made, after DNS resolution: a name that resolves to
// 127.0.0.1 (localhost) is refused by the dialer, whatever was checked at
// registration, and the refusal is what webhookDeliveries shows.
func TestWebhookForgeryRefusedAtDial(t *testing.T) {
	recv := newReceiver(t)
	u, _ := url.Parse(recv.srv.URL)
	byName := "http://localhost:" + u.Port() + "/hook"

	client := webhooks.NewHTTPClient(false, 5*time.Second)
	for _, target := range []string{byName, recv.srv.URL} {
		resp, err := client.Post(target, "application/json", strings.NewReader("{}"))
		if err == nil {
			resp.Body.Close()
			t.Errorf("%s: the dialer let it through", target)
		} else if !strings.Contains(err.Error(), "forbidden address") || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("%s: %v, want a refused loopback address", target, err)
		}
	}
	if n := len(recv.all()); n != 0 {
		t.Fatalf("receiver got %d requests", n)
	}
	// Allowed, the same client reaches it: the refusal was the check's.
	resp, err := webhooks.NewHTTPClient(true, 5*time.Second).Post(byName, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	// End to end: registered while allowed, delivered by a worker that
	// is not.
	a := apitest.NewWith(t, apitest.SQLiteCopy(t), allowLoopback())
	w := apitest.NewMatchWorld(t, a)
	hook, _ := register(t, w.Seeker, byName, "MATCH_PROPOSED")
	w.MatchIn(t, "PROPOSED")
	before := len(recv.all())
	if n := runOnce(t, newWorker(t, a, newClock(), webhooks.Options{})); n != 1 {
		t.Fatalf("claimed %d", n)
	}
	if len(recv.all()) != before {
		t.Errorf("the refused delivery reached the receiver")
	}
	d := deliveries(t, w.Seeker, hook)[0]
	if msg, _ := d["lastError"].(string); !strings.Contains(msg, "refused") || !strings.Contains(msg, "127.0.0.1 is a loopback address") ||
		d["responseCode"] != nil || d["status"] != "PENDING" {
		t.Errorf("the refused delivery: %v", d)
	}
}

// TestWebhookRedirectNotFollowed: a 3xx is a failed attempt; the
// Location is not requested.
func TestWebhookRedirectNotFollowed(t *testing.T) {
	target := newReceiver(t)
	redirect := httptest.NewServer(http.RedirectHandler(target.srv.URL+"/elsewhere", http.StatusFound))
	t.Cleanup(redirect.Close)
	a := apitest.NewWith(t, apitest.SQLiteCopy(t), allowLoopback())
	w := apitest.NewMatchWorld(t, a)
	hook, _ := register(t, w.Seeker, redirect.URL, "MATCH_PROPOSED")
	w.MatchIn(t, "PROPOSED")
	if n := runOnce(t, newWorker(t, a, newClock(), webhooks.Options{AllowPrivate: true})); n != 1 {
		t.Fatalf("claimed %d", n)
	}
	d := deliveries(t, w.Seeker, hook)[0]
	if msg, _ := d["lastError"].(string); d["responseCode"] != float64(302) || !strings.Contains(msg, "redirects are not followed") || len(target.all()) != 0 {
		t.Errorf("redirected delivery: %v; target got %d", d, len(target.all()))
	}
}

// TestWebhookClaimsAreDisjoint: workers claiming at once (replicas) never
// take the same delivery: on PostgreSQL the claim skips rows another
// holds (FOR UPDATE SKIP LOCKED), and a claimed row is leased.
func TestWebhookClaimsAreDisjoint(t *testing.T) {
	apitest.ForEachBackendWith(t, allowLoopback(), func(t *testing.T, a *apitest.API) {
		w := apitest.NewMatchWorld(t, a)
		recv := newReceiver(t)
		register(t, w.Seeker, recv.srv.URL, "MATCH_PROPOSED")
		const events = 6
		for range events {
			w.MatchIn(t, "PROPOSED")
		}
		clk := newClock()
		claimed := make([][]int, 3)
		var wg sync.WaitGroup
		errs := make([]error, len(claimed))
		for i := range claimed {
			worker := newWorker(t, a, clk, webhooks.Options{AllowPrivate: true, Batch: 4})
			wg.Go(func() {
				rows, _, err := worker.Claim(context.Background())
				errs[i] = err
				for _, d := range rows {
					claimed[i] = append(claimed[i], d.ID)
				}
			})
		}
		wg.Wait()
		seen := map[int]int{}
		for i, ids := range claimed {
			if errs[i] != nil && a.DB.Dialect != "sqlite3" {
				t.Errorf("worker %d: %v", i, errs[i])
			}
			for _, id := range ids {
				seen[id]++
			}
		}
		for id, n := range seen {
			if n > 1 {
				t.Errorf("delivery %d claimed by %d workers", id, n)
			}
		}
		if a.DB.Dialect == "postgres" && len(seen) != events {
			t.Errorf("claimed %d distinct deliveries, want %d (%v)", len(seen), events, claimed)
		}
	})
}
