package export

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
)

// checkTimes finds a Time in a filter that is not an RFC 3339 time. The
// API reads such a value only while it runs the query, and answers it as
// an internal error (a known gap of the GraphQL layer); the export names
// the mistake instead, before any row.
func checkTimes(schema *ast.Schema, typeName string, v any, path []string) error {
	def := schema.Types[typeName]
	if def == nil || def.Kind != ast.InputObject {
		return nil
	}
	switch x := v.(type) {
	case []any:
		for i, e := range x {
			if err := checkTimes(schema, typeName, e, append(slices.Clip(path), fmt.Sprint(i))); err != nil {
				return err
			}
		}
	case map[string]any:
		for name, fv := range x {
			f := def.Fields.ForName(name)
			if f == nil || fv == nil {
				continue // the API names unknown fields itself
			}
			at := append(slices.Clip(path), name)
			if f.Type.Name() != "Time" {
				if err := checkTimes(schema, f.Type.Name(), fv, at); err != nil {
					return err
				}
				continue
			}
			values, isList := fv.([]any)
			if !isList {
				values = []any{fv}
			}
			for _, tv := range values {
				s, ok := tv.(string)
				if _, err := time.Parse(time.RFC3339Nano, s); !ok || err != nil {
					return fmt.Errorf("at %s: %v is not an RFC 3339 time such as \"2020-01-01T00:00:00Z\"", strings.Join(at, "."), tv)
				}
			}
		}
	}
	return nil
}
