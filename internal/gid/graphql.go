package gid

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vmihailenco/msgpack/v5"
)

// MarshalID writes a database key as the GraphQL ID scalar, with the codec
// of the request's context. gqlgen binds the ID scalar to this function and
// UnmarshalID through gqlgen.yml.
func MarshalID(key int) graphql.ContextMarshaler {
	return graphql.ContextWriterFunc(func(ctx context.Context, w io.Writer) error {
		c, err := FromContext(ctx)
		if err != nil {
			return err
		}
		// An ID is a type name, an underscore and base64url: nothing to
		// escape in JSON (strconv.Quote, which checks every rune, was 5% of
		// the CPU time of a flat page).
		_, _ = io.WriteString(w, `"`+c.Encode(key)+`"`)
		return nil
	})
}

// UnmarshalID reads the GraphQL ID scalar into a database key.
func UnmarshalID(ctx context.Context, v any) (int, error) {
	s, ok := v.(string)
	if !ok {
		return 0, fmt.Errorf("%w: an ID is a string, got %s", ErrInvalid, describe(v))
	}
	c, err := FromContext(ctx)
	if err != nil {
		return 0, err
	}
	return c.Decode(s)
}

// cursor is a page cursor as clients see it: the row's global ID, never its
// key, and the value of the ordering field(s) at that row.
type cursor struct {
	ID    string `msgpack:"i"`
	Value any    `msgpack:"v,omitempty"`
}

// MarshalCursor writes an entgql cursor with its key replaced by the
// opaque global ID, so that cursors do not reveal row numbers either.
func MarshalCursor(c entgql.Cursor[int]) graphql.ContextMarshaler {
	return graphql.ContextWriterFunc(func(ctx context.Context, w io.Writer) error {
		codec, err := FromContext(ctx)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := msgpack.NewEncoder(&buf).Encode(cursor{ID: codec.Encode(c.ID), Value: c.Value}); err != nil {
			return fmt.Errorf("encoding a cursor: %w", err)
		}
		_, _ = io.WriteString(w, `"`+base64.RawURLEncoding.EncodeToString(buf.Bytes())+`"`)
		return nil
	})
}

// UnmarshalCursor reads a cursor argument. By the time gqlgen unmarshals
// it, the paging validation in package graph has already translated the
// client's opaque cursor with InternalCursor, because ent's field
// collection reads cursor arguments straight from the query document in
// ent's own format: both paths then see the same value. It takes the
// context only because gqlgen pairs it with the context-aware MarshalCursor.
func UnmarshalCursor(_ context.Context, v any) (entgql.Cursor[int], error) {
	var c entgql.Cursor[int]
	if err := c.UnmarshalGQL(v); err != nil {
		return c, fmt.Errorf("invalid cursor: %w", err)
	}
	return c, nil
}

// InternalCursor translates a client's opaque cursor into ent's cursor
// encoding, checking its ID on the way, and returns the type of the row
// it names.
func (codec *Codec) InternalCursor(opaque string) (internal, typ string, err error) {
	raw, err := strict.DecodeString(opaque)
	if err != nil {
		return "", "", fmt.Errorf("invalid cursor %q: malformed", opaque)
	}
	var c cursor
	if err := msgpack.Unmarshal(raw, &c); err != nil {
		return "", "", fmt.Errorf("invalid cursor %q: malformed", opaque)
	}
	key, err := codec.Decode(c.ID)
	if err != nil {
		return "", "", fmt.Errorf("invalid cursor %q: it names no row this service issued", opaque)
	}
	typ, _ = codec.TypeOf(key)
	var buf bytes.Buffer
	entgql.Cursor[int]{ID: key, Value: c.Value}.MarshalGQL(&buf)
	s, err := strconv.Unquote(buf.String())
	if err != nil {
		return "", "", fmt.Errorf("re-encoding cursor: %w", err)
	}
	return s, typ, nil
}

// CursorValues decodes an internal cursor (InternalCursor's output) and
// returns the type of the row it names and its order values: nil for a
// cursor of the default order.
func (codec *Codec) CursorValues(internal string) (typ string, values []any, err error) {
	var c entgql.Cursor[int]
	if err := c.UnmarshalGQL(internal); err != nil {
		return "", nil, fmt.Errorf("invalid cursor: %w", err)
	}
	typ, _ = codec.TypeOf(c.ID)
	switch v := c.Value.(type) {
	case nil:
		return typ, nil, nil
	case []any:
		return typ, v, nil
	default:
		return "", nil, fmt.Errorf("invalid cursor: its order values are %s, not a list", describe(c.Value))
	}
}

func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case int, int64, float64, int32, json.Number:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	default:
		return fmt.Sprintf("%T", v)
	}
}
