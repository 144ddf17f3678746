package gid

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vmihailenco/msgpack/v5"
)

// MarshalID writes a database key as the GraphQL ID scalar. gqlgen binds
// the ID scalar to this function through gqlgen.yml.
func MarshalID(key int) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(mustCodec().Encode(key)))
	})
}

// UnmarshalID reads the GraphQL ID scalar into a database key.
func UnmarshalID(v any) (int, error) {
	s, ok := v.(string)
	if !ok {
		return 0, fmt.Errorf("%w: an ID is a string, got %s", ErrInvalid, describe(v))
	}
	return mustCodec().Decode(s)
}

// cursor is a page cursor as clients see it: the row's global ID, never its
// key, and the value of the ordering field(s) at that row.
type cursor struct {
	ID    string `msgpack:"i"`
	Value any    `msgpack:"v,omitempty"`
}

// MarshalCursor writes an entgql cursor with its key replaced by the
// opaque global ID, so that cursors do not reveal row numbers either.
func MarshalCursor(c entgql.Cursor[int]) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		var buf bytes.Buffer
		_ = msgpack.NewEncoder(&buf).Encode(cursor{ID: mustCodec().Encode(c.ID), Value: c.Value})
		_, _ = io.WriteString(w, `"`+base64.RawURLEncoding.EncodeToString(buf.Bytes())+`"`)
	})
}

// UnmarshalCursor reads a cursor written by MarshalCursor.
func UnmarshalCursor(v any) (entgql.Cursor[int], error) {
	s, ok := v.(string)
	if !ok {
		return entgql.Cursor[int]{}, fmt.Errorf("invalid cursor: a cursor is a string, got %s", describe(v))
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return entgql.Cursor[int]{}, fmt.Errorf("invalid cursor %q: malformed", s)
	}
	var c cursor
	if err := msgpack.Unmarshal(raw, &c); err != nil {
		return entgql.Cursor[int]{}, fmt.Errorf("invalid cursor %q: malformed", s)
	}
	key, err := mustCodec().Decode(c.ID)
	if err != nil {
		return entgql.Cursor[int]{}, fmt.Errorf("invalid cursor %q: %w", s, err)
	}
	return entgql.Cursor[int]{ID: key, Value: c.Value}, nil
}

func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case int, int64, float64, int32:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	default:
		return fmt.Sprintf("%T", v)
	}
}

func mustCodec() *Codec {
	c := current.Load()
	if c == nil {
		panic("gid: no codec in use; call gid.Use at start")
	}
	return c
}
