package lifecycle_test

import (
	"encoding/json"
	"strings"
	"testing"

	"sscgraph/internal/apitest"
)

// matchRecord is what a match's history says, as an EDITOR reads it.
func matchRecord(t *testing.T, w *apitest.MatchWorld, id string) string {
	t.Helper()
	r := w.Editor.Do(t, `query($id: ID!) { node(id: $id) { ... on Match { status score createdAt respondedAt completedAt proposedBy { id } } } }`,
		map[string]any{"id": id})
	if len(r.Errors) > 0 || r.Get("node") == nil {
		t.Fatalf("reading the match: %+v", r.Errors)
	}
	b, err := json.Marshal(r.Get("node"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestMembersCannotRewriteMatchHistory: a party's MEMBER key cannot write
// the fields the server records (createdAt, score) in any state, cannot
// change a COMPLETED, DECLINED or WITHDRAWN match at all, and cannot
// delete a match; each refusal names the problem and leaves the match as
// it was. EDITOR keys still correct and delete.
func TestMembersCannotRewriteMatchHistory(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testMembersCannotRewriteMatchHistory)
}

func testMembersCannotRewriteMatchHistory(t *testing.T, a *apitest.API) {
	w := apitest.NewMatchWorld(t, a)
	const update = `mutation($id: ID!, $in: UpdateMatchInput!) { m: updateMatch(id: $id, input: $in) { id status score createdAt } }`
	const del = `mutation($id: ID!) { deleteMatch(id: $id) }`
	future := map[string]any{"createdAt": "2099-01-01T00:00:00Z"}
	score := map[string]any{"score": 1.0}
	tests := []struct {
		name   string
		status string
		who    func() apitest.Caller
		query  string
		input  map[string]any // nil: the query takes only the ID
		code   string
		words  string
	}{
		{"createdAt while proposed", "PROPOSED", func() apitest.Caller { return w.Seeker }, update, future, "FORBIDDEN", "createdAt is recorded by the server"},
		{"score while accepted", "ACCEPTED", func() apitest.Caller { return w.Provider }, update, score, "FORBIDDEN", "score is recorded by the server"},
		{"createdAt once accepted", "ACCEPTED", func() apitest.Caller { return w.Seeker }, update, future, "FORBIDDEN", "createdAt"},
		{"score once completed", "COMPLETED", func() apitest.Caller { return w.Seeker }, update, score, "FORBIDDEN", "score"},
		{"createdAt once completed", "COMPLETED", func() apitest.Caller { return w.Provider }, update, future, "FORBIDDEN", "createdAt"},
		{"an empty update of a completed match", "COMPLETED", func() apitest.Caller { return w.Provider }, update, map[string]any{}, "BAD_USER_INPUT", "COMPLETED, which is final"},
		{"an empty update of a declined match", "DECLINED", func() apitest.Caller { return w.Seeker }, update, map[string]any{}, "BAD_USER_INPUT", "DECLINED, which is final"},
		{"an empty update of a withdrawn match", "WITHDRAWN", func() apitest.Caller { return w.Provider }, update, map[string]any{}, "BAD_USER_INPUT", "WITHDRAWN, which is final"},
		{"answering a withdrawn match", "WITHDRAWN", func() apitest.Caller { return w.Seeker }, apitest.Accept, nil, "BAD_USER_INPUT", "WITHDRAWN, which is final"},
		{"deleting a completed match", "COMPLETED", func() apitest.Caller { return w.Provider }, del, nil, "FORBIDDEN", "deleting a match is for EDITOR and ADMIN keys"},
		{"deleting a proposed match", "PROPOSED", func() apitest.Caller { return w.Seeker }, del, nil, "FORBIDDEN", "deleting a match is for EDITOR and ADMIN keys"},
		{"a stranger deletes", "DECLINED", func() apitest.Caller { return w.Stranger }, del, nil, "FORBIDDEN", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := w.MatchIn(t, tt.status)
			before := matchRecord(t, w, id)
			vars := map[string]any{"id": id}
			if tt.input != nil {
				vars["in"] = tt.input
			}
			r := tt.who().Do(t, tt.query, vars)
			if got := apitest.ErrCode(r); got != tt.code {
				t.Fatalf("got code %q (%+v), want %q", got, r.Errors, tt.code)
			}
			if !strings.Contains(r.Errors[0].Message, tt.words) {
				t.Errorf("got message %q, want it to say %q", r.Errors[0].Message, tt.words)
			}
			if after := matchRecord(t, w, id); after != before {
				t.Errorf("got the match %s after the refusal, want %s", after, before)
			}
		})
	}

	// EDITOR keys correct the record and delete matches.
	id := w.MatchIn(t, "COMPLETED")
	r := w.Editor.Do(t, update, map[string]any{"id": id, "in": score})
	if len(r.Errors) > 0 || r.Get("m.score") != 1.0 {
		t.Errorf("an editor's correction: got %v %+v, want score 1", r.Get("m"), r.Errors)
	}
	if r := w.Editor.Do(t, del, map[string]any{"id": id}); len(r.Errors) > 0 || r.Str("deleteMatch") != id {
		t.Errorf("an editor's delete: got %v %+v, want %s", r.Data, r.Errors, id)
	}
}

// TestDeleteAuditRecordsTheRow: the audit event of a delete records the
// row that was removed (its fields as old values, its links as IDs,
// private fields redacted), for matches and for other types.
func TestDeleteAuditRecordsTheRow(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testDeleteAuditRecordsTheRow)
}

func testDeleteAuditRecordsTheRow(t *testing.T, a *apitest.API) {
	w := apitest.NewMatchWorld(t, a)
	offer, need := w.Offer(t, nil), w.Need(t)
	r := w.Provider.Do(t, apitest.Propose, map[string]any{"n": need, "o": offer})
	matchID := r.Str("m.id")
	for _, s := range []struct {
		who   apitest.Caller
		query string
	}{{w.Seeker, apitest.Accept}, {w.Provider, apitest.Complete}} {
		if r := s.who.Do(t, s.query, map[string]any{"id": matchID}); len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
	}
	r = w.Editor.Do(t, `mutation { createConsultant(input: {name: "Gone Person", email: "gone.person@example.org"}) { id } }`, nil)
	consultantID := r.Str("createConsultant.id")
	r = w.Editor.Do(t, `mutation { createProject(input: {code: "AUDIT_DELETE", title: "Deleted project", status: PROPOSED}) { id } }`, nil)
	projectID := r.Str("createProject.id")
	if matchID == "" || consultantID == "" || projectID == "" {
		t.Fatalf("setting up: %+v", r.Errors)
	}

	tests := []struct {
		name, mutation, id string
		want               map[string]any // field: its old value
		absent             string         // must not appear in the event
	}{
		{"a completed match", "deleteMatch", matchID, map[string]any{
			"status": "COMPLETED", "score": nil, "offer": offer, "need": need, "proposedBy": w.ProviderOrg,
			"message": "shall we?", "response": "yes", "createdAt": nil, "respondedAt": nil, "completedAt": nil}, ""},
		{"a consultant", "deleteConsultant", consultantID, map[string]any{"name": "Gone Person", "email": "[redacted]"}, "example.org"},
		{"a project", "deleteProject", projectID, map[string]any{"code": "AUDIT_DELETE", "title": "Deleted project", "status": "PROPOSED"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := w.Editor.Do(t, `mutation($id: ID!) { `+tt.mutation+`(id: $id) }`, map[string]any{"id": tt.id}); len(r.Errors) > 0 {
				t.Fatalf("deleting: %+v", r.Errors)
			}
			r := w.Admin.Do(t, `query($id: ID!) { auditEvents(where: {nodeID: $id, operation: DELETE}) { edges { node { operation changes } } } }`,
				map[string]any{"id": tt.id})
			if len(r.List("auditEvents.edges")) != 1 {
				t.Fatalf("got %d DELETE events (%+v), want 1", len(r.List("auditEvents.edges")), r.Errors)
			}
			changes, _ := r.Get("auditEvents.edges.0.node.changes").(map[string]any)
			for field, want := range tt.want {
				c, ok := changes[field].(map[string]any)
				if !ok {
					t.Errorf("got no %s in the event's changes %v", field, changes)
					continue
				}
				if old, has := c["old"]; !has || (want != nil && old != want) || old == nil {
					t.Errorf("got %s %v, want old value %v", field, c, want)
				}
			}
			if b, _ := json.Marshal(changes); tt.absent != "" && strings.Contains(string(b), tt.absent) {
				t.Errorf("got %s in the event, want it redacted", b)
			}
		})
	}
}
