package generated

// This file is hand-written; gen_exec.go beside it is generated.

import (
	"context"
	"io"
	"sync"
	"unsafe"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
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

// fieldArgs keeps, for one operation, the arguments decoded for each field
// of the document: a field's arguments depend only on the document and the
// variables, so the objects a field is resolved on share them (resolvers
// read them, never change them). internal/gqlgenrun gives the generated
// executionContext one and makes the field contexts use it. Root fields
// resolve concurrently, hence the lock.
type fieldArgs struct {
	mu   sync.Mutex
	args map[*ast.Field]decodedArgs
}

type decodedArgs struct {
	args map[string]any
	err  error
}

// load returns the arguments decoded for f, or nil and no error.
func (a *fieldArgs) load(f *ast.Field) (map[string]any, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	d := a.args[f]
	return d.args, d.err
}

// store keeps the arguments decoded for f.
func (a *fieldArgs) store(f *ast.Field, args map[string]any, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.args == nil {
		a.args = map[*ast.Field]decodedArgs{}
	}
	a.args[f] = decodedArgs{args, err}
}

// collectedFields keeps, for one operation, the fields collected for each
// selection set and object type, keyed by their addresses: the document
// and the generated lists of type names live as long as the operation.
type collectedFields struct {
	mu     sync.Mutex
	fields map[selectionKey][]graphql.CollectedField
}

type selectionKey struct {
	sel       *ast.Selection
	n         int
	satisfies *string
}

// collect returns graphql.CollectFields(oc, sel, satisfies), computing it
// once per operation.
func (c *collectedFields) collect(oc *graphql.OperationContext, sel ast.SelectionSet, satisfies []string) []graphql.CollectedField {
	key := selectionKey{unsafe.SliceData(sel), len(sel), unsafe.SliceData(satisfies)}
	c.mu.Lock()
	fields, ok := c.fields[key]
	c.mu.Unlock()
	if ok {
		return fields
	}
	fields = graphql.CollectFields(oc, sel, satisfies)
	c.mu.Lock()
	if c.fields == nil {
		c.fields = map[selectionKey][]graphql.CollectedField{}
	}
	c.fields[key] = fields
	c.mu.Unlock()
	return fields
}
