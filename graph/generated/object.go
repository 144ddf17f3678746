package generated

// This file is hand-written; gen_exec.go beside it is generated.

import (
	"context"
	"io"

	"github.com/99designs/gqlgen/graphql"
)

// objectInTurn writes an object's fields, resolved in turn, as a JSON
// object. internal/gqlgenrun makes the generated object marshallers return
// it instead of gqlgen's graphql.FieldSet, whose writer allocates a map per
// object to skip fields that @defer would write twice: resolved in turn,
// no field is deferred, and graphql.CollectFields already merged the
// fields of each response key.
type objectInTurn struct {
	fields []graphql.CollectedField
	values []graphql.Marshaler
}

var (
	openBrace  = []byte{'{'}
	closeBrace = []byte{'}'}
	comma      = []byte{','}
	quote      = []byte{'"'}
	quoteColon = []byte{'"', ':'}
)

// MarshalGQL writes the object. A response key is a GraphQL name
// ([_A-Za-z][_0-9A-Za-z]*), which needs no escaping in JSON.
func (o objectInTurn) MarshalGQL(w io.Writer) {
	_, _ = w.Write(openBrace)
	first := true
	for i, v := range o.values {
		if v == nil {
			continue
		}
		if !first {
			_, _ = w.Write(comma)
		}
		first = false
		_, _ = w.Write(quote)
		_, _ = io.WriteString(w, o.fields[i].Alias)
		_, _ = w.Write(quoteColon)
		v.MarshalGQL(w)
	}
	_, _ = w.Write(closeBrace)
}

// fieldValues holds the values of an object whose fields are resolved in
// turn. internal/gqlgenrun puts it where gqlgen makes a graphql.FieldSet,
// whose dispatch machinery such an object never uses: one allocation
// instead of two.
type fieldValues struct {
	Values   []graphql.Marshaler
	Invalids uint32
}

// Dispatch does nothing: every field was resolved when it was reached.
func (fieldValues) Dispatch(context.Context) {}
