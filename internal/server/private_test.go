package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
)

// TestPrivateEmail proves that consultants' e-mail addresses reach ADMIN
// and EDITOR keys only, on every path to a consultant, and that everyone
// else gets null without an error.
func TestPrivateEmail(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testPrivateEmail)
}

func testPrivateEmail(t *testing.T, a *apitest.API) {
	ctx := context.Background()
	org := a.Column(t, `SELECT id FROM organizations ORDER BY id LIMIT 1`)[0]
	var orgID int
	fmt.Sscan(org, &orgID)
	keys := map[string]string{"anonymous": ""}
	for _, role := range []string{auth.RoleAdmin, auth.RoleEditor, auth.RoleMember} {
		opts := auth.CreateOptions{Role: role}
		if role == auth.RoleMember {
			opts.OrganizationID = orgID
		}
		_, key, err := auth.Create(ctx, a.DB.Client, opts)
		if err != nil {
			t.Fatal(err)
		}
		keys[role] = key
	}

	// A consultant with activities, a nationality and expertise: reachable
	// on every path.
	r := a.Query(t, `{ consultants(first: 1, where: {hasActivities: true, hasNationality: true, hasExpertise: true}) {
		edges { node { id name nationality { id } expertise(first: 1) { edges { node { id } } } activities(first: 1) { edges { node { id } } } } } } }`, nil)
	id := r.Str("consultants.edges.0.node.id")
	name := r.Str("consultants.edges.0.node.name")
	email := a.Column(t, `SELECT email FROM consultants WHERE name = '`+name+`'`)[0]
	if id == "" || email == "" {
		t.Fatalf("no consultant with an e-mail to test: %v", r.Data)
	}
	vars := map[string]any{
		"id":       id,
		"country":  r.Str("consultants.edges.0.node.nationality.id"),
		"topic":    r.Str("consultants.edges.0.node.expertise.edges.0.node.id"),
		"activity": r.Str("consultants.edges.0.node.activities.edges.0.node.id"),
	}
	paths := map[string]string{
		"top level": `query($id: ID!) { c: consultants(where: {id: $id}) { edges { node { email } } } }`,
		"node":      `query($id: ID!) { c: node(id: $id) { ... on Consultant { email } } }`,
		"nodes":     `query($id: ID!) { c: nodes(ids: [$id]) { ... on Consultant { email } } }`,
		"country":   `query($country: ID!, $id: ID!) { c: node(id: $country) { ... on Country { consultants(where: {id: $id}) { edges { node { email } } } } } }`,
		"topic":     `query($topic: ID!, $id: ID!) { c: node(id: $topic) { ... on Topic { consultants(where: {id: $id}) { edges { node { email } } } } } }`,
		"activity":  `query($activity: ID!, $id: ID!) { c: node(id: $activity) { ... on Activity { consultants(where: {id: $id}) { edges { node { email } } } } } }`,
		"deep":      `query($activity: ID!, $id: ID!) { c: activities(first: 1, where: {id: $activity}) { edges { node { consultants(first: 1, where: {id: $id}) { edges { node { activities(first: 1) { edges { node { consultants(first: 1, where: {id: $id}) { edges { node { email } } } } } } } } } } } } }`,
	}
	for role, key := range keys {
		for path, q := range paths {
			t.Run(role+"/"+path, func(t *testing.T) {
				used := map[string]any{}
				for k, v := range vars {
					if bytes.Contains([]byte(q), []byte("$"+k+":")) {
						used[k] = v
					}
				}
				body, _ := json.Marshal(map[string]any{"query": q, "variables": used})
				req, _ := http.NewRequest(http.MethodPost, a.Srv.URL+"/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				if key != "" {
					req.Header.Set("Authorization", "Bearer "+key)
				}
				res, err := a.Srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				var got apitest.Response
				if err := json.Unmarshal(b, &got); err != nil {
					t.Fatal(err)
				}
				if len(got.Errors) > 0 || res.StatusCode != http.StatusOK {
					t.Fatalf("status %d, errors %+v", res.StatusCode, got.Errors)
				}
				sees := role == auth.RoleAdmin || role == auth.RoleEditor
				if sees != bytes.Contains(b, []byte(email)) {
					t.Errorf("answer %s; the e-mail should be visible: %v", b, sees)
				}
				if !sees && !bytes.Contains(b, []byte(`"email":null`)) {
					t.Errorf("answer %s, want email null", b)
				}
			})
		}
	}
}
