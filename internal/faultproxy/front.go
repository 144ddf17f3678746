package faultproxy

import (
	"net"
	"net/url"
	"testing"
)

// Front starts a proxy in front of the PostgreSQL server a URL names and
// returns the URL through the proxy, and the proxy, which closes when the
// test ends.
func Front(t testing.TB, dsn string) (string, *Proxy) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("faultproxy: %v", err)
	}
	target := u.Host
	if u.Port() == "" {
		target = net.JoinHostPort(u.Hostname(), "5432")
	}
	p, err := New(target)
	if err != nil {
		t.Fatalf("faultproxy: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	u.Host = p.Addr()
	return u.String(), p
}
