package gqlexec

import (
	"context"
	"io"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// ObjectInTurn writes an object's fields, resolved in turn, as a JSON
// object. internal/gqlgenrun makes the generated object marshallers return
// it instead of gqlgen's graphql.FieldSet, whose writer allocates a map per
// object to skip fields that @defer would write twice: resolved in turn,
// no field is deferred, and graphql.CollectFields already merged the
// fields of each response key.
type ObjectInTurn struct {
	Fields []graphql.CollectedField
	Values []graphql.Marshaler
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
func (o ObjectInTurn) MarshalGQL(w io.Writer) {
	_, _ = w.Write(openBrace)
	first := true
	for i, v := range o.Values {
		if v == nil {
			continue
		}
		if !first {
			_, _ = w.Write(comma)
		}
		first = false
		_, _ = w.Write(quote)
		_, _ = io.WriteString(w, o.Fields[i].Alias)
		_, _ = w.Write(quoteColon)
		v.MarshalGQL(w)
	}
	_, _ = w.Write(closeBrace)
}

// FieldValues holds the values of an object whose fields are resolved in
// turn. internal/gqlgenrun puts it where gqlgen makes a graphql.FieldSet,
// whose dispatch machinery such an object never uses: one allocation
// instead of two.
type FieldValues struct {
	Values   []graphql.Marshaler
	Invalids uint32
}

// Dispatch does nothing: every field was resolved when it was reached.
func (FieldValues) Dispatch(context.Context) {}

// FieldArgs keeps, for one operation, the arguments decoded for each field
// of the document: a field's arguments depend only on the document and the
// variables, so the objects a field is resolved on share them (resolvers
// read them, never change them). internal/gqlgenrun gives the generated
// executionContext one and makes the field contexts use it. Root fields
// resolve concurrently, hence the lock.
type FieldArgs struct {
	mu   sync.Mutex
	args map[*ast.Field]decodedArgs
}

type decodedArgs struct {
	args map[string]any
	err  error
}

// Load returns the arguments decoded for f, or nil and no error.
func (a *FieldArgs) Load(f *ast.Field) (map[string]any, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	d := a.args[f]
	return d.args, d.err
}

// Store keeps the arguments decoded for f.
func (a *FieldArgs) Store(f *ast.Field, args map[string]any, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.args == nil {
		a.args = map[*ast.Field]decodedArgs{}
	}
	a.args[f] = decodedArgs{args, err}
}
