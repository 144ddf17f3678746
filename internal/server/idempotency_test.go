package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
)

const createConsultant = `mutation($name: String!) { createConsultant(input: {name: $name}) { id name } }`

// replayed returns the idempotency extension of an answer.
func replayed(r apitest.Response) (bool, string) {
	ext, _ := r.Extensions["idempotency"].(map[string]any)
	ok, _ := ext["replayed"].(bool)
	id, _ := ext["requestId"].(string)
	return ok, id
}

// TestIdempotencyKey: a mutation retried with the same Idempotency-Key is
// answered with the first outcome (the same object, the first request's
// ID) and writes nothing more; the same key with another request is
// refused; keys belong to one client; a failed mutation records nothing;
// an expired key runs again; malformed keys, a key sent twice and a key
// on an event stream are refused with 400 before anything runs.
func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testIdempotencyKey)
}

func testIdempotencyKey(t *testing.T, a *apitest.API) {
	editor, other := apitest.NewKey(t, a, auth.RoleEditor), apitest.NewKey(t, a, auth.RoleEditor)
	admin := apitest.NewKey(t, a, auth.RoleAdmin)
	with := func(key, idem string) map[string]string {
		return map[string]string{"Authorization": key, "Idempotency-Key": idem}
	}
	consultants := func(name string) int {
		return a.Count(t, `SELECT COUNT(*) FROM consultants WHERE name = '`+name+`'`)
	}

	t.Run("a retry answers the first outcome", func(t *testing.T) {
		h, first := apitest.SendWith(t, a, with(editor, "retry-1"), createConsultant, map[string]any{"name": "Idem One"})
		id := first.Str("createConsultant.id")
		if len(first.Errors) > 0 || id == "" {
			t.Fatalf("first: %+v", first.Errors)
		}
		if ok, _ := replayed(first); ok {
			t.Errorf("first: marked replayed")
		}
		for i := range 2 {
			_, again := apitest.SendWith(t, a, with(editor, "retry-1"), createConsultant, map[string]any{"name": "Idem One"})
			ok, reqID := replayed(again)
			if got := again.Str("createConsultant.id"); len(again.Errors) > 0 || got != id || !ok {
				t.Errorf("retry %d: got id %q replayed %v (%+v), want id %q replayed", i, got, ok, again.Errors, id)
			}
			if reqID != h.Get("X-Request-ID") {
				t.Errorf("retry %d: requestId %q, want the first request's %q", i, reqID, h.Get("X-Request-ID"))
			}
		}
		if got := consultants("Idem One"); got != 1 {
			t.Errorf("got %d consultants written, want 1", got)
		}
		// The request ID a replay names finds the write in the audit trail.
		_, r := a.Send(t, admin, `query($r: String!) { auditEvents(where: {requestID: $r}) { totalCount edges { node { type nodeID } } } }`,
			map[string]any{"r": h.Get("X-Request-ID")})
		if r.Num("auditEvents.totalCount") != 1 || r.Str("auditEvents.edges.0.node.nodeID") != id {
			t.Errorf("audit events of the request: %v %+v, want the one creating %s", r.Get("auditEvents"), r.Errors, id)
		}
	})

	t.Run("the same key with another request is refused", func(t *testing.T) {
		_, r := apitest.SendWith(t, a, with(editor, "retry-1"), createConsultant, map[string]any{"name": "Idem Other"})
		if apitest.ErrCode(r) != "BAD_USER_INPUT" || r.Errors[0].Extensions["reason"] != "IDEMPOTENCY_KEY_REUSED" || r.Errors[0].Extensions["field"] != "Idempotency-Key" {
			t.Errorf("got %+v, want BAD_USER_INPUT IDEMPOTENCY_KEY_REUSED on Idempotency-Key", r.Errors)
		}
		if got := consultants("Idem Other"); got != 0 {
			t.Errorf("got %d consultants written, want 0", got)
		}
	})

	t.Run("keys belong to one client", func(t *testing.T) {
		_, r := apitest.SendWith(t, a, with(other, "retry-1"), createConsultant, map[string]any{"name": "Idem One"})
		if ok, _ := replayed(r); len(r.Errors) > 0 || ok {
			t.Errorf("another key's request: replayed %v, errors %+v, want a new write", ok, r.Errors)
		}
		if got := consultants("Idem One"); got != 2 {
			t.Errorf("got %d consultants, want 2", got)
		}
	})

	t.Run("a failed mutation records nothing", func(t *testing.T) {
		before := a.Count(t, `SELECT COUNT(*) FROM idempotency_records`)
		_, r := apitest.SendWith(t, a, with(editor, "fails"), createConsultant, map[string]any{"name": ""})
		if apitest.ErrCode(r) != "BAD_USER_INPUT" {
			t.Fatalf("empty name: got %+v, want BAD_USER_INPUT", r.Errors)
		}
		if after := a.Count(t, `SELECT COUNT(*) FROM idempotency_records`); after != before {
			t.Errorf("got %d records, want %d", after, before)
		}
	})

	t.Run("an expired key runs again", func(t *testing.T) {
		_, first := apitest.SendWith(t, a, with(editor, "expires"), createConsultant, map[string]any{"name": "Idem Expired"})
		if len(first.Errors) > 0 {
			t.Fatal(first.Errors)
		}
		if _, err := a.DB.SQL.Exec(`UPDATE idempotency_records SET expires_at = created_at`); err != nil {
			t.Fatal(err)
		}
		_, again := apitest.SendWith(t, a, with(editor, "expires"), createConsultant, map[string]any{"name": "Idem Expired"})
		if ok, _ := replayed(again); len(again.Errors) > 0 || ok || again.Str("createConsultant.id") == first.Str("createConsultant.id") {
			t.Errorf("after expiry: replayed %v, %+v, want a new write", ok, again.Errors)
		}
		if got := consultants("Idem Expired"); got != 2 {
			t.Errorf("got %d consultants, want 2", got)
		}
	})

	t.Run("malformed keys", func(t *testing.T) {
		for _, tc := range []struct{ name, key string }{
			{"empty", ""},
			{"too long", strings.Repeat("k", 256)},
			{"a space", "two words"},
			{"not ASCII", "clé"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, r := apitest.SendWith(t, a, with(editor, tc.key), createConsultant, map[string]any{"name": "Idem Malformed"})
				if r.Status != http.StatusBadRequest || apitest.ErrCode(r) != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "Idempotency-Key" {
					t.Errorf("got status %d %+v, want 400 BAD_USER_INPUT on Idempotency-Key", r.Status, r.Errors)
				}
			})
		}
		if got := consultants("Idem Malformed"); got != 0 {
			t.Errorf("got %d consultants written, want 0", got)
		}
	})

	t.Run("a key on a stream, or sent twice", func(t *testing.T) {
		for _, tc := range []struct {
			name    string
			headers map[string]string
		}{
			{"event stream", map[string]string{"Accept": "text/event-stream"}},
			{"sent twice", nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				body, _ := json.Marshal(map[string]any{"query": createConsultant, "variables": map[string]any{"name": "Idem Stream"}})
				req, err := http.NewRequest(http.MethodPost, a.Srv.URL+"/graphql", bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", editor)
				req.Header.Add("Idempotency-Key", "stream-1")
				if tc.headers == nil {
					req.Header.Add("Idempotency-Key", "stream-2")
				}
				for k, v := range tc.headers {
					req.Header.Set(k, v)
				}
				res, err := a.Srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				r := apitest.Response{Status: res.StatusCode}
				if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
					t.Fatal(err)
				}
				if r.Status != http.StatusBadRequest || apitest.ErrCode(r) != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "Idempotency-Key" {
					t.Errorf("got status %d %+v, want 400 BAD_USER_INPUT on Idempotency-Key", r.Status, r.Errors)
				}
			})
		}
		if got := consultants("Idem Stream"); got != 0 {
			t.Errorf("got %d consultants written, want 0", got)
		}
	})
}

// TestIdempotencyKeyConcurrent: requests with one key sent at once write
// once; every one is answered with that write (the others wait for it at
// the record's unique key, then replay it).
func TestIdempotencyKeyConcurrent(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testIdempotencyKeyConcurrent)
}

func testIdempotencyKeyConcurrent(t *testing.T, a *apitest.API) {
	editor := apitest.NewKey(t, a, auth.RoleEditor)
	const n = 8
	for round := range 3 {
		name := fmt.Sprintf("Idem Concurrent %d", round)
		headers := map[string]string{"Authorization": editor, "Idempotency-Key": fmt.Sprintf("concurrent-%d", round)}
		var wg sync.WaitGroup
		answers := make([]apitest.Response, n)
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, answers[i] = apitest.SendWith(t, a, headers, createConsultant, map[string]any{"name": name})
			}()
		}
		close(start)
		wg.Wait()
		ids := map[string]int{}
		replays := 0
		for i, r := range answers {
			if len(r.Errors) > 0 {
				t.Errorf("round %d, request %d: %+v", round, i, r.Errors)
				continue
			}
			ids[r.Str("createConsultant.id")]++
			if ok, _ := replayed(r); ok {
				replays++
			}
		}
		if len(ids) != 1 || replays != n-1 {
			t.Errorf("round %d: answers named %v with %d replays, want one ID and %d replays", round, ids, replays, n-1)
		}
		if got := a.Count(t, `SELECT COUNT(*) FROM consultants WHERE name = '`+name+`'`); got != 1 {
			t.Errorf("round %d: got %d consultants written, want 1", round, got)
		}
	}
}

// TestAuditEventsCarryTheRequestID: every audit event of a mutation
// records the request's ID (the client's X-Request-ID, or the one the
// response names), so a client that lost the answer can find what it
// wrote with auditEvents(where: {requestID:}); sscgraph's own commands
// record none.
func TestAuditEventsCarryTheRequestID(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testAuditEventsCarryTheRequestID)
}

func testAuditEventsCarryTheRequestID(t *testing.T, a *apitest.API) {
	editor, admin := apitest.NewKey(t, a, auth.RoleEditor), apitest.NewKey(t, a, auth.RoleAdmin)
	two := `mutation { a: createConsultant(input: {name: "Audit Req A"}) { id } b: createConsultant(input: {name: "Audit Req B"}) { id } }`
	_, generated := apitest.SendWith(t, a, map[string]string{"Authorization": editor}, createConsultant, map[string]any{"name": "Audit Req C"})
	h, _ := apitest.SendWith(t, a, map[string]string{"Authorization": editor}, createConsultant, map[string]any{"name": "Audit Req D"})
	if len(generated.Errors) > 0 {
		t.Fatal(generated.Errors)
	}
	events := `query($r: String!) { auditEvents(where: {requestID: $r}) { totalCount edges { node { requestID nodeID } } } }`
	for _, tc := range []struct {
		name      string
		requestID string
		send      func() apitest.Response
		want      int
	}{
		{"the client's X-Request-ID, two writes", "client-chosen.42", func() apitest.Response {
			_, r := apitest.SendWith(t, a, map[string]string{"Authorization": editor, "X-Request-ID": "client-chosen.42"}, two, nil)
			return r
		}, 2},
		{"the server's request ID", h.Get("X-Request-ID"), nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.send != nil {
				if r := tc.send(); len(r.Errors) > 0 {
					t.Fatal(r.Errors)
				}
			}
			_, r := a.Send(t, admin, events, map[string]any{"r": tc.requestID})
			if got := r.Num("auditEvents.totalCount"); got != tc.want || len(r.Errors) > 0 {
				t.Fatalf("got %d events (%+v), want %d", got, r.Errors, tc.want)
			}
			for i := range tc.want {
				if got := r.Str(fmt.Sprintf("auditEvents.edges.%d.node.requestID", i)); got != tc.requestID {
					t.Errorf("event %d: requestID %q, want %q", i, got, tc.requestID)
				}
			}
		})
	}
	// Keys made by the command line (auth.Create, above) carry none.
	_, r := a.Send(t, admin, `{ cli: auditEvents(where: {via: "CLI"}) { totalCount } none: auditEvents(where: {via: "CLI", requestIDIsNil: true}) { totalCount } }`, nil)
	if cli, none := r.Num("cli.totalCount"), r.Num("none.totalCount"); cli == 0 || cli != none {
		t.Errorf("command-line events: %d, %d of them without a request ID (%+v), want all of at least one", cli, none, r.Errors)
	}
}
