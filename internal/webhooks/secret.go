package webhooks

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Signing secrets must be stored readable, since every delivery is signed
// with them. They are stored encrypted (AES-256-GCM) under a key derived
// from the server's ID secret, which every deployment already keeps
// secret and out of the database: a copy of the database alone does not
// let its reader forge deliveries. The cost: rotating --id-secret makes
// the stored secrets unreadable, so each webhook must then be registered
// again (its deliveries fail with a message saying so).

// NewSecret returns a new signing secret: "whsec_" and 256 random bits.
func NewSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24)
	return "whsec_" + base64.RawURLEncoding.EncodeToString(b[:])
}

// Sealer encrypts and decrypts signing secrets.
type Sealer struct{ aead cipher.AEAD }

// NewSealer derives the sealing key from the server's ID secret.
func NewSealer(idSecret string) (*Sealer, error) {
	if idSecret == "" {
		return nil, errors.New("webhooks: empty ID secret")
	}
	key := sha256.Sum256([]byte("sscgraph webhook signing secrets\x00" + idSecret))
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	return &Sealer{aead: aead}, nil
}

const sealedPrefix = "v1:"

// Seal encrypts secret for storage.
func (s *Sealer) Seal(secret string) string {
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(s.aead.Seal(nonce, nonce, []byte(secret), nil))
}

// ErrUnsealable reports a stored secret that this server's ID secret
// cannot read: it was sealed under another one.
var ErrUnsealable = errors.New("the webhook's signing secret was stored under another --id-secret: register the webhook again")

// Open decrypts a stored secret.
func (s *Sealer) Open(sealed string) (string, error) {
	raw, ok := strings.CutPrefix(sealed, sealedPrefix)
	if !ok {
		return "", ErrUnsealable
	}
	b, err := base64.RawStdEncoding.DecodeString(raw)
	if err != nil || len(b) < s.aead.NonceSize() {
		return "", ErrUnsealable
	}
	out, err := s.aead.Open(nil, b[:s.aead.NonceSize()], b[s.aead.NonceSize():], nil)
	if err != nil {
		return "", ErrUnsealable
	}
	return string(out), nil
}
