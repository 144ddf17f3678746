// Package faultproxy is a TCP proxy between sscgraph and PostgreSQL that
// injects the faults a real deployment meets — a server that terminates
// every connection (a restart), one that refuses new ones (it is down),
// a slow network, a connection cut just before or just after a chosen
// statement — without touching the server itself. Tests put its address
// in the DSN instead of the server's.
//
// It reads the frontend protocol (after the startup message, a type byte
// and an int32 length per message) so that it can act on one message and
// inject at message boundaries. It is plain Go, not a test file, so that
// the tests of several packages can use it; nothing else does.
package faultproxy

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Action is what the proxy does with a frontend message.
type Action int

// The actions.
const (
	// Forward passes the message on.
	Forward Action = iota
	// CutBefore closes the connection without passing the message on:
	// the server never sees it, the client sees the connection fail.
	CutBefore
	// CutAfter passes the message on and closes the client's side at
	// once, so that the server acts on it but its answer never reaches
	// the client (the server's side is closed once it has answered).
	CutAfter
)

// Message is a frontend message after the startup: its type ('Q' a
// simple query, 'P' a Parse, 'B' a Bind, …) and its body.
type Message struct {
	Type byte
	Body []byte
}

// SQL returns the statement text of a Query or Parse message, else "".
func (m Message) SQL() string {
	switch m.Type {
	case 'Q':
		s, _ := cstring(m.Body)
		return s
	case 'P':
		_, rest := cstring(m.Body) // the statement's name
		s, _ := cstring(rest)
		return s
	}
	return ""
}

func cstring(b []byte) (string, []byte) {
	for i, c := range b {
		if c == 0 {
			return string(b[:i]), b[i+1:]
		}
	}
	return string(b), nil
}

// Rule decides what happens to each frontend message.
type Rule func(Message) Action

// OnceSQL returns a rule that takes action on the first Query or Parse
// message whose statement contains substr (case-insensitively), and
// forwards everything else.
func OnceSQL(substr string, action Action) Rule {
	var done atomic.Bool
	substr = strings.ToLower(substr)
	return func(m Message) Action {
		if sql := m.SQL(); sql != "" && strings.Contains(strings.ToLower(sql), substr) && done.CompareAndSwap(false, true) {
			return action
		}
		return Forward
	}
}

// Proxy forwards the connections made to its address to the target.
type Proxy struct {
	target string
	addr   string

	mu     sync.Mutex
	ln     net.Listener // nil while refusing
	pairs  map[*pair]struct{}
	rule   Rule
	delay  time.Duration
	closed bool
	wg     sync.WaitGroup
}

// New starts a proxy on a free loopback port in front of target
// (host:port).
func New(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: listening: %w", err)
	}
	p := &Proxy{target: target, addr: ln.Addr().String(), pairs: map[*pair]struct{}{}}
	p.serve(ln)
	return p, nil
}

// Addr is the host:port clients connect to.
func (p *Proxy) Addr() string { return p.addr }

// Conns returns how many client connections are open through the proxy.
func (p *Proxy) Conns() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.pairs)
}

// SetRule makes rule decide what happens to every frontend message from
// now on (nil forwards everything).
func (p *Proxy) SetRule(rule Rule) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rule = rule
}

// SetDelay holds every frontend message for d before passing it on.
func (p *Proxy) SetDelay(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.delay = d
}

// DropAll closes every open connection, both sides, as a network failure
// or a crashed server would.
func (p *Proxy) DropAll() {
	for _, c := range p.snapshot() {
		c.close()
	}
}

// TerminateAll tells every client "terminating connection due to
// administrator command" (FATAL, SQLSTATE 57P01), as PostgreSQL does to
// its sessions on a fast shutdown, and closes the connections.
func (p *Proxy) TerminateAll() {
	for _, c := range p.snapshot() {
		c.terminate()
	}
}

func (p *Proxy) snapshot() []*pair {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]*pair, 0, len(p.pairs))
	for c := range p.pairs {
		out = append(out, c)
	}
	return out
}

// Refuse stops listening: new connections are refused (ECONNREFUSED), as
// by a server that is down. Open connections stay; DropAll ends them.
func (p *Proxy) Refuse() {
	p.mu.Lock()
	ln := p.ln
	p.ln = nil
	p.mu.Unlock()
	if ln != nil {
		_ = ln.Close()
	}
}

// Allow listens again on the same address after Refuse.
func (p *Proxy) Allow() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil || p.closed {
		return nil
	}
	var err error
	// The port was ours a moment ago; another listener taking it in
	// between is unlikely, but rebinding may need a few tries.
	for range 50 {
		var ln net.Listener
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			p.serveLocked(ln)
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("faultproxy: listening again on %s: %w", p.addr, err)
}

// Close stops the proxy and closes every connection.
func (p *Proxy) Close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.Refuse()
	p.DropAll()
	p.wg.Wait()
	return nil
}

func (p *Proxy) serve(ln net.Listener) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.serveLocked(ln)
}

func (p *Proxy) serveLocked(ln net.Listener) {
	p.ln = ln
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			client, err := ln.Accept()
			if err != nil {
				return // closed by Refuse or Close
			}
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				p.handle(client)
			}()
		}
	}()
}

// pair is one client connection and its connection to the server.
type pair struct {
	p              *Proxy
	client, server net.Conn

	wmu     sync.Mutex // held while a whole message is written to the client
	toCli   *bufio.Writer
	cutOnce sync.Once
	once    sync.Once
	cut     atomic.Bool // the client's side was cut after a message (CutAfter)
}

func (p *Proxy) handle(client net.Conn) {
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		_ = client.Close()
		return
	}
	c := &pair{p: p, client: client, server: server, toCli: bufio.NewWriter(client)}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		c.close()
		return
	}
	p.pairs[c] = struct{}{}
	p.mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.fromServer()
	}()
	c.fromClient()
	<-done
	p.mu.Lock()
	delete(p.pairs, c)
	p.mu.Unlock()
}

// close closes both sides.
func (c *pair) close() {
	c.once.Do(func() {
		_ = c.client.Close()
		_ = c.server.Close()
	})
}

// terminate writes PostgreSQL's FATAL 57P01 to the client between two
// messages, then closes both sides.
func (c *pair) terminate() {
	c.wmu.Lock()
	_ = writeMessage(c.toCli, 'E', terminateBody)
	_ = c.toCli.Flush()
	c.wmu.Unlock()
	c.close()
}

var terminateBody = func() []byte {
	var b []byte
	for _, f := range [][2]string{{"S", "FATAL"}, {"V", "FATAL"}, {"C", "57P01"}, {"M", "terminating connection due to administrator command"}} {
		b = append(b, f[0][0])
		b = append(append(b, f[1]...), 0)
	}
	return append(b, 0)
}()

// fromClient copies the client's messages to the server, asking the rule
// about each one after the startup message.
func (c *pair) fromClient() {
	r := bufio.NewReader(c.client)
	w := bufio.NewWriter(c.server)
	defer func() {
		if !c.cut.Load() {
			c.close()
		}
	}()
	// The startup message has no type byte. An SSL or GSSAPI request
	// (which tests, with sslmode=disable, do not send) would make the
	// rest unreadable: such connections are copied as they are.
	startup, err := readUntyped(r)
	if err != nil {
		return
	}
	if _, err := w.Write(startup); err != nil || w.Flush() != nil {
		return
	}
	if code := binary.BigEndian.Uint32(startup[4:8]); code == 80877103 || code == 80877104 {
		_, _ = io.Copy(c.server, r)
		return
	}
	for {
		typ, body, err := readTyped(r)
		if err != nil {
			return
		}
		c.p.mu.Lock()
		rule, delay := c.p.rule, c.p.delay
		c.p.mu.Unlock()
		action := Forward
		if rule != nil {
			action = rule(Message{Type: typ, Body: body})
		}
		if action == CutBefore {
			return
		}
		if err := writeMessage(w, typ, body); err != nil {
			return
		}
		if r.Buffered() == 0 || action == CutAfter {
			if delay > 0 {
				time.Sleep(delay)
			}
			if err := w.Flush(); err != nil {
				return
			}
		}
		if action == CutAfter {
			c.cut.Store(true)
			_ = c.client.Close()
			return
		}
	}
}

// fromServer copies the server's messages to the client; after a
// CutAfter it reads the server's answer to the end (ReadyForQuery) and
// drops it, so that the server finishes what it was sent before its side
// is closed.
func (c *pair) fromServer() {
	r := bufio.NewReader(c.server)
	defer c.close()
	for {
		typ, body, err := readTyped(r)
		if err != nil {
			return
		}
		if c.cut.Load() {
			_ = c.server.SetReadDeadline(time.Now().Add(10 * time.Second))
			if typ == 'Z' {
				return
			}
			continue
		}
		c.wmu.Lock()
		err = writeMessage(c.toCli, typ, body)
		if err == nil && r.Buffered() == 0 {
			err = c.toCli.Flush()
		}
		c.wmu.Unlock()
		if err != nil && !c.cut.Load() {
			return
		}
	}
}

// readUntyped reads a message without a type byte (the startup message):
// int32 length, then the rest. It returns the whole message.
func readUntyped(r *bufio.Reader) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n < 8 || n > 1<<20 {
		return nil, errors.New("faultproxy: malformed startup message")
	}
	msg := make([]byte, n)
	copy(msg, hdr[:])
	if _, err := io.ReadFull(r, msg[4:]); err != nil {
		return nil, err
	}
	return msg, nil
}

// readTyped reads a message with a type byte and an int32 length.
func readTyped(r *bufio.Reader) (byte, []byte, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(hdr[1:])
	if n < 4 || n > 1<<30 {
		return 0, nil, errors.New("faultproxy: malformed message")
	}
	body := make([]byte, n-4)
	if _, err := io.ReadFull(r, body); err != nil {
		return 0, nil, err
	}
	return hdr[0], body, nil
}

func writeMessage(w *bufio.Writer, typ byte, body []byte) error {
	var hdr [5]byte
	hdr[0] = typ
	binary.BigEndian.PutUint32(hdr[1:], uint32(len(body)+4))
	if _, err := w.Write(hdr[:]); err != nil {
		return err
	}
	_, err := w.Write(body)
	return err
}
