package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"sscgraph/internal/apitest"
	"sscgraph/internal/server"
)

// TestStreamCaps: past the cap of open WebSockets per address, or in
// total, an upgrade is refused at once (429 LIMIT_EXCEEDED, 503
// SERVICE_UNAVAILABLE) with a GraphQL error naming the limit, and a
// closed socket frees its place. Sockets and counting do not depend on the
// database: SQLite only.
func TestStreamCaps(t *testing.T) {
	for _, tt := range []struct {
		name              string
		total, perAddress int
		wantStatus        int
		wantCode, limit   string
	}{
		{"per address", 0, 3, http.StatusTooManyRequests, "LIMIT_EXCEEDED", "streamsPerAddress"},
		{"in total", 3, 0, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", "streams"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := server.DefaultConfig()
			cfg.Subscriptions.MaxStreams, cfg.Subscriptions.MaxStreamsPerAddress = tt.total, tt.perAddress
			a := apitest.NewWith(t, apitest.SQLiteCopy(t), cfg)
			var open []*wsClient
			for i := 0; i < 3; i++ {
				c, err := dialWS(t, a, transportWS, nil, nil)
				if err != nil {
					t.Fatalf("socket %d: %v", i+1, err)
				}
				open = append(open, c)
			}
			start := time.Now()
			status, body := dialRefused(t, a)
			if status != tt.wantStatus {
				t.Fatalf("4th socket: got status %d, want %d (body %s)", status, tt.wantStatus, body)
			}
			if took := time.Since(start); took > time.Second {
				t.Errorf("refusal took %v, want it at once", took)
			}
			var r apitest.Response
			if err := json.Unmarshal(body, &r); err != nil || len(r.Errors) != 1 {
				t.Fatalf("got body %q, want one GraphQL error", body)
			}
			if got := apitest.ErrCode(r); got != tt.wantCode || r.Errors[0].Extensions["limit"] != tt.limit {
				t.Errorf("got %s %v, want %s naming %s", got, r.Errors[0].Extensions, tt.wantCode, tt.limit)
			}
			// Closing one frees its place, once the server has seen it go.
			_ = open[0].conn.Close(websocket.StatusNormalClosure, "")
			deadline := time.Now().Add(5 * time.Second)
			for {
				c, err := dialWS(t, a, transportWS, nil, nil)
				if err == nil {
					_ = c.conn.CloseNow()
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("after closing one: %v, want a place", err)
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}

// dialRefused opens a WebSocket that must be refused, returning the HTTP
// status and body of the refusal.
func dialRefused(t *testing.T, a *apitest.API) (int, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), eventWait)
	defer cancel()
	conn, res, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(a.Srv.URL, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{transportWS}})
	if err == nil {
		_ = conn.CloseNow()
		t.Fatal("the socket was accepted, want it refused")
	}
	if res == nil {
		t.Fatalf("no HTTP answer: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, body
}

// TestWebSocketInitTimeout: a socket that does not send connection_init
// is closed after the init timeout, and its place is freed.
func TestWebSocketInitTimeout(t *testing.T) {
	cfg := server.DefaultConfig()
	cfg.Subscriptions.InitTimeout = 300 * time.Millisecond
	cfg.Subscriptions.MaxStreamsPerAddress = 1
	a := apitest.NewWith(t, apitest.SQLiteCopy(t), cfg)
	ctx, cancel := context.WithTimeout(t.Context(), eventWait)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(a.Srv.URL, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{transportWS}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	start := time.Now()
	_, _, err = conn.Read(ctx)
	took := time.Since(start)
	var ce websocket.CloseError
	if !errors.As(err, &ce) {
		t.Fatalf("got %v, want the server to close the socket", err)
	}
	if took > 2*time.Second {
		t.Errorf("closed after %v, want about 300ms", took)
	}
	if !strings.Contains(ce.Reason, "timeout") {
		t.Errorf("got close reason %q, want it to say timeout", ce.Reason)
	}
	// The only place of the address is free again.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := dialWS(t, a, transportWS, nil, nil)
		if err == nil {
			_ = c.conn.CloseNow()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the timeout: %v, want a place", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestStreamFlood replays the attack with the default settings: a
// thousand idle sockets from one address. Fifty are kept, the rest are
// refused at once with 429, an event stream from the same address is
// refused too, and the API still answers.
func TestStreamFlood(t *testing.T) {
	a := apitest.New(t, apitest.SQLiteCopy(t))
	perAddress := server.DefaultConfig().Subscriptions.MaxStreamsPerAddress
	url := "ws" + strings.TrimPrefix(a.Srv.URL, "http") + "/graphql"
	start := time.Now()
	accepted, refused := 0, 0
	for range 1000 {
		ctx, cancel := context.WithTimeout(t.Context(), eventWait)
		conn, res, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{transportWS}})
		cancel()
		switch {
		case err == nil:
			accepted++
			defer conn.CloseNow()
		case res != nil && res.StatusCode == http.StatusTooManyRequests:
			refused++
		default:
			t.Fatalf("socket %d: %v, want accepted or 429", accepted+refused+1, err)
		}
	}
	t.Logf("1000 sockets from one address in %v: %d accepted, %d refused", time.Since(start).Round(time.Millisecond), accepted, refused)
	if accepted != perAddress || refused != 1000-perAddress {
		t.Errorf("got %d accepted and %d refused, want %d and %d", accepted, refused, perAddress, 1000-perAddress)
	}
	s := openSSE(t, a, "", `subscription { offerPosted { id } }`, nil)
	if s.res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("got status %d for an event stream, want 429", s.res.StatusCode)
	}
	if r := a.Post(t, `{ countries(first: 1) { edges { node { code } } } }`, nil); len(r.Errors) > 0 || r.Str("countries.edges.0.node.code") == "" {
		t.Errorf("got %+v, want the API to answer", r.Errors)
	}
}
