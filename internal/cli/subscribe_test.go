package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sscgraph/internal/pgtest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestSubscriptionsAcrossServers starts two serve processes on one
// PostgreSQL schema, subscribes to offerPosted on one, over server-sent
// events and over a WebSocket, creates an offer through the other, and
// checks that both subscribers receive it; then stops the first server
// with its streams open, which must end them rather than wait for them.
func TestSubscriptionsAcrossServers(t *testing.T) {
	env := map[string]string{"SSCGRAPH_DB": pgtest.EmptySchema(t), "SSCGRAPH_ID_SECRET": "two-servers-one-secret"}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// A's metrics say when its subscribers listen.
	metrics := freeAddr(t)
	envA := map[string]string{"SSCGRAPH_METRICS_ADDR": metrics}
	for k, v := range env {
		envA[k] = v
	}
	ctxA, stopA := context.WithCancel(ctx)
	defer stopA()
	a, doneA, err := startServe(ctxA, nil, envA)
	if err != nil {
		t.Fatal(err)
	}
	b, doneB, err := startServe(ctx, nil, env)
	if err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	if err := Run(ctx, []string{"key", "create", "--role", "EDITOR", "--db", env["SSCGRAPH_DB"]}, noEnv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	key := lines[len(lines)-1]

	const subscription = `subscription { offerPosted(where: {titleContainsFold: "across"}) { id title provider { name } } }`
	sse := subscribeSSE(t, a, subscription)
	ws := subscribeWS(t, a, subscription)
	waitGauge(t, "http://"+metrics+"/metrics", "sscgraph_subscriptions", 2)

	// The offer, created through B by an EDITOR.
	var org struct {
		Data struct {
			Organizations struct {
				Edges []struct{ Node struct{ ID, Name string } }
			}
		}
	}
	post(t, b, key, `{"query": "{ organizations(first: 1) { edges { node { id name } } } }"}`, &org)
	provider := org.Data.Organizations.Edges[0].Node
	var created struct {
		Data   struct{ CreateMatchOffer struct{ ID string } }
		Errors []any
	}
	post(t, b, key, `{"query": "mutation($in: CreateMatchOfferInput!) { createMatchOffer(input: $in) { id } }",
		"variables": {"in": {"title": "Written across servers", "kind": "FINANCIAL", "status": "OPEN", "providerID": "`+provider.ID+`"}}}`, &created)
	if len(created.Errors) > 0 || created.Data.CreateMatchOffer.ID == "" {
		t.Fatalf("createMatchOffer through B: %+v", created)
	}

	for name, events := range map[string]<-chan string{"SSE": sse, "WebSocket": ws} {
		var got struct {
			Data struct {
				OfferPosted struct {
					ID, Title string
					Provider  struct{ Name string }
				}
			}
		}
		select {
		case payload := <-events:
			if err := json.Unmarshal([]byte(payload), &got); err != nil {
				t.Fatalf("%s: %v: %s", name, err, payload)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: the offer written through B did not reach A's subscriber", name)
		}
		if o := got.Data.OfferPosted; o.ID != created.Data.CreateMatchOffer.ID || o.Title != "Written across servers" || o.Provider.Name != provider.Name {
			t.Errorf("%s: got %+v, want offer %s by %s", name, o, created.Data.CreateMatchOffer.ID, provider.Name)
		}
	}

	// Stopping A ends its streams at once.
	stopA()
	waitStopped(t, doneA)
	for name, events := range map[string]<-chan string{"SSE": sse, "WebSocket": ws} {
		select {
		case _, open := <-events:
			for open {
				_, open = <-events
			}
		case <-time.After(5 * time.Second):
			t.Errorf("%s: the stream outlived its server", name)
		}
	}
	cancel()
	waitStopped(t, doneB)
}

// post sends a GraphQL request with a key and decodes the answer into v.
func post(t *testing.T, base, key, body string, v any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// subscribeSSE posts a subscription for server-sent events and returns the
// data of its "next" events; the channel closes when the stream ends.
func subscribeSSE(t *testing.T, base, query string) <-chan string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	if ct := res.Header.Get("Content-Type"); res.StatusCode != http.StatusOK || ct != "text/event-stream" {
		t.Fatalf("SSE: status %d, Content-Type %q", res.StatusCode, ct)
	}
	out := make(chan string, 10)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				out <- data
			}
		}
	}()
	return out
}

// subscribeWS subscribes over graphql-transport-ws and returns the
// payloads of its "next" messages; the channel closes with the socket.
func subscribeWS(t *testing.T, base, query string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.CloseNow() })
	send := func(msg string) {
		if err := conn.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	send(`{"type":"connection_init"}`)
	if _, ack, err := conn.Read(ctx); err != nil || !strings.Contains(string(ack), "connection_ack") {
		t.Fatalf("connection_init: %s, %v", ack, err)
	}
	q, _ := json.Marshal(query)
	send(`{"id":"1","type":"subscribe","payload":{"query":` + string(q) + `}}`)
	out := make(chan string, 10)
	go func() {
		defer close(out)
		for {
			_, b, err := conn.Read(context.Background())
			if err != nil {
				return
			}
			var m struct {
				Type    string
				Payload json.RawMessage
			}
			if json.Unmarshal(b, &m) != nil {
				return
			}
			switch m.Type {
			case "ping":
				_ = conn.Write(context.Background(), websocket.MessageText, []byte(`{"type":"pong"}`))
			case "next":
				out <- string(m.Payload)
			}
		}
	}()
	return out
}

// waitGauge waits until a Prometheus gauge at url reads want.
func waitGauge(t *testing.T, url, name string, want int) {
	t.Helper()
	last := "nothing"
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		res, err := http.Get(url)
		if err != nil {
			last = err.Error()
			continue
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		for _, line := range strings.Split(string(body), "\n") {
			if v, ok := strings.CutPrefix(line, name+" "); ok {
				last = v
				if n, err := strconv.ParseFloat(v, 64); err == nil && int(n) == want {
					return
				}
			}
		}
	}
	t.Fatalf("%s is %s, want %d", name, last, want)
}

// TestSubscriptionFlagErrors checks that serve refuses limits on
// subscriptions that make no sense, from flags and from the environment.
func TestSubscriptionFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"negative per connection", []string{"serve", "--max-subscriptions-per-connection", "-1"}, nil, "--max-subscriptions-per-connection must not be negative"},
		{"negative per client from the environment", []string{"serve"}, map[string]string{"SSCGRAPH_MAX_SUBSCRIPTIONS_PER_CLIENT": "-5"}, "--max-subscriptions-per-client must not be negative"},
		{"no queue", []string{"serve", "--subscription-queue", "0"}, nil, "--subscription-queue must be at least 1"},
		{"negative lifetime", []string{"serve", "--subscription-lifetime", "-1s"}, nil, "--subscription-lifetime"},
		{"negative idle timeout from the environment", []string{"serve"}, map[string]string{"SSCGRAPH_SUBSCRIPTION_IDLE_TIMEOUT": "-1m"}, "--subscription-idle-timeout"},
		{"bad duration", []string{"serve", "--subscription-lifetime", "soon"}, nil, "invalid value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Run(context.Background(), tc.args, func(k string) string { return tc.env[k] }, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
			if code := ExitCode(err); code != 2 {
				t.Errorf("exit code = %d, want 2", code)
			}
		})
	}
}
