package webhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// The headers of a delivery. The signature covers the timestamp and the
// body, so that a captured request cannot be replayed later with a new
// timestamp: receivers refuse timestamps far from their clock.
const (
	HeaderID        = "Webhook-Id"
	HeaderTimestamp = "Webhook-Timestamp"
	HeaderSignature = "Webhook-Signature"
	HeaderEvent     = "Webhook-Event"
)

// Sign returns the Webhook-Signature value of body sent at ts:
// "v1=" and the hex HMAC-SHA256, keyed by the secret as createWebhook
// answered it, of the Unix timestamp in seconds, a dot and the body.
func Sign(secret string, ts time.Time, body []byte) string {
	return "v1=" + hex.EncodeToString(mac(secret, strconv.FormatInt(ts.Unix(), 10), body))
}

func mac(secret, ts string, body []byte) []byte {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(ts))
	h.Write([]byte("."))
	h.Write(body)
	return h.Sum(nil)
}

// Verify is what a receiver written in Go does (docs/match.md): it checks
// the Webhook-Timestamp and Webhook-Signature headers of body against the
// secret, refusing a timestamp more than tolerance from now. The header
// may hold several space-separated signatures (for a secret rotation);
// one that matches is enough.
func Verify(secret, timestamp, signature string, body []byte, now time.Time, tolerance time.Duration) bool {
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return false
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return false
	}
	want := mac(secret, timestamp, body)
	for _, s := range strings.Fields(signature) {
		got, ok := strings.CutPrefix(s, "v1=")
		if !ok {
			continue
		}
		b, err := hex.DecodeString(got)
		if err == nil && hmac.Equal(b, want) {
			return true
		}
	}
	return false
}
