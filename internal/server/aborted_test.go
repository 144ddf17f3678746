package server_test

import (
	"context"
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
)

// TestFieldsAfterADatabaseRefusal: a mutation whose first field the
// database refuses (a taken code) answers every error as the client's,
// never an internal error, on PostgreSQL too, where the transaction
// refuses the later fields' statements; and nothing of it is written.
func TestFieldsAfterADatabaseRefusal(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testFieldsAfterADatabaseRefusal)
}

func testFieldsAfterADatabaseRefusal(t *testing.T, a *apitest.API) {
	_, key, err := auth.Create(context.Background(), a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	editor := apitest.Caller{A: a, Key: key}
	if r := editor.Do(t, `mutation { createProject(input: {code: "ABORT_TAKEN", title: "Taken", status: PROPOSED}) { id } }`, nil); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	tests := []struct {
		name, query string
	}{
		{"a taken code, then a new project", `mutation {
			a: createProject(input: {code: "ABORT_TAKEN", title: "Again", status: PROPOSED}) { id }
			b: createProject(input: {code: "ABORT_NEW", title: "New", status: PROPOSED}) { id } }`},
		{"a taken code between two new projects", `mutation {
			a: createProject(input: {code: "ABORT_NEW", title: "New", status: PROPOSED}) { id }
			b: createProject(input: {code: "ABORT_TAKEN", title: "Again", status: PROPOSED}) { id }
			c: createProject(input: {code: "ABORT_OTHER", title: "Other", status: PROPOSED}) { id } }`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := editor.Do(t, tt.query, nil)
			if len(r.Errors) == 0 {
				t.Fatalf("got no error, want the taken code refused")
			}
			for _, e := range r.Errors {
				if got := e.Extensions["code"]; got != "BAD_USER_INPUT" {
					t.Errorf("got %v (%q), want BAD_USER_INPUT", got, e.Message)
				}
			}
			if n := a.Count(t, `SELECT COUNT(*) FROM projects WHERE code IN ('ABORT_NEW', 'ABORT_OTHER')`); n != 0 {
				t.Errorf("got %d projects of the refused mutation written, want 0", n)
			}
		})
	}
}
