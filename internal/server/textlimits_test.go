package server_test

import (
	"context"
	"strings"
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
)

// TestTextMaxLength: text is refused past its maximum (counted in
// characters, so a limit-long text of two-byte letters passes, also in a
// PostgreSQL varchar(n) column) on create and update, with BAD_USER_INPUT
// naming the field, and nothing is written.
func TestTextMaxLength(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testTextMaxLength)
}

func testTextMaxLength(t *testing.T, a *apitest.API) {
	_, key, err := auth.Create(context.Background(), a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	editor := apitest.Caller{A: a, Key: key}
	topic := a.Query(t, `{ topics(first: 1) { edges { node { id } } } }`, nil).Str("topics.edges.0.node.id")
	atMax := strings.Repeat("é", 20000) // 40,000 bytes, 20,000 characters
	tooLong := strings.Repeat("a", 20001)
	createProject := `mutation($in: CreateProjectInput!) { createProject(input: $in) { id } }`
	project := func(code string, extra map[string]any) map[string]any {
		in := map[string]any{"code": code, "title": "Length test", "status": "PROPOSED"}
		for k, v := range extra {
			in[k] = v
		}
		return map[string]any{"in": in}
	}
	for _, tt := range []struct {
		name, query string
		vars        map[string]any
		field       string // "" when the write must succeed
		code        string // project code that must (not) be written
	}{
		{"summary at the maximum", createProject, project("LEN_OK", map[string]any{"summary": atMax}), "", "LEN_OK"},
		{"summary one past", createProject, project("LEN_SUMMARY", map[string]any{"summary": tooLong}), "input.summary", "LEN_SUMMARY"},
		{"note one past", createProject, project("LEN_NOTE", map[string]any{"note": tooLong}), "input.note", "LEN_NOTE"},
		{"document entry too long", createProject, project("LEN_DOC", map[string]any{"documents": []string{"CDIP/1/1", strings.Repeat("d", 501)}}), "input.documents[1]", "LEN_DOC"},
		{"too many sources", createProject, project("LEN_SRC", map[string]any{"sources": make([]string, 201)}), "input.sources", "LEN_SRC"},
		{"title at the maximum in two-byte letters", createProject, project("LEN_TITLE", map[string]any{"title": strings.Repeat("é", 500)}), "", "LEN_TITLE"},
		{"title one past", createProject, project("LEN_TITLE_LONG", map[string]any{"title": strings.Repeat("é", 501)}), "input.title", "LEN_TITLE_LONG"},
		{"topic description on update", `mutation($id: ID!, $d: String!) { updateTopic(id: $id, input: {description: $d}) { id } }`,
			map[string]any{"id": topic, "d": tooLong}, "input.description", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := editor.Do(t, tt.query, tt.vars)
			written := 0
			if tt.code != "" {
				written = a.Count(t, `SELECT COUNT(*) FROM projects WHERE code = '`+tt.code+`'`)
			}
			if tt.field == "" {
				if len(r.Errors) > 0 || written != 1 {
					t.Errorf("got errors %+v and %d rows, want the write", r.Errors, written)
				}
				return
			}
			if got := apitest.ErrCode(r); got != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != tt.field {
				t.Errorf("got %s %+v, want BAD_USER_INPUT on %s", got, r.Errors, tt.field)
			}
			if written != 0 {
				t.Errorf("got %d rows written, want 0", written)
			}
		})
	}
	t.Run("update leaves the old value", func(t *testing.T) {
		var got []string
		got = a.Column(t, `SELECT COALESCE(description, '') FROM topics ORDER BY id LIMIT 1`)
		if len(got) != 1 || len(got[0]) > 20000 {
			t.Errorf("got a description of %d bytes after a refused update, want the old one", len(got[0]))
		}
	})
	t.Run("the schema states the limits", func(t *testing.T) {
		r := a.Query(t, `{ __type(name: "MatchOffer") { fields { name description } } }`, nil)
		want := map[string]string{"description": "At most 20,000 characters.", "title": "At most 500 characters."}
		for _, f := range r.List("__type.fields") {
			m := f.(map[string]any)
			if w, ok := want[m["name"].(string)]; ok {
				if d, _ := m["description"].(string); !strings.Contains(d, w) {
					t.Errorf("got description %q for %s, want it to say %q", d, m["name"], w)
				}
				delete(want, m["name"].(string))
			}
		}
		if len(want) > 0 {
			t.Errorf("fields not found: %v", want)
		}
	})
}
