package server_test

import (
	"context"
	"errors"
	"testing"

	"github.com/coder/websocket"

	"sscgraph/internal/apitest"
)

// TestTransportWSCloseCodes: on graphql-transport-ws, a subscribe whose id
// is running closes the connection with 4409 "Subscriber for <id> already
// exists", and a message the server cannot read with 4400, as the
// protocol says; gqlgen ignored the duplicate and closed malformed
// messages with 1000. An id is free again once its operation completed,
// from either side.
func TestTransportWSCloseCodes(t *testing.T) {
	a := apitest.New(t, apitest.SQLiteCopy(t))
	const sub = `subscription { offerPosted { id } }`
	for _, tt := range []struct {
		name       string
		send       func(t *testing.T, c *wsClient)
		wantStatus websocket.StatusCode
		wantReason string
	}{
		{"duplicate id", func(t *testing.T, c *wsClient) {
			c.subscribe(t, "1", sub, nil)
			c.subscribe(t, "1", sub, nil)
		}, 4409, "Subscriber for 1 already exists"},
		{"not JSON", func(t *testing.T, c *wsClient) {
			if err := c.conn.Write(context.Background(), websocket.MessageText, []byte(`{"type": "subscribe", `)); err != nil {
				t.Fatal(err)
			}
		}, 4400, "Invalid message received: not a JSON object"},
		{"unknown type", func(t *testing.T, c *wsClient) {
			c.send(t, map[string]any{"type": "start", "id": "1", "payload": map[string]any{"query": sub}})
		}, 4400, `Invalid message received: unknown type "start"`},
		{"subscribe without an id", func(t *testing.T, c *wsClient) {
			c.send(t, map[string]any{"type": "subscribe", "payload": map[string]any{"query": sub}})
		}, 4400, "Invalid message received: subscribe needs an id and a payload"},
		{"subscribe without a payload", func(t *testing.T, c *wsClient) {
			c.send(t, map[string]any{"type": "subscribe", "id": "1"})
		}, 4400, "Invalid message received: subscribe needs an id and a payload"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := dialWS(t, a, transportWS, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			tt.send(t, c)
			err = c.closeErr(t)
			var ce websocket.CloseError
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a close frame", err)
			}
			if ce.Code != tt.wantStatus || ce.Reason != tt.wantReason {
				t.Errorf("got close %d %q, want %d %q", ce.Code, ce.Reason, tt.wantStatus, tt.wantReason)
			}
		})
	}

	t.Run("id reused after complete", func(t *testing.T) {
		c, err := dialWS(t, a, transportWS, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		// An operation that ends by itself: the server's complete frees
		// the id.
		first := c.subscribe(t, "q", `{ __typename }`, nil)
		if m := first.next(t); m.Type != "next" {
			t.Fatalf("got %s, want next", m.Type)
		}
		if m := first.next(t); m.Type != "complete" {
			t.Fatalf("got %s, want complete", m.Type)
		}
		again := c.subscribe(t, "q", `{ __typename }`, nil)
		if m := again.next(t); m.Type != "next" || m.str("__typename") != "Query" {
			t.Fatalf("got %+v, want next with __typename Query", m)
		}
		// A subscription the client completes frees its id too.
		s := c.subscribe(t, "s", sub, nil)
		waitSubscribers(t, a, 1)
		s.stop(t)
		waitSubscribers(t, a, 0)
		c.subscribe(t, "s", sub, nil)
		waitSubscribers(t, a, 1)
		select {
		case <-c.closed:
			t.Fatalf("the connection closed: %v", c.err)
		default:
		}
	})
}
