package gid

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
)

// starts is a made-up type table in ent's global-ID layout (each type owns
// 1<<32 keys), so that these tests need neither the generated ent package
// nor a database. It has a type at range 0, where key 0 lives, and one far
// out, where keys do not fit in 32 bits.
var starts = map[string]int64{
	"Country":      0 << rangeBits,
	"Region":       1 << rangeBits,
	"Topic":        2 << rangeBits,
	"Organization": 40 << rangeBits,
}

const base64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

func newCodec(t testing.TB, secret string) *Codec {
	t.Helper()
	c, err := NewCodec(secret, starts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// keys are keys of every type, at the edges of their ranges.
var keys = []struct {
	typ string
	key int
}{
	{"Country", 0},
	{"Country", 1},
	{"Country", 1<<rangeBits - 1},
	{"Region", 1 << rangeBits},
	{"Region", 1<<rangeBits + 12345},
	{"Region", 2<<rangeBits - 1},
	{"Topic", 2<<rangeBits + 7},
	{"Organization", 40 << rangeBits},
	{"Organization", 40<<rangeBits + 1<<31},
	{"Organization", 41<<rangeBits - 1},
}

// idShape is what every issued ID looks like: the type, an underscore and
// one AES block in unpadded base64url.
var idShape = regexp.MustCompile(`^([A-Za-z]+)_[A-Za-z0-9_-]{22}$`)

func TestRoundTrip(t *testing.T) {
	c := newCodec(t, "round trip")
	seen := map[string]int{}
	for _, k := range keys {
		id := c.Encode(k.key)
		m := idShape.FindStringSubmatch(id)
		if m == nil || m[1] != k.typ {
			t.Errorf("Encode(%d) = %q, want %s_ and 22 base64url characters", k.key, id, k.typ)
		}
		got, err := c.Decode(id)
		if err != nil || got != k.key {
			t.Errorf("Decode(Encode(%d)) = %d, %v", k.key, got, err)
		}
		if typ, ok := c.TypeOf(got); !ok || typ != k.typ {
			t.Errorf("TypeOf(%d) = %q, %v, want %q", got, typ, ok, k.typ)
		}
		if other, dup := seen[id]; dup {
			t.Errorf("keys %d and %d share the ID %q", other, k.key, id)
		}
		seen[id] = k.key
	}
	// IDs are stable across restarts and replicas: another codec with the
	// same secret (and the same types) issues the same IDs.
	again := newCodec(t, "round trip")
	for id, key := range seen {
		if got := again.Encode(key); got != id {
			t.Errorf("a second codec encodes %d as %q, the first as %q", key, got, id)
		}
	}
}

// TestUnknownKeys: a key outside every range encodes (so that writing a
// response never fails) but its ID never decodes.
func TestUnknownKeys(t *testing.T) {
	c := newCodec(t, "unknown")
	for _, key := range []int{3 << rangeBits, 39<<rangeBits + 5, 1 << 62, -1} {
		id := c.Encode(key)
		if !strings.HasPrefix(id, "Unknown_") {
			t.Errorf("Encode(%d) = %q, want the type Unknown", key, id)
		}
		if got, err := c.Decode(id); !errors.Is(err, ErrInvalid) {
			t.Errorf("Decode(%q) = %d, %v, want ErrInvalid", id, got, err)
		}
	}
}

// TestTampering changes every character and every bit of an ID's body in
// turn: none of the results may decode, not even changes of the last
// character's low four bits, which carry no data (16 bytes take 22
// characters and 4 bits to spare): an ID has one spelling.
func TestTampering(t *testing.T) {
	c := newCodec(t, "tampering")
	for _, k := range keys {
		id := c.Encode(k.key)
		prefix, body, _ := strings.Cut(id, "_")
		prefix += "_"

		for i := range len(body) {
			for _, ch := range base64URL {
				if byte(ch) == body[i] {
					continue
				}
				forged := prefix + body[:i] + string(ch) + body[i+1:]
				got, err := c.Decode(forged)
				if err == nil {
					t.Fatalf("%q (from %q, character %d changed) decodes to %d, want an error", forged, id, i, got)
				}
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("Decode(%q): %v does not wrap ErrInvalid", forged, err)
				}
			}
		}
		// Every bit of the encrypted block.
		block, err := base64.RawURLEncoding.DecodeString(body)
		if err != nil || len(block) != 16 {
			t.Fatalf("%q: body is not one block: %v", id, err)
		}
		for bit := range 8 * len(block) {
			flipped := append([]byte(nil), block...)
			flipped[bit/8] ^= 1 << (bit % 8)
			forged := prefix + base64.RawURLEncoding.EncodeToString(flipped)
			if got, err := c.Decode(forged); !errors.Is(err, ErrInvalid) {
				t.Fatalf("%q (bit %d of %q flipped) decodes to %d, %v, want ErrInvalid", forged, bit, id, got, err)
			}
		}
	}
}

// TestOtherSecret: IDs do not travel between deployments with different
// secrets, in either direction.
func TestOtherSecret(t *testing.T) {
	a, b := newCodec(t, "secret A"), newCodec(t, "secret B")
	for _, k := range keys {
		idA, idB := a.Encode(k.key), b.Encode(k.key)
		if idA == idB {
			t.Errorf("key %d has the same ID %q under both secrets", k.key, idA)
		}
		if got, err := b.Decode(idA); !errors.Is(err, ErrInvalid) {
			t.Errorf("secret B decodes %q (secret A, key %d) to %d, %v", idA, k.key, got, err)
		}
		if got, err := a.Decode(idB); !errors.Is(err, ErrInvalid) {
			t.Errorf("secret A decodes %q (secret B, key %d) to %d, %v", idB, k.key, got, err)
		}
	}
	// The default secret is a secret like any other.
	def := newCodec(t, DefaultSecret)
	if got, err := def.Decode(a.Encode(5)); !errors.Is(err, ErrInvalid) {
		t.Errorf("the default secret decodes secret A's ID to %d, %v", got, err)
	}
}

// TestTypeConfusion: an ID is bound to its type. Giving a Region's block
// another type's name fails instead of reaching the key of that type, and
// a decoded key reports the type it was issued as, which is what callers
// compare with the type they expect.
func TestTypeConfusion(t *testing.T) {
	c := newCodec(t, "types")
	for _, k := range keys {
		id := c.Encode(k.key)
		_, body, _ := strings.Cut(id, "_")
		for typ := range starts {
			if typ == k.typ {
				continue
			}
			forged := typ + "_" + body
			if got, err := c.Decode(forged); !errors.Is(err, ErrInvalid) {
				t.Errorf("%q (a %s's body under %s) decodes to %d, %v", forged, k.typ, typ, got, err)
			}
		}
		for _, name := range []string{strings.ToLower(k.typ), strings.ToUpper(k.typ), k.typ + "s", "Unknown", "Node"} {
			if got, err := c.Decode(name + "_" + body); !errors.Is(err, ErrInvalid) {
				t.Errorf("%q decodes to %d, %v", name+"_"+body, got, err)
			}
		}
	}
}

// TestMalformed: anything else a client can send is an error wrapping
// ErrInvalid, never a panic or a key.
func TestMalformed(t *testing.T) {
	c := newCodec(t, "malformed")
	valid := c.Encode(1<<rangeBits + 3) // a Region
	_, body, _ := strings.Cut(valid, "_")
	cases := []struct{ name, id string }{
		{"empty", ""},
		{"underscore", "_"},
		{"type only", "Region"},
		{"type and underscore", "Region_"},
		{"no type", "_" + body},
		{"no underscore", "Region" + body},
		{"too short", "Region_" + body[:21]},
		{"too long", "Region_" + body + "A"},
		{"padded", "Region_" + body + "=="},
		{"standard alphabet +", "Region_+" + body[1:]},
		{"standard alphabet /", "Region_" + body[:21] + "/"},
		{"not base64", "Region_" + strings.Repeat("!", 22)},
		{"spaces", "Region_" + strings.Repeat(" ", 22)},
		{"non-ASCII", "Region_" + strings.Repeat("é", 11)},
		{"NUL bytes", "Region_" + strings.Repeat("\x00", 22)},
		{"two underscores", "Region__" + body[1:]},
		{"surrounding space", " " + valid},
		{"trailing newline", valid + "\n"},
		{"a number", "4294967299"},
		{"very long", "Region_" + strings.Repeat("A", 1<<20)},
		{"very long type", strings.Repeat("Region", 1<<16) + "_" + body},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.Decode(tc.id)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Decode = %d, %v, want ErrInvalid", got, err)
			}
			if got != 0 {
				t.Errorf("Decode returned the key %d beside its error", got)
			}
		})
	}
}

// TestNewCodecRefuses: a type table that would make IDs ambiguous is
// refused when the server starts rather than producing IDs that decode
// wrongly.
func TestNewCodecRefuses(t *testing.T) {
	cases := []struct {
		name   string
		secret string
		starts map[string]int64
	}{
		{"empty secret", "", starts},
		{"start inside a range", "s", map[string]int64{"Country": 1<<rangeBits + 1}},
		{"underscore in a name", "s", map[string]int64{"Match_Offer": 0}},
		{"empty name", "s", map[string]int64{"": 0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if c, err := NewCodec(tc.secret, tc.starts); err == nil {
				t.Errorf("NewCodec accepted it: %v", c)
			}
		})
	}
}

// withCodec returns a context carrying c, as the server's requests do.
func withCodec(c *Codec) context.Context { return NewContext(context.Background(), c) }

// TestUnmarshalID: the GraphQL scalar accepts only strings this service
// issued.
func TestUnmarshalID(t *testing.T) {
	c := newCodec(t, "scalar")
	ctx := withCodec(c)
	key := 40<<rangeBits + 9
	if got, err := UnmarshalID(ctx, c.Encode(key)); err != nil || got != key {
		t.Errorf("UnmarshalID(Encode(%d)) = %d, %v", key, got, err)
	}
	for _, v := range []any{nil, float64(key), true, []any{c.Encode(key)}, map[string]any{}, "", "Organization_x"} {
		if got, err := UnmarshalID(ctx, v); !errors.Is(err, ErrInvalid) {
			t.Errorf("UnmarshalID(%#v) = %d, %v, want ErrInvalid", v, got, err)
		}
	}
}

// TestCursors: a cursor as clients see it carries the row's global ID, not
// its key, and translating it back checks that ID and reports its type,
// which the paging checks compare with the connection's.
func TestCursors(t *testing.T) {
	c := newCodec(t, "cursors")
	key := 1<<rangeBits + 77 // a Region
	opaque := marshal(t, withCodec(c), MarshalCursor(entgql.Cursor[int]{ID: key, Value: []any{"AFRICA"}}))
	if strings.Contains(opaque, "77") {
		t.Errorf("cursor %q shows the key", opaque)
	}
	internal, typ, err := c.InternalCursor(opaque)
	if err != nil || typ != "Region" {
		t.Fatalf("InternalCursor = %q, %q, %v, want a Region cursor", internal, typ, err)
	}
	typ, values, err := c.CursorValues(internal)
	if err != nil || typ != "Region" || len(values) != 1 || values[0] != "AFRICA" {
		t.Errorf("CursorValues = %q, %v, %v, want Region [AFRICA]", typ, values, err)
	}
	var back entgql.Cursor[int]
	if err := back.UnmarshalGQL(internal); err != nil || back.ID != key {
		t.Errorf("the internal cursor names %d (%v), want %d", back.ID, err, key)
	}

	// A cursor from another deployment names no row here.
	other := newCodec(t, "another secret")
	foreign := marshal(t, withCodec(other), MarshalCursor(entgql.Cursor[int]{ID: key}))
	for _, bad := range []string{"", "AAAA", "!!!!", foreign, opaque[:len(opaque)-2], base64.RawURLEncoding.EncodeToString([]byte{0x81, 0xa1, 'i', 0xa1, 'x'})} {
		if internal, typ, err := c.InternalCursor(bad); err == nil {
			t.Errorf("InternalCursor(%q) = %q, %q, want an error", bad, internal, typ)
		}
	}
}

// marshal writes a GraphQL marshaler with ctx and unquotes the JSON string.
func marshal(t *testing.T, ctx context.Context, m graphql.ContextMarshaler) string {
	t.Helper()
	var b strings.Builder
	if err := m.MarshalGQLContext(ctx, &b); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		t.Fatalf("marshaled %q, want a JSON string", s)
	}
	return s[1 : len(s)-1]
}

// FuzzDecode: no input panics the decoder, and whatever it accepts names
// a key of the type the ID is spelled with, which encodes back to the same
// ID save for the spare bits of its last character.
func FuzzDecode(f *testing.F) {
	c := newCodec(f, "fuzz")
	for _, k := range keys {
		f.Add(c.Encode(k.key))
	}
	for _, s := range []string{"", "_", "Region_", "Region_" + strings.Repeat("A", 22), "Unknown_" + strings.Repeat("_", 22)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		key, err := c.Decode(id)
		if err != nil {
			if !errors.Is(err, ErrInvalid) || key != 0 {
				t.Fatalf("Decode(%q) = %d, %v", id, key, err)
			}
			return
		}
		typ, ok := c.TypeOf(key)
		if !ok || !strings.HasPrefix(id, typ+"_") {
			t.Fatalf("Decode(%q) = %d, a %q", id, key, typ)
		}
		if back := c.Encode(key); back[:len(back)-1] != id[:len(id)-1] {
			t.Fatalf("Decode(%q) = %d, which encodes as %q", id, key, back)
		}
	})
}

// TestNoCodec: without a codec in the context, IDs and cursors fail with
// ErrNoCodec instead of being written empty or panicking.
func TestNoCodec(t *testing.T) {
	ctx := context.Background()
	var b strings.Builder
	if err := MarshalID(1<<rangeBits+1).MarshalGQLContext(ctx, &b); !errors.Is(err, ErrNoCodec) || b.Len() != 0 {
		t.Errorf("MarshalID without a codec: wrote %q, %v; want nothing and ErrNoCodec", b.String(), err)
	}
	if err := MarshalCursor(entgql.Cursor[int]{ID: 1}).MarshalGQLContext(ctx, &b); !errors.Is(err, ErrNoCodec) {
		t.Errorf("MarshalCursor without a codec: %v, want ErrNoCodec", err)
	}
	if _, err := UnmarshalID(ctx, "Region_"+strings.Repeat("A", 22)); !errors.Is(err, ErrNoCodec) {
		t.Errorf("UnmarshalID without a codec: %v, want ErrNoCodec", err)
	}
	if err := CheckType(ctx, "id", 1, "Region"); !errors.Is(err, ErrNoCodec) {
		t.Errorf("CheckType without a codec: %v, want ErrNoCodec", err)
	}
	if c, err := FromContext(NewContext(ctx, nil)); c != nil || !errors.Is(err, ErrNoCodec) {
		t.Errorf("FromContext of a nil codec: %v, %v; want ErrNoCodec", c, err)
	}
}

// BenchmarkMarshalID is the per-ID cost of the ID scalar: encrypting the
// key and finding the codec in the context, directly under it and under
// as many other values as a field's context has in the server.
func BenchmarkMarshalID(b *testing.B) {
	c := newCodec(b, "bench")
	for _, depth := range []int{0, 40} {
		ctx := withCodec(c)
		type other struct{ int }
		for i := range depth {
			ctx = context.WithValue(ctx, other{i}, i)
		}
		b.Run(fmt.Sprintf("under %d values", depth), func(b *testing.B) {
			var w strings.Builder
			for i := 0; b.Loop(); i++ {
				w.Reset()
				if err := MarshalID(1<<rangeBits+i%1000).MarshalGQLContext(ctx, &w); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
