package server_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
	"sscgraph/internal/cli"
)

// keyEndWithin is the promise: a revoked or expired key's subscriptions
// end within this, on every process (the watch looks every second).
const keyEndWithin = 3 * time.Second

// TestKeyEndEndsSubscriptions: a key revoked through the API of another
// replica, revoked by `sscgraph key revoke` (the command's own database
// connection, as another process), or expired ends its subscriptions on every transport
// within seconds: WebSockets (both protocols, and one without
// subscriptions) close with 4403 UNAUTHENTICATED, an event stream ends
// with an UNAUTHENTICATED error and complete. Another key's subscription on the same replica goes on. On
// PostgreSQL the subscriptions are on replica b and the API revocation on
// replica a.
func TestKeyEndEndsSubscriptions(t *testing.T) {
	for _, b := range apitest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			dsn := b.Fresh(t)
			a := apitest.New(t, dsn)
			replica := a // SQLite is served by one process
			if b.Name == "postgres" {
				replica = apitest.New(t, dsn)
			}
			d := setupMatchData(t, a)
			_, admin, err := auth.Create(context.Background(), a.DB.Client, auth.CreateOptions{Role: auth.RoleAdmin})
			if err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				name      string
				expiresIn time.Duration
				end       func(t *testing.T, id int)
			}{
				{"revoked through the API of another replica", 0, func(t *testing.T, id int) {
					r := apitest.Caller{A: a, Key: admin}.Do(t, `mutation($id: ID!) { revokeAPIKey(id: $id) { revokedAt } }`, map[string]any{"id": a.Codec.Encode(id)})
					if len(r.Errors) > 0 || r.Str("revokeAPIKey.revokedAt") == "" {
						t.Fatalf("revokeAPIKey: %+v %+v", r.Data, r.Errors)
					}
				}},
				{"revoked by sscgraph key revoke", 0, func(t *testing.T, id int) {
					var out, errs bytes.Buffer
					args := []string{"key", "revoke", "--db", dsn, a.Codec.Encode(id)}
					if err := cli.Run(context.Background(), args, func(string) string { return "" }, &out, &errs); err != nil {
						t.Fatalf("sscgraph key revoke: %v\n%s", err, errs.String())
					}
					if !strings.HasPrefix(out.String(), "revoked ") {
						t.Fatalf("sscgraph key revoke printed %q, want revoked <ID>", out.String())
					}
				}},
				// Long enough to open the subscriptions on a busy machine.
				{"expired", 4 * time.Second, nil},
			} {
				t.Run(tc.name, func(t *testing.T) {
					testKeyEnd(t, a, replica, d, tc.expiresIn, tc.end)
				})
			}
		})
	}
}

func testKeyEnd(t *testing.T, a, replica *apitest.API, d matchData, expiresIn time.Duration, end func(t *testing.T, id int)) {
	rec, key, err := auth.Create(context.Background(), a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor, ExpiresIn: expiresIn})
	if err != nil {
		t.Fatal(err)
	}
	_, other, err := auth.Create(context.Background(), a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	payload := map[string]any{"Authorization": "Bearer " + key}
	ws, err := dialWS(t, replica, transportWS, nil, payload)
	if err != nil {
		t.Fatal(err)
	}
	legacy, err := dialWS(t, replica, legacyWS, nil, payload)
	if err != nil {
		t.Fatal(err)
	}
	// A WebSocket without subscriptions, its key in the upgrade's header:
	// its queries and mutations run with the key too.
	idle, err := dialWS(t, replica, transportWS, http.Header{"Authorization": {"Bearer " + key}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ws.subscribe(t, "1", offerPostedQuery, nil)
	legacy.subscribe(t, "a", offerPostedQuery, nil)
	sse := openSSE(t, replica, "Bearer "+key, offerPostedQuery, nil)
	control := openSSE(t, replica, "Bearer "+other, offerPostedQuery, nil)
	waitSubscribers(t, replica, 4)

	start := time.Now()
	if end != nil {
		end(t, rec.ID)
	} else {
		start = *rec.ExpiresAt
	}

	if m := sse.next(t); m.code() != "UNAUTHENTICATED" {
		t.Errorf("SSE: got %+v, want an UNAUTHENTICATED error", m)
	} else if reason, _ := m.Errors[0].Extensions["reason"].(string); reason != wantReason(end) {
		t.Errorf("SSE: reason %q, want %q", reason, wantReason(end))
	}
	if m := sse.next(t); m.Type != "complete" {
		t.Errorf("SSE: got %+v after the error, want complete", m)
	}
	for _, c := range []struct {
		name string
		c    *wsClient
	}{{"graphql-transport-ws", ws}, {"graphql-ws", legacy}, {"without subscriptions", idle}} {
		err := c.c.closeErr(t)
		var ce websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != 4403 || ce.Reason != "UNAUTHENTICATED" {
			t.Errorf("%s: closed with %v, want 4403 UNAUTHENTICATED", c.name, err)
		}
	}
	elapsed := time.Since(start)
	t.Logf("subscriptions ended %s after the key did", elapsed.Round(10*time.Millisecond))
	if elapsed > keyEndWithin {
		t.Errorf("subscriptions ended %s after the key did, want within %s", elapsed, keyEndWithin)
	}

	// The replica refuses the key at once, not after its cache's
	// lifetime, and the other key's subscription goes on.
	if _, r := replica.Send(t, "Bearer "+key, `{ regions(first: 1) { totalCount } }`, nil); r.Status != http.StatusUnauthorized {
		t.Errorf("a request with the ended key: status %d, want 401", r.Status)
	}
	waitSubscribers(t, replica, 1)
	id := d.createOffer(t, a, "Offer after the key ended", d.providerGID, d.topic)
	wantOffer(t, "the other key's subscription", control.next(t), id, "Offer after the key ended")
}

func wantReason(end func(*testing.T, int)) string {
	if end == nil {
		return "keyExpired"
	}
	return "keyRevoked"
}
