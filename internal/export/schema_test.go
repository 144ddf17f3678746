package export

import (
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

func loadQuery(schema *ast.Schema, q string) (*ast.QueryDocument, error) {
	doc, errs := gqlparser.LoadQuery(schema, q)
	if len(errs) > 0 {
		return nil, errs
	}
	return doc, nil
}
