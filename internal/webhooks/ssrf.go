package webhooks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Server-side request forgery: a webhook URL is the client's choice of
// where sscgraph sends requests from inside its network. Addresses that
// reach that network, or the machine itself, are refused twice: when the
// URL is registered (CheckURL: a literal address, or what its name
// resolves to then) and when each connection is made (the dialer's
// Control sees the address actually dialled, after DNS resolution, so a
// name that resolves elsewhere later is still caught). Redirects are not
// followed: a 3xx answer is a failed attempt, and no request ever goes to
// an address that was not checked. The proxy of the environment is not
// used either, as it would dial on sscgraph's behalf unchecked.

// ErrForbiddenAddress is wrapped by every refusal of an address.
var ErrForbiddenAddress = errors.New("forbidden address")

// forbidden are the ranges outside the ones netip names (loopback,
// private, link-local, multicast, unspecified).
var forbidden = []struct {
	prefix netip.Prefix
	what   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "this-network"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared address space (CGNAT)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignments"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	{netip.MustParsePrefix("100::/64"), "discard-only"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
}

// Embedded IPv4 addresses: NAT64 and 6to4 addresses reach the IPv4
// address they carry, which is checked as such.
var (
	nat64  = netip.MustParsePrefix("64:ff9b::/96")
	sixTo4 = netip.MustParsePrefix("2002::/16")
)

// AddressClass names why ip may not be sent to ("" when it may): the
// class of loopback, private (RFC 1918, ULA), link-local (the cloud
// metadata address 169.254.169.254 among them), unspecified, multicast,
// CGNAT and other special-purpose addresses; an IPv4-mapped, NAT64 or
// 6to4 IPv6 address is judged by the IPv4 address it carries.
func AddressClass(ip netip.Addr) string {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid():
		return "invalid"
	case ip.Is6() && nat64.Contains(ip):
		b := ip.As16()
		return AddressClass(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
	case ip.Is6() && sixTo4.Contains(ip):
		b := ip.As16()
		return AddressClass(netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}))
	case ip.IsLoopback():
		return "loopback"
	case ip.IsPrivate():
		return "private"
	case ip.IsMulticast():
		return "multicast"
	case ip.IsLinkLocalUnicast():
		return "link-local"
	case ip.IsUnspecified():
		return "unspecified"
	case ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "broadcast"
	}
	for _, f := range forbidden {
		if f.prefix.Contains(ip) {
			return f.what
		}
	}
	return ""
}

// checkAddr refuses ip unless allowPrivate.
func checkAddr(ip netip.Addr, allowPrivate bool) error {
	if allowPrivate {
		return nil
	}
	if class := AddressClass(ip); class != "" {
		return fmt.Errorf("%w: %s is a %s address", ErrForbiddenAddress, ip.Unmap(), class)
	}
	return nil
}

// CheckURL checks a webhook URL as it is registered: absolute http or
// https, a host, no user information (credentials would be logged and
// shown), and, unless allowPrivate, a host that is neither a forbidden
// address nor a name that resolves to one. The error says what is wrong,
// for the client.
func CheckURL(ctx context.Context, raw string, allowPrivate bool, resolver *net.Resolver) (*url.URL, error) {
	if len(raw) > 2048 {
		return nil, errors.New("the URL is longer than 2048 characters")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("not a URL: %v", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("the URL's scheme must be http or https, not %q", u.Scheme)
	}
	if u.Opaque != "" || u.Host == "" || u.Hostname() == "" {
		return nil, errors.New("the URL has no host")
	}
	if u.User != nil {
		return nil, errors.New("the URL must not hold a user name or password: receivers check the signature instead")
	}
	if u.Fragment != "" {
		return nil, errors.New("the URL must not have a fragment (#…)")
	}
	if allowPrivate {
		return u, nil
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		return u, checkAddr(ip, false)
	}
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") || strings.HasSuffix(strings.ToLower(strings.TrimSuffix(host, ".")), ".localhost") {
		return nil, fmt.Errorf("%w: %s names the loopback interface", ErrForbiddenAddress, host)
	}
	if resolver == nil {
		resolver = net.DefaultResolver
	}
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := resolver.LookupNetIP(rctx, "ip", host)
	if err != nil {
		return nil, fmt.Errorf("the URL's host %s does not resolve: %v", host, err)
	}
	for _, ip := range addrs {
		if err := checkAddr(ip, false); err != nil {
			return nil, fmt.Errorf("%s resolves to %w", host, err)
		}
	}
	return u, nil
}

// Dialer returns a dialer that refuses, after DNS resolution, every
// connection to a forbidden address unless allowPrivate.
func Dialer(allowPrivate bool) *net.Dialer {
	return &net.Dialer{
		Timeout:   10 * time.Second,
		KeepAlive: 30 * time.Second,
		Control: func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: cannot read the dialled address %q: %v", ErrForbiddenAddress, address, err)
			}
			return checkAddr(ap.Addr(), allowPrivate)
		},
	}
}

// NewHTTPClient returns the client deliveries are sent with: the checking
// dialer, no proxy, no redirects followed, and timeout per attempt.
func NewHTTPClient(allowPrivate bool, timeout time.Duration) *http.Client {
	t := &http.Transport{
		Proxy:                 nil,
		DialContext:           Dialer(allowPrivate).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          50,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
	}
	return &http.Client{
		Transport: t,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
