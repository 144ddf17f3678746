package tracing_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"sscgraph/internal/apitest"
)

// TestTraceWebSocket: a WebSocket upgrades through the tracing
// middleware, and the operations it carries record under its request
// span, which ends when the connection closes.
func TestTraceWebSocket(t *testing.T) {
	a, rec := tracedAPI(t, apitest.SQLiteCopy(t))
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(a.Srv.URL, "http")+"/graphql", &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"},
		HTTPHeader:   http.Header{"Traceparent": {traceparent}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	send := func(msg string) {
		if err := conn.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	read := func() map[string]any {
		_, b, err := conn.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	send(`{"type":"connection_init"}`)
	if m := read(); m["type"] != "connection_ack" {
		t.Fatalf("got %v, want connection_ack", m)
	}
	send(`{"id":"1","type":"subscribe","payload":{"query":"query OverWS { regions(first: 1) { edges { node { code } } } }"}}`)
	if m := read(); m["type"] != "next" {
		t.Fatalf("got %v, want next", m)
	}
	if m := read(); m["type"] != "complete" {
		t.Fatalf("got %v, want complete", m)
	}
	_ = conn.Close(websocket.StatusNormalClosure, "")

	// The request's span ends once the server has seen the close.
	var request sdktrace.ReadOnlySpan
	for deadline := time.Now().Add(10 * time.Second); request == nil && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for _, s := range rec.Ended() {
			if s.SpanKind() == trace.SpanKindServer {
				request = s
			}
		}
	}
	if request == nil {
		t.Fatal("the WebSocket's request span did not end")
	}
	if request.Name() != "query OverWS" || request.Parent().SpanID().String() != remoteSpanID {
		t.Errorf("request span %q under %s", request.Name(), request.Parent().SpanID())
	}
	if got := attrs(request)["http.response.status_code"].AsInt64(); got != http.StatusSwitchingProtocols {
		t.Errorf("status %d, want 101", got)
	}
	var resolver sdktrace.ReadOnlySpan
	for _, s := range rec.Ended() {
		if s.Name() == "Query.regions" {
			resolver = s
		}
	}
	if resolver == nil || resolver.Parent().SpanID() != request.SpanContext().SpanID() {
		t.Fatalf("Query.regions %v, want it under the request span", resolver)
	}
	for _, s := range rec.Ended() {
		if s.SpanKind() == trace.SpanKindClient && s.Parent().SpanID() != resolver.SpanContext().SpanID() {
			t.Errorf("statement %q not under Query.regions", attrs(s)["db.query.text"].AsString())
		}
	}
}
