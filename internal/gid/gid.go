// Package gid turns the database's integer primary keys into the opaque,
// typed global IDs that GraphQL clients see, and back.
//
// Every table owns a range of 1<<32 keys (ent's global-ID feature), so the
// integer alone says which type a row is. A client-facing ID is the type's
// name, an underscore and the AES encryption of one 16-byte block holding
// the key and a check value, base64url-encoded:
//
//	Country_3vQ2c0Tq6m9aRk1xJb8yAQ
//
// The type prefix helps people reading logs and responses; the encrypted
// block keeps row numbers (and so counts and insertion order) private and
// makes forged or mistyped IDs fail the check instead of reaching another
// row. An ID of one type never decodes to a key of another type.
package gid

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// rangeBits is the width of each type's key range in ent's global-ID scheme.
const rangeBits = 32

// magic fills the check half of the block; a block that does not decrypt to
// it was not produced by this codec with this secret.
const magic = 0x73736367 // "sscg"

// DefaultSecret keys the codec when no secret is configured. IDs made with
// it are stable but, since the secret is public, decodable by anyone who
// reads this source: deployments that must keep row numbers private set
// their own secret.
const DefaultSecret = "sscgraph-default-id-secret"

// ErrInvalid reports an ID that is not one this service issued.
var ErrInvalid = errors.New("invalid ID")

// Codec encodes and decodes global IDs. It is safe for concurrent use.
type Codec struct {
	block cipher.Block
	names map[int64]string // range index -> type name
	index map[string]int64 // type name -> range index
}

// NewCodec returns a codec keyed by secret that knows the given types, each
// by the first key of its range (a multiple of 1<<32).
func NewCodec(secret string, rangeStarts map[string]int64) (*Codec, error) {
	if secret == "" {
		return nil, errors.New("gid: empty secret")
	}
	sum := sha256.Sum256([]byte(secret))
	block, err := aes.NewCipher(sum[:16])
	if err != nil {
		return nil, fmt.Errorf("gid: %w", err)
	}
	c := &Codec{block: block, names: map[int64]string{}, index: map[string]int64{}}
	for name, start := range rangeStarts {
		if start%(1<<rangeBits) != 0 {
			return nil, fmt.Errorf("gid: range of %s starts at %d, not a multiple of 1<<%d", name, start, rangeBits)
		}
		if strings.ContainsRune(name, '_') || name == "" {
			return nil, fmt.Errorf("gid: type name %q must be non-empty without underscores", name)
		}
		c.names[start>>rangeBits] = name
		c.index[name] = start >> rangeBits
	}
	return c, nil
}

// TypeOf returns the type name of a database key.
func (c *Codec) TypeOf(key int) (string, bool) {
	name, ok := c.names[int64(key)>>rangeBits]
	return name, ok
}

// Encode returns the client-facing ID of a database key. Keys outside every
// known range encode with the type name "Unknown" and never decode.
func (c *Codec) Encode(key int) string {
	name, ok := c.TypeOf(key)
	if !ok {
		name = "Unknown"
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[0:8], uint64(key))
	binary.BigEndian.PutUint32(b[8:12], magic)
	binary.BigEndian.PutUint32(b[12:16], uint32(int64(key)>>rangeBits))
	c.block.Encrypt(b[:], b[:])
	var out [22]byte
	base64.RawURLEncoding.Encode(out[:], b[:])
	return name + "_" + string(out[:])
}

// Decode returns the database key of a client-facing ID, or an error
// wrapping ErrInvalid.
func (c *Codec) Decode(id string) (int, error) {
	name, body, ok := strings.Cut(id, "_")
	if !ok || len(body) != 22 {
		return 0, fmt.Errorf("%w %q: not a global ID", ErrInvalid, id)
	}
	idx, known := c.index[name]
	if !known {
		return 0, fmt.Errorf("%w %q: unknown type %q", ErrInvalid, id, name)
	}
	var b [16]byte
	if n, err := strict.Decode(b[:], []byte(body)); err != nil || n != 16 {
		return 0, fmt.Errorf("%w %q: malformed", ErrInvalid, id)
	}
	c.block.Decrypt(b[:], b[:])
	key := int64(binary.BigEndian.Uint64(b[0:8]))
	if binary.BigEndian.Uint32(b[8:12]) != magic ||
		int64(binary.BigEndian.Uint32(b[12:16])) != idx ||
		key>>rangeBits != idx {
		return 0, fmt.Errorf("%w %q: not issued by this service", ErrInvalid, id)
	}
	return int(key), nil
}

// strict decodes base64 without padding and refuses unused bits that are
// not zero, so that each ID and cursor has one spelling.
var strict = base64.RawURLEncoding.Strict()
