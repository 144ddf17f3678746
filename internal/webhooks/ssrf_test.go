package webhooks_test

import (
	"net/netip"
	"testing"
	"time"

	"sscgraph/internal/webhooks"
)

func TestAddressClass(t *testing.T) {
	for _, c := range []struct{ ip, class string }{
		{"127.0.0.1", "loopback"},
		{"::1", "loopback"},
		{"10.1.2.3", "private"},
		{"172.31.255.255", "private"},
		{"192.168.0.1", "private"},
		{"fd00::1", "private"},
		{"169.254.169.254", "link-local"},
		{"fe80::1", "link-local"},
		{"0.0.0.0", "unspecified"},
		{"::", "unspecified"},
		{"224.0.0.251", "multicast"},
		{"ff02::1", "multicast"},
		{"100.64.0.1", "shared address space (CGNAT)"},
		{"100.127.255.254", "shared address space (CGNAT)"},
		{"::ffff:127.0.0.1", "loopback"},
		{"::ffff:169.254.169.254", "link-local"},
		{"::ffff:100.64.0.1", "shared address space (CGNAT)"},
		{"64:ff9b::7f00:1", "loopback"},
		{"2002:a9fe:a9fe::1", "link-local"},
		{"255.255.255.255", "broadcast"},
		{"0.1.2.3", "this-network"},
		{"8.8.8.8", ""},
		{"100.128.0.1", ""},
		{"2606:4700:4700::1111", ""},
		{"::ffff:8.8.8.8", ""},
	} {
		if got := webhooks.AddressClass(netip.MustParseAddr(c.ip)); got != c.class {
			t.Errorf("AddressClass(%s) = %q, want %q", c.ip, got, c.class)
		}
	}
}

// TestSignature pins the documented algorithm: hex HMAC-SHA256 of
// "<timestamp>.<body>" keyed by the secret, prefixed v1= (the value is
// computed independently, with openssl:
// printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test).
func TestSignature(t *testing.T) {
	const want = "v1=" + signatureOfExample
	ts := time.Unix(1700000000, 0)
	if got := webhooks.Sign("whsec_test", ts, []byte(`{"a":1}`)); got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
	for _, c := range []struct {
		name, secret, ts, sig, body string
		now                         time.Time
		ok                          bool
	}{
		{"valid", "whsec_test", "1700000000", want, `{"a":1}`, ts, true},
		{"one of several", "whsec_test", "1700000000", "v1=00 " + want, `{"a":1}`, ts, true},
		{"other body", "whsec_test", "1700000000", want, `{"a":2}`, ts, false},
		{"other secret", "whsec_other", "1700000000", want, `{"a":1}`, ts, false},
		{"other timestamp", "whsec_test", "1700000001", want, `{"a":1}`, ts, false},
		{"too old", "whsec_test", "1700000000", want, `{"a":1}`, ts.Add(6 * time.Minute), false},
		{"no version", "whsec_test", "1700000000", want[3:], `{"a":1}`, ts, false},
	} {
		if got := webhooks.Verify(c.secret, c.ts, c.sig, []byte(c.body), c.now, 5*time.Minute); got != c.ok {
			t.Errorf("%s: Verify = %v", c.name, got)
		}
	}
}

const signatureOfExample = "38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
