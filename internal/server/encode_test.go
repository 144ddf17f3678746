package server

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestEncodeResponse checks that the response writer gives what
// encoding/json gives, except that the data is copied as gqlgen wrote it
// (encoding/json would escape <, > and & in it for HTML; responses carry
// X-Content-Type-Options: nosniff instead).
func TestEncodeResponse(t *testing.T) {
	tests := []struct {
		name string
		resp graphql.Response
	}{
		{"data only", graphql.Response{Data: json.RawMessage(`{"a":[1,2]}`)}},
		{"null data", graphql.Response{}},
		{"errors and extensions", graphql.Response{
			Errors:     gqlerror.List{{Message: `bad "x"`, Path: ast.Path{ast.PathName("a"), ast.PathIndex(0)}, Extensions: map[string]any{"code": "BAD_USER_INPUT"}}},
			Data:       json.RawMessage(`null`),
			Extensions: map[string]any{"cost": map[string]any{"requestedQueryCost": 3}},
		}},
		{"extensions", graphql.Response{Data: json.RawMessage(`{"b":"<&>"}`), Extensions: map[string]any{"x": "<&>"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := json.Marshal(&tt.resp)
			if err != nil {
				t.Fatal(err)
			}
			got, err := encodeResponse(&tt.resp)
			if err != nil {
				t.Fatal(err)
			}
			var g, w any
			if err := json.Unmarshal(got, &g); err != nil {
				t.Fatalf("%s is not JSON: %v", got, err)
			}
			if err := json.Unmarshal(want, &w); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("got  %s\nwant %s", got, want)
			}
			if len(tt.resp.Data) > 0 && !bytes.Contains(got, tt.resp.Data) {
				t.Errorf("%s does not hold the data %s as written", got, tt.resp.Data)
			}
		})
	}
}
