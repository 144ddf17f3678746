package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
	"sscgraph/internal/server"
)

// The subscriptions' tests talk to the real handler over a real socket:
// WebSocket clients of both subprotocols (wsClient, on
// github.com/coder/websocket) and server-sent events read with net/http
// (sseStream). Whether an event must not arrive is checked without
// waiting for nothing: a later sentinel event that the subscriber must
// receive next proves that nothing came before it.

// eventWait bounds the wait for an event that must come.
const eventWait = 10 * time.Second

// message is one answer on a subscription: "next" (graphql-ws "data"),
// "error" or "complete".
type message struct {
	Type   string
	Data   map[string]any
	Errors []apitest.GQLError
}

func (m message) str(path string) string { return apitest.Response{Data: m.Data}.Str(path) }

// code is the code of the message's first error, or "".
func (m message) code() string {
	if len(m.Errors) == 0 {
		return ""
	}
	c, _ := m.Errors[0].Extensions["code"].(string)
	return c
}

func (m message) limit() string {
	if len(m.Errors) == 0 {
		return ""
	}
	l, _ := m.Errors[0].Extensions["limit"].(string)
	return l
}

// stream is what the tests read subscriptions from, whatever the
// transport.
type stream interface {
	next(t *testing.T) message
}

// wsClient is a GraphQL client over WebSocket: graphql-transport-ws, or
// the legacy graphql-ws.
type wsClient struct {
	conn     *websocket.Conn
	protocol string

	mu     sync.Mutex
	subs   map[string]chan message
	closed chan struct{}
	err    error // why the connection closed
}

const (
	transportWS = "graphql-transport-ws"
	legacyWS    = "graphql-ws"
)

// dialWS opens a connection and sends connection_init with payload,
// returning the connection once acknowledged, or the close error.
func dialWS(t *testing.T, a *apitest.API, protocol string, header http.Header, payload map[string]any) (*wsClient, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), eventWait)
	defer cancel()
	conn, res, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(a.Srv.URL, "http")+"/graphql", &websocket.DialOptions{
		Subprotocols: []string{protocol},
		HTTPHeader:   header,
	})
	if err != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		return nil, fmt.Errorf("dial (status %d): %w", status, err)
	}
	if got := conn.Subprotocol(); got != protocol {
		t.Fatalf("negotiated %q, want %q", got, protocol)
	}
	c := &wsClient{conn: conn, protocol: protocol, subs: map[string]chan message{}, closed: make(chan struct{})}
	t.Cleanup(func() { _ = conn.CloseNow() })
	acked := make(chan struct{})
	go c.read(acked)
	c.send(t, map[string]any{"type": "connection_init", "payload": payload})
	select {
	case <-acked:
		return c, nil
	case <-c.closed:
		return nil, c.err
	case <-ctx.Done():
		t.Fatal("no connection_ack")
	}
	return nil, nil
}

func (c *wsClient) send(t *testing.T, msg map[string]any) {
	t.Helper()
	b, err := json.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), eventWait)
	defer cancel()
	if err := c.conn.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatalf("sending %s: %v", msg["type"], err)
	}
}

// read dispatches what the server sends to each subscription's channel,
// answering pings as a client must.
func (c *wsClient) read(acked chan struct{}) {
	defer close(c.closed)
	for {
		_, b, err := c.conn.Read(context.Background())
		if err != nil {
			c.err = err
			return
		}
		var m struct {
			ID      string          `json:"id"`
			Type    string          `json:"type"`
			Payload json.RawMessage `json:"payload"`
		}
		if err := json.Unmarshal(b, &m); err != nil {
			c.err = fmt.Errorf("not JSON: %q", b)
			return
		}
		var msg message
		switch m.Type {
		case "connection_ack":
			close(acked)
			continue
		case "ka", "pong":
			continue
		case "ping":
			_ = c.conn.Write(context.Background(), websocket.MessageText, []byte(`{"type":"pong"}`))
			continue
		case "next", "data":
			var p struct {
				Data   map[string]any     `json:"data"`
				Errors []apitest.GQLError `json:"errors"`
			}
			_ = json.Unmarshal(m.Payload, &p)
			msg = message{Type: "next", Data: p.Data, Errors: p.Errors}
		case "error":
			msg = message{Type: "error"}
			if json.Unmarshal(m.Payload, &msg.Errors) != nil {
				var one apitest.GQLError // graphql-ws sends one error
				_ = json.Unmarshal(m.Payload, &one)
				msg.Errors = []apitest.GQLError{one}
			}
		case "complete":
			msg = message{Type: "complete"}
		default:
			c.err = fmt.Errorf("unexpected message %s", b)
			return
		}
		c.queue(m.ID) <- msg
	}
}

func (c *wsClient) queue(id string) chan message {
	c.mu.Lock()
	defer c.mu.Unlock()
	q, ok := c.subs[id]
	if !ok {
		q = make(chan message, 100)
		c.subs[id] = q
	}
	return q
}

// subscribe starts an operation and returns its stream.
func (c *wsClient) subscribe(t *testing.T, id, query string, vars map[string]any) *wsSub {
	t.Helper()
	typ := "subscribe"
	if c.protocol == legacyWS {
		typ = "start"
	}
	c.queue(id)
	c.send(t, map[string]any{"id": id, "type": typ, "payload": map[string]any{"query": query, "variables": vars}})
	return &wsSub{c: c, id: id}
}

// closeErr waits for the connection to close and returns its close error.
func (c *wsClient) closeErr(t *testing.T) error {
	t.Helper()
	select {
	case <-c.closed:
		return c.err
	case <-time.After(eventWait):
		t.Fatal("the connection did not close")
	}
	return nil
}

type wsSub struct {
	c  *wsClient
	id string
}

func (s *wsSub) next(t *testing.T) message {
	t.Helper()
	select {
	case m := <-s.c.queue(s.id):
		return m
	case <-s.c.closed:
		select {
		case m := <-s.c.queue(s.id):
			return m
		default:
		}
		t.Fatalf("subscription %s: the connection closed (%v)", s.id, s.c.err)
	case <-time.After(eventWait):
		t.Fatalf("subscription %s: nothing within %s", s.id, eventWait)
	}
	return message{}
}

// stop ends the subscription from the client's side.
func (s *wsSub) stop(t *testing.T) {
	typ := "complete"
	if s.c.protocol == legacyWS {
		typ = "stop"
	}
	s.c.send(t, map[string]any{"id": s.id, "type": typ})
}

// sseStream is a subscription over server-sent events.
type sseStream struct {
	res    *http.Response
	events chan message
	cancel context.CancelFunc
}

// openSSE posts a subscription with Accept: text/event-stream.
func openSSE(t *testing.T, a *apitest.API, authorization, query string, vars map[string]any) *sseStream {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.Srv.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	res, err := a.Srv.Client().Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	s := &sseStream{res: res, events: make(chan message, 100), cancel: cancel}
	t.Cleanup(func() { cancel(); res.Body.Close() })
	go s.read()
	return s
}

// read parses the stream's events: "event: next" with "data: <JSON>",
// "event: complete".
func (s *sseStream) read() {
	defer close(s.events)
	sc := bufio.NewScanner(s.res.Body)
	var event, data string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event:"):
			event = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case strings.HasPrefix(line, "data:"):
			data += strings.TrimSpace(strings.TrimPrefix(line, "data:"))
		case line == "" && event != "":
			m := message{Type: event}
			var p struct {
				Data   map[string]any     `json:"data"`
				Errors []apitest.GQLError `json:"errors"`
			}
			if data != "" && json.Unmarshal([]byte(data), &p) == nil {
				m.Data, m.Errors = p.Data, p.Errors
			}
			s.events <- m
			event, data = "", ""
		}
	}
}

func (s *sseStream) next(t *testing.T) message {
	t.Helper()
	select {
	case m, ok := <-s.events:
		if !ok {
			t.Fatal("the event stream ended")
		}
		return m
	case <-time.After(eventWait):
		t.Fatalf("no event within %s", eventWait)
	}
	return message{}
}

// waitSubscribers waits until the server has n subscriptions listening
// for events (its sscgraph_subscriptions gauge), so that a write made
// next reaches them.
func waitSubscribers(t *testing.T, a *apitest.API, n int) {
	t.Helper()
	var last string
	for deadline := time.Now().Add(eventWait); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		rec := httptest.NewRecorder()
		a.Handler.Metrics().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		for _, line := range strings.Split(rec.Body.String(), "\n") {
			if v, ok := strings.CutPrefix(line, "sscgraph_subscriptions "); ok {
				last = v
				if got, err := strconv.ParseFloat(v, 64); err == nil && int(got) == n {
					return
				}
			}
		}
	}
	t.Fatalf("sscgraph_subscriptions is %s, want %d", last, n)
}

// matchData is the setup of the subscription tests: keys, and postings of
// distinct organizations.
type matchData struct {
	editor                  string // an EDITOR key
	providerOrg, seekerOrg  int    // a need's seeker and another organization
	otherOrg                int    // a third organization
	topic, otherTopic       string // two topics' IDs
	need, otherNeed         string // needs of seekerOrg and of another organization
	seekerKey, otherKey     string // MEMBER keys of seekerOrg and otherOrg
	providerKey             string // a MEMBER key of providerOrg
	providerGID, otherOrgID string
}

func setupMatchData(t *testing.T, a *apitest.API) matchData {
	t.Helper()
	codec := a.Codec
	atoi := func(s string) int {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	key := func(role string, org int) string {
		_, k, err := auth.Create(context.Background(), a.DB.Client, auth.CreateOptions{Role: role, OrganizationID: org})
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	needs := a.Column(t, `SELECT id || ':' || seeker_id FROM match_needs WHERE status = 'OPEN' ORDER BY id`)
	var d matchData
	var needID, otherNeedID int
	for _, n := range needs {
		id, seeker, _ := strings.Cut(n, ":")
		switch {
		case d.seekerOrg == 0:
			needID, d.seekerOrg = atoi(id), atoi(seeker)
		case atoi(seeker) != d.seekerOrg && otherNeedID == 0:
			otherNeedID = atoi(id)
		}
	}
	orgs := a.Column(t, `SELECT id FROM organizations WHERE id <> `+strconv.Itoa(d.seekerOrg)+` ORDER BY id LIMIT 2`)
	d.providerOrg, d.otherOrg = atoi(orgs[0]), atoi(orgs[1])
	topics := a.Column(t, `SELECT id FROM topics ORDER BY id LIMIT 2`)
	d.topic, d.otherTopic = codec.Encode(atoi(topics[0])), codec.Encode(atoi(topics[1]))
	d.need, d.otherNeed = codec.Encode(needID), codec.Encode(otherNeedID)
	d.providerGID, d.otherOrgID = codec.Encode(d.providerOrg), codec.Encode(d.otherOrg)
	d.editor = key(auth.RoleEditor, 0)
	d.seekerKey = key(auth.RoleMember, d.seekerOrg)
	d.otherKey = key(auth.RoleMember, d.otherOrg)
	d.providerKey = key(auth.RoleMember, d.providerOrg)
	return d
}

// createOffer creates an OPEN offer as the EDITOR and returns its ID.
func (d matchData) createOffer(t *testing.T, a *apitest.API, title, provider, topic string) string {
	t.Helper()
	r := apitest.Caller{A: a, Key: d.editor}.Do(t, `mutation($in: CreateMatchOfferInput!) { createMatchOffer(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"title": title, "kind": "TECHNICAL", "status": "OPEN", "providerID": provider, "topicIDs": []string{topic},
	}})
	if len(r.Errors) > 0 {
		t.Fatalf("createMatchOffer: %+v", r.Errors)
	}
	return r.Str("createMatchOffer.id")
}

// createMatch proposes offer for need as the EDITOR and returns its ID.
func (d matchData) createMatch(t *testing.T, a *apitest.API, need, offer string) string {
	t.Helper()
	r := apitest.Caller{A: a, Key: d.editor}.Do(t, `mutation($in: CreateMatchInput!) { createMatch(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"status": "PROPOSED", "score": 0.5, "needID": need, "offerID": offer,
	}})
	if len(r.Errors) > 0 {
		t.Fatalf("createMatch: %+v", r.Errors)
	}
	return r.Str("createMatch.id")
}

const offerPostedQuery = `subscription($where: MatchOfferWhereInput) {
  offerPosted(where: $where) { id title status provider { id } topics { edges { node { id } } } }
}`

// wantOffer checks that m delivers the offer id with title.
func wantOffer(t *testing.T, who string, m message, id, title string) {
	t.Helper()
	if m.Type != "next" || len(m.Errors) > 0 || m.str("offerPosted.id") != id || m.str("offerPosted.title") != title || m.str("offerPosted.status") != "OPEN" {
		t.Fatalf("%s: got %+v, want offer %s %q", who, m, id, title)
	}
}

// TestOfferPosted subscribes to offerPosted over every transport, with a
// filter that the first offer matches and one that it does not, and
// checks that each subscriber receives exactly the offers its filter
// matches, read as a query would read them.
func TestOfferPosted(t *testing.T) { apitest.ForEachBackend(t, testOfferPosted) }

func testOfferPosted(t *testing.T, a *apitest.API) {
	d := setupMatchData(t, a)
	topicFilter := map[string]any{"where": map[string]any{"hasTopicsWith": []any{map[string]any{"id": d.topic}}}}
	sentinelFilter := map[string]any{"where": map[string]any{"titleContainsFold": "sentinel"}}

	ws, err := dialWS(t, a, transportWS, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	legacy, err := dialWS(t, a, legacyWS, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	subs := []struct {
		name    string
		s       stream
		matches bool // the topic filter, which the first offer matches
	}{
		{"graphql-transport-ws, topic", ws.subscribe(t, "1", offerPostedQuery, topicFilter), true},
		{"graphql-transport-ws, sentinel", ws.subscribe(t, "2", offerPostedQuery, sentinelFilter), false},
		{"graphql-ws, topic", legacy.subscribe(t, "a", offerPostedQuery, topicFilter), true},
		{"graphql-ws, no filter", legacy.subscribe(t, "b", offerPostedQuery, nil), true},
		{"SSE, topic", openSSE(t, a, "", offerPostedQuery, topicFilter), true},
		{"SSE, sentinel", openSSE(t, a, "", offerPostedQuery, sentinelFilter), false},
	}
	waitSubscribers(t, a, len(subs))

	matching := d.createOffer(t, a, "Patent drafting clinic", d.providerGID, d.topic)
	other := d.createOffer(t, a, "Trademark search help", d.providerGID, d.otherTopic)
	sentinel := d.createOffer(t, a, "Sentinel offer", d.providerGID, d.topic)
	for _, sub := range subs {
		if sub.matches {
			wantOffer(t, sub.name, sub.s.next(t), matching, "Patent drafting clinic")
			if sub.name == "graphql-ws, no filter" {
				wantOffer(t, sub.name, sub.s.next(t), other, "Trademark search help")
			}
		}
		// Next comes the sentinel: the offers before it that the filter
		// does not match never came.
		m := sub.s.next(t)
		wantOffer(t, sub.name, m, sentinel, "Sentinel offer")
		if got := m.Data["offerPosted"].(map[string]any)["provider"].(map[string]any)["id"]; got != d.providerGID {
			t.Errorf("%s: provider %v, want %s", sub.name, got, d.providerGID)
		}
		edges := apitest.Response{Data: m.Data}.List("offerPosted.topics.edges")
		if len(edges) != 1 || edges[0].(map[string]any)["node"].(map[string]any)["id"] != d.topic {
			t.Errorf("%s: topics %v, want [%s]", sub.name, edges, d.topic)
		}
	}
}

// TestSubscriptionsPublishCommittedWritesOnly checks that a mutation that
// fails, and so rolls back, publishes nothing, though one of its fields
// created an offer before another failed.
func TestSubscriptionsPublishCommittedWritesOnly(t *testing.T) {
	apitest.ForEachBackend(t, testCommittedWritesOnly)
}

func testCommittedWritesOnly(t *testing.T, a *apitest.API) {
	d := setupMatchData(t, a)
	sse := openSSE(t, a, "", offerPostedQuery, nil)
	waitSubscribers(t, a, 1)
	r := apitest.Caller{A: a, Key: d.editor}.Do(t, `mutation($in: CreateMatchOfferInput!, $bad: CreateMatchOfferInput!) {
  ok: createMatchOffer(input: $in) { id }
  bad: createMatchOffer(input: $bad) { id }
}`, map[string]any{
		"in":  map[string]any{"title": "Rolled back", "kind": "TECHNICAL", "status": "OPEN", "providerID": d.providerGID},
		"bad": map[string]any{"title": "", "kind": "TECHNICAL", "status": "OPEN", "providerID": d.providerGID},
	})
	if apitest.ErrCode(r) != "BAD_USER_INPUT" {
		t.Fatalf("the failing mutation answered %+v, want BAD_USER_INPUT", r.Errors)
	}
	if n := a.Count(t, `SELECT COUNT(*) FROM match_offers WHERE title = 'Rolled back'`); n != 0 {
		t.Fatalf("the failed mutation left %d offers", n)
	}
	sentinel := d.createOffer(t, a, "Sentinel offer", d.providerGID, d.topic)
	wantOffer(t, "SSE", sse.next(t), sentinel, "Sentinel offer")
}

const matchChangedQuery = `subscription($need: ID, $offer: ID) {
  matchChanged(need: $need, offer: $offer) { id status need { id } offer { id } }
}`

// TestMatchChanged checks who may follow matches and what each receives:
// anonymous callers and other organizations' keys are refused when they
// name a need or an offer; a key of another organization that names
// neither receives only its own organization's matches; the parties and
// EDITOR keys receive creations and changes of status. Keys come in the
// connection_init payload, the upgrade request's header and the event
// stream's header.
func TestMatchChanged(t *testing.T) { apitest.ForEachBackend(t, testMatchChanged) }

func testMatchChanged(t *testing.T, a *apitest.API) {
	d := setupMatchData(t, a)
	bearer := func(k string) string { return "Bearer " + k }
	offer := d.createOffer(t, a, "Offer to match", d.providerGID, d.topic)
	otherOffer := d.createOffer(t, a, "Other organization's offer", d.otherOrgID, d.topic)

	t.Run("refusals", func(t *testing.T) {
		ws, err := dialWS(t, a, transportWS, nil, map[string]any{"authorization": bearer(d.otherKey)})
		if err != nil {
			t.Fatal(err)
		}
		anonymous, err := dialWS(t, a, transportWS, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			c    *wsClient
			vars map[string]any
			want string
		}{
			{"anonymous, a need", anonymous, map[string]any{"need": d.need}, "UNAUTHENTICATED"},
			{"anonymous, everything", anonymous, nil, "UNAUTHENTICATED"},
			{"another organization, the need", ws, map[string]any{"need": d.need}, "FORBIDDEN"},
			{"another organization, the offer", ws, map[string]any{"offer": offer}, "FORBIDDEN"},
			{"an offer's ID as the need", ws, map[string]any{"need": offer}, "BAD_USER_INPUT"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				m := tc.c.subscribe(t, tc.name, matchChangedQuery, tc.vars).next(t)
				if m.code() != tc.want {
					t.Fatalf("got %+v, want %s", m, tc.want)
				}
			})
		}
		sse := openSSE(t, a, "", matchChangedQuery, map[string]any{"need": d.need})
		if m := sse.next(t); m.code() != "UNAUTHENTICATED" {
			t.Fatalf("anonymous over SSE: got %+v, want UNAUTHENTICATED", m)
		}
	})

	seeker, err := dialWS(t, a, transportWS, nil, map[string]any{"Authorization": bearer(d.seekerKey)})
	if err != nil {
		t.Fatal(err)
	}
	other, err := dialWS(t, a, legacyWS, http.Header{"Authorization": {bearer(d.otherKey)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	subs := map[string]stream{
		"seeker, its need":        seeker.subscribe(t, "need", matchChangedQuery, map[string]any{"need": d.need}),
		"provider, its offer":     openSSE(t, a, bearer(d.providerKey), matchChangedQuery, map[string]any{"offer": offer}),
		"other organization, all": other.subscribe(t, "all", matchChangedQuery, nil),
		"editor, all":             openSSE(t, a, bearer(d.editor), matchChangedQuery, nil),
	}
	waitSubscribers(t, a, len(subs))

	want := func(who string, m message, id, status, need, offer string) {
		t.Helper()
		if m.Type != "next" || len(m.Errors) > 0 || m.str("matchChanged.id") != id || m.str("matchChanged.status") != status ||
			m.str("matchChanged.need.id") != need || m.str("matchChanged.offer.id") != offer {
			t.Fatalf("%s: got %+v, want match %s %s", who, m, id, status)
		}
	}
	parties := []string{"seeker, its need", "provider, its offer", "editor, all"}
	// Each change is awaited before the next: a change overtaken by a
	// later one before it is delivered is skipped (only the latest state
	// is sent).
	created := d.createMatch(t, a, d.need, offer)
	for _, who := range parties {
		want(who, subs[who].next(t), created, "PROPOSED", d.need, offer)
	}
	r := apitest.Caller{A: a, Key: d.editor}.Do(t, `mutation($id: ID!) { updateMatch(id: $id, input: {status: DECLINED}) { id } }`, map[string]any{"id": created})
	if len(r.Errors) > 0 {
		t.Fatalf("updateMatch: %+v", r.Errors)
	}
	for _, who := range parties {
		want(who, subs[who].next(t), created, "DECLINED", d.need, offer)
	}
	// The sentinel: the other organization's offer for another need.
	sentinel := d.createMatch(t, a, d.otherNeed, otherOffer)
	want("editor, all", subs["editor, all"].next(t), sentinel, "PROPOSED", d.otherNeed, otherOffer)
	// The other organization's first event is its own match: it never
	// received the others'.
	want("other organization, all", subs["other organization, all"].next(t), sentinel, "PROPOSED", d.otherNeed, otherOffer)

	// Two changes in quick succession: the first is delivered, or skipped
	// when the second overtook it, never the latest state twice.
	decline := func(id string) {
		t.Helper()
		if r := (apitest.Caller{A: a, Key: d.editor}).Do(t, `mutation($id: ID!) { updateMatch(id: $id, input: {status: DECLINED}) { id } }`, map[string]any{"id": id}); len(r.Errors) > 0 {
			t.Fatalf("updateMatch: %+v", r.Errors)
		}
	}
	again := d.createMatch(t, a, d.need, offer)
	decline(again)
	decline(sentinel)
	var statuses []string
	for {
		m := subs["editor, all"].next(t)
		if m.str("matchChanged.id") == sentinel {
			want("editor, all", m, sentinel, "DECLINED", d.otherNeed, otherOffer)
			break
		}
		want("editor, all", m, again, m.str("matchChanged.status"), d.need, offer)
		statuses = append(statuses, m.str("matchChanged.status"))
	}
	if got := strings.Join(statuses, " "); got != "PROPOSED DECLINED" && got != "DECLINED" {
		t.Fatalf("a match proposed and declined at once was sent as %q, want PROPOSED DECLINED or DECLINED", got)
	}
}

// TestSuggestionsChanged follows a need's suggestions and checks that a
// new offer that ranks among them sends the list again, with it.
func TestSuggestionsChanged(t *testing.T) { apitest.ForEachBackend(t, testSuggestionsChanged) }

func testSuggestionsChanged(t *testing.T, a *apitest.API) {
	d := setupMatchData(t, a)
	probe := a.Post(t, `query($need: ID!) { suggestedOffers(need: $need, first: 3) { edges { node { offer { id } } } } }`, map[string]any{"need": d.need})
	// suggestedOffers exists: any error here, INTERNAL included, is a
	// regression, not a reason to skip.
	if len(probe.Errors) > 0 {
		t.Fatalf("suggestedOffers: %+v", probe.Errors)
	}
	topics := a.Column(t, `SELECT t.id FROM topics t JOIN match_need_topics nt ON nt.topic_id = t.id WHERE nt.match_need_id = `+strconv.Itoa(apitest.MustDecode(t, d.need)))
	if len(topics) == 0 {
		t.Skip("the need has no topics to match")
	}
	sse := openSSE(t, a, "", `subscription($need: ID!) { suggestionsChanged(need: $need, first: 50) { offer { id } score reasons } }`, map[string]any{"need": d.need})
	waitSubscribers(t, a, 1)
	topic, _ := strconv.Atoi(topics[0])
	offer := d.createOffer(t, a, "Exactly what the need asks for", d.providerGID, a.Codec.Encode(topic))
	m := sse.next(t)
	if m.Type != "next" || len(m.Errors) > 0 {
		t.Fatalf("got %+v, want the suggestions", m)
	}
	found := false
	for _, s := range m.Data["suggestionsChanged"].([]any) {
		if s.(map[string]any)["offer"].(map[string]any)["id"] == offer {
			found = true
		}
	}
	if !found {
		t.Fatalf("the new offer %s is not among the suggestions sent: %+v", offer, m.Data)
	}
}

// TestSubscriptionInput checks that a subscription's arguments go through
// the checks a query's do: IDs of the right type, filters within their
// bounds; and that a subscription over plain HTTP is refused.
func TestSubscriptionInput(t *testing.T) {
	a := apitest.New(t, apitest.SQLiteCopy(t))
	d := setupMatchData(t, a)
	deep := map[string]any{"titleContainsFold": "x"}
	for range 9 {
		deep = map[string]any{"not": deep}
	}
	ws, err := dialWS(t, a, transportWS, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		name        string
		vars        map[string]any
		code, limit string
		// kind is the message that answers: BAD_USER_INPUT is a protocol
		// error, as a query that fails validation is (an "error"
		// message); the limits are answered as a result ("next").
		kind string
	}{
		{"an ID of another type", map[string]any{"where": map[string]any{"idIn": []string{d.need}}}, "BAD_USER_INPUT", "", "error"},
		{"a made-up ID", map[string]any{"where": map[string]any{"hasProviderWith": []any{map[string]any{"id": "Organization_nope"}}}}, "BAD_USER_INPUT", "", "error"},
		{"a filter too deep", map[string]any{"where": deep}, "LIMIT_EXCEEDED", "filterDepth", "next"},
		{"variables over their limit", map[string]any{"where": map[string]any{"titleContainsFold": strings.Repeat("x", 70_000)}}, "LIMIT_EXCEEDED", "variables", "next"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := ws.subscribe(t, strconv.Itoa(i), offerPostedQuery, tc.vars).next(t)
			if m.code() != tc.code || m.limit() != tc.limit {
				t.Fatalf("got %+v, want %s %s", m, tc.code, tc.limit)
			}
			if m.Type != tc.kind {
				t.Errorf("message: got %q, want %q", m.Type, tc.kind)
			}
		})
	}
	r := a.Post(t, offerPostedQuery, nil)
	if apitest.ErrCode(r) != "BAD_REQUEST" || r.Status != http.StatusOK {
		t.Fatalf("a subscription over plain HTTP: status %d, %+v; want BAD_REQUEST", r.Status, r.Errors)
	}
}

// TestSubscriptionLimits checks each limit on subscriptions: refusals
// answered LIMIT_EXCEEDED naming the limit, the lifetime and the idle
// timeout ending what outlives them.
func TestSubscriptionLimits(t *testing.T) {
	for _, tc := range []struct {
		name  string
		limit func(*server.SubscriptionLimits)
		run   func(t *testing.T, a *apitest.API)
	}{
		{"per connection", func(l *server.SubscriptionLimits) { l.PerConnection = 2 }, func(t *testing.T, a *apitest.API) {
			ws, err := dialWS(t, a, transportWS, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			first := ws.subscribe(t, "1", offerPostedQuery, nil)
			ws.subscribe(t, "2", offerPostedQuery, nil)
			waitSubscribers(t, a, 2)
			m := ws.subscribe(t, "3", offerPostedQuery, nil).next(t)
			if m.code() != "LIMIT_EXCEEDED" || m.limit() != "subscriptionsPerConnection" || m.Errors[0].Extensions["maximum"] != 2.0 {
				t.Fatalf("third subscription: got %+v, want LIMIT_EXCEEDED subscriptionsPerConnection", m)
			}
			// Ending one makes room.
			first.stop(t)
			if m := first.next(t); m.Type != "complete" {
				t.Fatalf("stopped subscription: got %+v, want complete", m)
			}
			waitSubscribers(t, a, 1)
			ws.subscribe(t, "4", offerPostedQuery, nil)
			waitSubscribers(t, a, 2)
		}},
		{"per client", func(l *server.SubscriptionLimits) { l.PerClient = 2 }, func(t *testing.T, a *apitest.API) {
			openSSE(t, a, "", offerPostedQuery, nil)
			ws, err := dialWS(t, a, transportWS, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			ws.subscribe(t, "1", offerPostedQuery, nil)
			waitSubscribers(t, a, 2)
			m := openSSE(t, a, "", offerPostedQuery, nil).next(t)
			if m.code() != "LIMIT_EXCEEDED" || m.limit() != "subscriptionsPerClient" {
				t.Fatalf("third subscription from one address: got %+v, want LIMIT_EXCEEDED subscriptionsPerClient", m)
			}
			// A key is a client of its own.
			d := setupMatchData(t, a)
			keyed := openSSE(t, a, "Bearer "+d.editor, offerPostedQuery, nil)
			waitSubscribers(t, a, 3)
			offer := d.createOffer(t, a, "For the keyed client", d.providerGID, d.topic)
			wantOffer(t, "keyed", keyed.next(t), offer, "For the keyed client")
		}},
		{"lifetime", func(l *server.SubscriptionLimits) { l.Lifetime = 300 * time.Millisecond }, func(t *testing.T, a *apitest.API) {
			ws, err := dialWS(t, a, transportWS, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []stream{ws.subscribe(t, "1", offerPostedQuery, nil), openSSE(t, a, "", offerPostedQuery, nil)} {
				m := s.next(t)
				if m.code() != "LIMIT_EXCEEDED" || m.limit() != "subscriptionLifetime" {
					t.Fatalf("got %+v, want LIMIT_EXCEEDED subscriptionLifetime", m)
				}
				if m := s.next(t); m.Type != "complete" {
					t.Fatalf("after the lifetime: got %+v, want complete", m)
				}
			}
			waitSubscribers(t, a, 0)
		}},
		{"idle timeout", func(l *server.SubscriptionLimits) { l.IdleTimeout = 200 * time.Millisecond }, func(t *testing.T, a *apitest.API) {
			ws, err := dialWS(t, a, transportWS, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			busy, err := dialWS(t, a, transportWS, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			busy.subscribe(t, "1", offerPostedQuery, nil)
			if err := ws.closeErr(t); websocket.CloseStatus(err) != websocket.StatusNormalClosure {
				t.Fatalf("the idle connection closed with %v, want a normal closure", err)
			}
			// The busy one is still served.
			d := setupMatchData(t, a)
			offer := d.createOffer(t, a, "Still served", d.providerGID, d.topic)
			wantOffer(t, "busy", (&wsSub{busy, "1"}).next(t), offer, "Still served")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := server.DefaultConfig()
			tc.limit(&cfg.Subscriptions)
			tc.run(t, apitest.NewWith(t, apitest.SQLiteCopy(t), cfg))
		})
	}
}

// TestWebSocketAuthentication checks keys in connection_init: a bad one
// closes the connection with 4403 before anything runs, and is charged as
// a failed authentication like a bad header.
func TestWebSocketAuthentication(t *testing.T) {
	a := apitest.New(t, apitest.SQLiteCopy(t))
	for _, tc := range []struct {
		name    string
		payload map[string]any
	}{
		{"unknown key", map[string]any{"Authorization": "Bearer sscg_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}},
		{"malformed", map[string]any{"authorization": "Basic dXNlcjpwYXNz"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dialWS(t, a, transportWS, nil, tc.payload)
			if websocket.CloseStatus(err) != 4403 {
				t.Fatalf("got %v, want close status 4403", err)
			}
			var ce websocket.CloseError
			if !errors.As(err, &ce) || ce.Reason != "UNAUTHENTICATED" {
				t.Fatalf("close reason %q, want UNAUTHENTICATED", ce.Reason)
			}
		})
	}
}

// TestWebSocketOrigins checks the upgrade's Origin against the CORS
// settings: same-origin pages and non-browser clients always, other
// origins only when allowed.
func TestWebSocketOrigins(t *testing.T) {
	cfg := server.DefaultConfig()
	cfg.CORSOrigins = []string{"https://match.example.org"}
	a := apitest.NewWith(t, apitest.SQLiteCopy(t), cfg)
	for _, tc := range []struct {
		origin string
		ok     bool
	}{
		{"", true},
		{a.Srv.URL, true},
		{"https://match.example.org", true},
		{"https://evil.example.org", false},
		{"http://match.example.org", false},
	} {
		t.Run(tc.origin, func(t *testing.T) {
			h := http.Header{}
			if tc.origin != "" {
				h.Set("Origin", tc.origin)
			}
			_, err := dialWS(t, a, transportWS, h, nil)
			if (err == nil) != tc.ok {
				t.Fatalf("dial: %v, want allowed %v", err, tc.ok)
			}
			if tc.ok {
				return
			}
			// Refused before the upgrade, with a GraphQL error.
			req, _ := http.NewRequest(http.MethodGet, a.Srv.URL+"/graphql", nil)
			for k, v := range map[string]string{"Origin": tc.origin, "Upgrade": "websocket", "Connection": "Upgrade",
				"Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Protocol": transportWS} {
				req.Header.Set(k, v)
			}
			res, err := a.Srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var r apitest.Response
			if err := json.NewDecoder(res.Body).Decode(&r); err != nil || res.StatusCode != http.StatusForbidden || apitest.ErrCode(r) != "FORBIDDEN" {
				t.Fatalf("upgrade from %s: status %d, %+v (%v); want 403 FORBIDDEN", tc.origin, res.StatusCode, r.Errors, err)
			}
		})
	}
}

// TestSubscriptionsOutliveRequestTimeouts serves the API behind an
// http.Server with short read and write timeouts and a short request
// timeout, as `serve` has long ones, and checks that subscriptions on
// both transports still receive an event after all of them passed.
func TestSubscriptionsOutliveRequestTimeouts(t *testing.T) {
	const short = 300 * time.Millisecond
	cfg := server.DefaultConfig()
	cfg.Timeout = short
	a := apitest.NewWith(t, apitest.SQLiteCopy(t), cfg)
	a.Srv.Close()
	a.Srv = httptest.NewUnstartedServer(a.Handler)
	a.Srv.Config.ReadTimeout, a.Srv.Config.WriteTimeout = short, short
	a.Srv.Start()
	t.Cleanup(a.Srv.Close)

	d := setupMatchData(t, a)
	ws, err := dialWS(t, a, transportWS, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	subs := []stream{ws.subscribe(t, "1", offerPostedQuery, nil), openSSE(t, a, "", offerPostedQuery, nil)}
	waitSubscribers(t, a, 2)
	time.Sleep(3 * short)
	offer := d.createOffer(t, a, "After the timeouts", d.providerGID, d.topic)
	for _, s := range subs {
		wantOffer(t, "late", s.next(t), offer, "After the timeouts")
	}
	// A query over the same WebSocket runs and answers, under the
	// request timeout of its own (subscriptionGate).
	m := ws.subscribe(t, "q", `{ regions(first: 1) { totalCount } }`, nil).next(t)
	if m.Type != "next" || len(m.Errors) > 0 || (apitest.Response{Data: m.Data}).Num("regions.totalCount") <= 0 {
		t.Fatalf("query over WebSocket: %+v", m)
	}
}
