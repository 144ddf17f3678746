package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sync"

	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// Close codes of the graphql-transport-ws protocol
// (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md).
const (
	closeBadRequest      = 4400 // a message the server cannot read
	closeSubscriberTaken = 4409 // a subscribe whose id is in use
)

const graphqlTransportWS = "graphql-transport-ws"

// transportWSRules adds the rules of graphql-transport-ws that gqlgen's
// transport leaves out: it ignores a subscribe whose id is already
// running, and closes with 1000 (normal) on a message it cannot read,
// where the protocol closes with 4409 and 4400. Other subprotocols pass
// through untouched.
type transportWSRules struct {
	transport.WebsocketImplementation
}

func (t transportWSRules) Accept(w http.ResponseWriter, r *http.Request, opts transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	c, err := t.WebsocketImplementation.Accept(w, r, opts)
	if err != nil || c.Subprotocol() != graphqlTransportWS {
		return c, err
	}
	return &ruledConn{passThrough: passThrough{c}, active: map[string]bool{}}, nil
}

// ruledConn reads each message before gqlgen does, closing the connection
// as the protocol says on a malformed one or a duplicate id, and follows
// which operation ids are running from both directions.
type ruledConn struct {
	passThrough

	mu     sync.Mutex
	active map[string]bool // ids subscribed and not yet completed
}

// clientMessage is what the protocol lets a client send.
type clientMessage struct {
	Type    string          `json:"type"`
	ID      string          `json:"id"`
	Payload json.RawMessage `json:"payload"`
}

func (c *ruledConn) NextReader() (int, io.Reader, error) {
	kind, r, err := c.WebsocketConn.NextReader()
	if err != nil {
		return kind, r, err
	}
	// The frame is already bounded by the read limit (PayloadReadLimit).
	b, err := io.ReadAll(r)
	if err != nil {
		return kind, nil, fmt.Errorf("reading a message: %w", err)
	}
	var m clientMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return c.refuse(closeBadRequest, "Invalid message received: not a JSON object")
	}
	switch m.Type {
	case "connection_init", "ping", "pong":
	case "subscribe":
		if m.ID == "" || len(m.Payload) == 0 {
			return c.refuse(closeBadRequest, "Invalid message received: subscribe needs an id and a payload")
		}
		c.mu.Lock()
		taken := c.active[m.ID]
		c.active[m.ID] = true
		c.mu.Unlock()
		if taken {
			return c.refuse(closeSubscriberTaken, "Subscriber for "+m.ID+" already exists")
		}
	case "complete":
		if m.ID == "" {
			return c.refuse(closeBadRequest, "Invalid message received: complete needs an id")
		}
		c.forget(m.ID)
	default:
		return c.refuse(closeBadRequest, fmt.Sprintf("Invalid message received: unknown type %q", m.Type))
	}
	return kind, bytes.NewReader(b), nil
}

// WriteJSON sees the server end operations (complete, error), whose ids
// are then free again.
func (c *ruledConn) WriteJSON(v any) error {
	if typ, id := messageTypeAndID(v); id != "" && (typ == "complete" || typ == "error") {
		c.forget(id)
	}
	return c.WebsocketConn.WriteJSON(v)
}

func (c *ruledConn) forget(id string) {
	c.mu.Lock()
	delete(c.active, id)
	c.mu.Unlock()
}

// refuse closes the connection with the protocol's code; gqlgen's own
// close that follows finds it closed and sends nothing.
func (c *ruledConn) refuse(code int, reason string) (int, io.Reader, error) {
	_ = c.WebsocketConn.WriteClose(code, reason)
	return 0, nil, transport.ErrWebsocketClosed
}

// messageTypeAndID reads the Type and ID fields of the message gqlgen
// writes (a pointer to a struct of its own, unexported), without encoding
// it twice.
func messageTypeAndID(v any) (typ, id string) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return "", ""
	}
	if f := rv.FieldByName("Type"); f.IsValid() && f.Kind() == reflect.String {
		typ = f.String()
	}
	if f := rv.FieldByName("ID"); f.IsValid() && f.Kind() == reflect.String {
		id = f.String()
	}
	return typ, id
}
