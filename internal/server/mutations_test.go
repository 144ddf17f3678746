package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
)

// TestWritePermissions is the role x operation matrix for the mutations
// so far: every caller tries to create, update and delete a project
// (programme data) and a Match offer of its own organization and of
// another, and each answer is checked, as is what the database holds
// afterwards.
func TestWritePermissions(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testWritePermissions)
}

func testWritePermissions(t *testing.T, a *apitest.API) {
	ctx := context.Background()
	codec := a.Codec
	orgs := a.Column(t, `SELECT o.id FROM organizations o WHERE EXISTS (SELECT 1 FROM match_offers m WHERE m.provider_id = o.id) ORDER BY o.id LIMIT 2`)
	var own, other int
	fmt.Sscan(orgs[0], &own)
	fmt.Sscan(orgs[1], &other)
	newKey := func(role string, org int) string {
		_, k, err := auth.Create(ctx, a.DB.Client, auth.CreateOptions{Role: role, OrganizationID: org})
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	callers := map[string]apitest.Caller{
		"anonymous": {A: a, Key: ""},
		"MEMBER":    {A: a, Key: newKey(auth.RoleMember, own)},
		"EDITOR":    {A: a, Key: newKey(auth.RoleEditor, 0)},
		"ADMIN":     {A: a, Key: newKey(auth.RoleAdmin, 0)},
	}
	offerOf := func(org int) string {
		var id int
		fmt.Sscan(a.Column(t, fmt.Sprintf(`SELECT id FROM match_offers WHERE provider_id = %d ORDER BY id LIMIT 1`, org))[0], &id)
		return codec.Encode(id)
	}
	topic := a.Column(t, `SELECT id FROM topics ORDER BY id LIMIT 1`)[0]
	var topicID int
	fmt.Sscan(topic, &topicID)

	// want: "" (allowed) or the error code.
	type row struct {
		caller, op, want string
	}
	matrix := []row{
		{"anonymous", "project", "UNAUTHENTICATED"}, {"MEMBER", "project", "FORBIDDEN"},
		{"EDITOR", "project", ""}, {"ADMIN", "project", ""},
		{"anonymous", "own offer", "UNAUTHENTICATED"}, {"MEMBER", "own offer", ""},
		{"EDITOR", "own offer", ""}, {"ADMIN", "own offer", ""},
		{"anonymous", "other's offer", "UNAUTHENTICATED"}, {"MEMBER", "other's offer", "FORBIDDEN"},
		{"EDITOR", "other's offer", ""}, {"ADMIN", "other's offer", ""},
	}
	for i, m := range matrix {
		c := callers[m.caller]
		t.Run(m.caller+"/"+m.op, func(t *testing.T) {
			var created string
			switch m.op {
			case "project":
				code := fmt.Sprintf("TEST_%d", i)
				r := c.Do(t, `mutation($in: CreateProjectInput!) { createProject(input: $in) { id code status } }`,
					map[string]any{"in": map[string]any{"code": code, "title": "A test project", "status": "PROPOSED", "topicIDs": []string{codec.Encode(topicID)}}})
				if apitest.ErrCode(r) != m.want {
					t.Fatalf("create: errors %+v, want %q", r.Errors, m.want)
				}
				if n := a.Count(t, `SELECT COUNT(*) FROM projects WHERE code = '`+code+`'`); (n == 1) != (m.want == "") {
					t.Fatalf("create answered %q but the database holds %d such projects", m.want, n)
				}
				if m.want != "" {
					return
				}
				created = r.Str("createProject.id")
				r = c.Do(t, `mutation($id: ID!) { updateProject(id: $id, input: {status: APPROVED, addCountryIDs: []}) { status } }`, map[string]any{"id": created})
				if apitest.ErrCode(r) != "" || r.Str("updateProject.status") != "APPROVED" {
					t.Errorf("update: %+v %+v", r.Data, r.Errors)
				}
				r = c.Do(t, `mutation($id: ID!) { deleteProject(id: $id) }`, map[string]any{"id": created})
				if apitest.ErrCode(r) != "" || r.Str("deleteProject") != created {
					t.Errorf("delete: %+v %+v", r.Data, r.Errors)
				}
				if n := a.Count(t, `SELECT COUNT(*) FROM projects WHERE code = '`+code+`'`); n != 0 {
					t.Errorf("deleted project still there")
				}
			default:
				org := own
				if m.op == "other's offer" {
					org = other
				}
				offer := offerOf(org)
				title := fmt.Sprintf("Offer title %d", i)
				r := c.Do(t, `mutation($id: ID!, $t: String!) { updateMatchOffer(id: $id, input: {title: $t}) { title } }`, map[string]any{"id": offer, "t": title})
				if apitest.ErrCode(r) != m.want {
					t.Fatalf("update: errors %+v, want %q", r.Errors, m.want)
				}
				if n := a.Count(t, `SELECT COUNT(*) FROM match_offers WHERE title = '`+title+`'`); (n == 1) != (m.want == "") {
					t.Errorf("update answered %q but %d offers have the new title", m.want, n)
				}
				// Creating an offer for the organization.
				r = c.Do(t, `mutation($in: CreateMatchOfferInput!) { createMatchOffer(input: $in) { id provider { id } } }`,
					map[string]any{"in": map[string]any{"title": "New " + title, "kind": "TECHNICAL", "status": "OPEN", "postedAt": "2026-11-01T00:00:00Z", "providerID": codec.Encode(org)}})
				if apitest.ErrCode(r) != m.want {
					t.Errorf("create: errors %+v, want %q", r.Errors, m.want)
				}
				if m.want == "" {
					r = c.Do(t, `mutation($id: ID!) { deleteMatchOffer(id: $id) }`, map[string]any{"id": r.Str("createMatchOffer.id")})
					if apitest.ErrCode(r) != "" {
						t.Errorf("delete: %+v", r.Errors)
					}
				}
			}
		})
	}
	t.Run("a member cannot move its offer to another organization", func(t *testing.T) {
		r := callers["MEMBER"].Do(t, `mutation($id: ID!, $org: ID!) { updateMatchOffer(id: $id, input: {providerID: $org}) { id } }`,
			map[string]any{"id": offerOf(own), "org": codec.Encode(other)})
		if apitest.ErrCode(r) != "FORBIDDEN" {
			t.Errorf("errors %+v, want FORBIDDEN", r.Errors)
		}
	})
}

// TestMutationValidationAndAtomicity: invalid values are refused with the
// field's path, and a bulk create with a bad last item writes nothing.
func TestMutationValidationAndAtomicity(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testMutationValidationAndAtomicity)
}

func testMutationValidationAndAtomicity(t *testing.T, a *apitest.API) {
	_, key, err := auth.Create(context.Background(), a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	c := apitest.Caller{A: a, Key: key}
	r := c.Do(t, `mutation { createProject(input: {code: "X_EMPTY", title: "", status: PROPOSED}) { id } }`, nil)
	if apitest.ErrCode(r) != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "input.title" {
		t.Errorf("empty title: %+v", r.Errors)
	}
	before := a.Count(t, `SELECT COUNT(*) FROM activities`)
	good := map[string]any{"title": "Bulk workshop", "kind": "TECHNICAL_ASSISTANCE", "type": "WORKSHOP", "status": "PLANNED",
		"startDate": "2027-01-10T00:00:00Z", "endDate": "2027-01-12T00:00:00Z"}
	bad := map[string]any{}
	for k, v := range good {
		bad[k] = v
	}
	bad["title"] = ""
	r = c.Do(t, `mutation($in: [CreateActivityInput!]!) { createActivities(inputs: $in) { id } }`,
		map[string]any{"in": []any{good, good, good, bad}})
	if apitest.ErrCode(r) != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "inputs[3].title" {
		t.Errorf("bad last item: %+v", r.Errors)
	}
	if after := a.Count(t, `SELECT COUNT(*) FROM activities`); after != before {
		t.Errorf("a failed bulk create left %d activities behind", after-before)
	}
	r = c.Do(t, `mutation($in: [CreateActivityInput!]!) { createActivities(inputs: $in) { id title } }`,
		map[string]any{"in": []any{good, good}})
	if apitest.ErrCode(r) != "" || len(r.List("createActivities")) != 2 {
		t.Errorf("two good items: %+v %+v", r.Data, r.Errors)
	}
	if after := a.Count(t, `SELECT COUNT(*) FROM activities`); after != before+2 {
		t.Errorf("activities: %d, want %d", after, before+2)
	}
}

// TestMutationForeignIDs: an ID of the wrong type in an input is refused
// before anything runs, naming the field.
func TestMutationForeignIDs(t *testing.T) {
	t.Parallel()
	a := apitest.New(t, apitest.SQLiteCopy(t))
	_, key, err := auth.Create(context.Background(), a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	c := apitest.Caller{A: a, Key: key}
	r := a.Query(t, `{ regions(first: 1) { edges { node { id } } } topics(first: 1) { edges { node { id } } } }`, nil)
	region, topic := r.Str("regions.edges.0.node.id"), r.Str("topics.edges.0.node.id")
	for _, tt := range []struct {
		name, query, path, wrong string
	}{
		{"single edge", `mutation($x: ID!) { createMatchOffer(input: {title: "t", kind: TECHNICAL, status: OPEN, postedAt: "2026-01-01T00:00:00Z", providerID: $x}) { id } }`, "input.providerID", region},
		{"list edge", `mutation($x: ID!) { createActivity(input: {title: "t", kind: TECHNICAL_ASSISTANCE, type: WORKSHOP, status: PLANNED, startDate: "2027-01-01T00:00:00Z", endDate: "2027-01-02T00:00:00Z", beneficiaryCountryIDs: [$x]}) { id } }`, "input.beneficiaryCountryIDs[0]", topic},
		{"add on update", `mutation($x: ID!, $id: ID!) { updateProject(id: $id, input: {addRecommendationIDs: [$x]}) { id } }`, "input.addRecommendationIDs[0]", region},
		{"update of another type", `mutation($x: ID!) { updateProject(id: $x, input: {title: "t"}) { id } }`, "is the ID of a Region, not of a Project", region},
		{"delete of another type", `mutation($x: ID!) { deleteTopic(id: $x) }`, "is the ID of a Region, not of a Topic", region},
	} {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]any{"x": tt.wrong}
			if bytes.Contains([]byte(tt.query), []byte("$id")) {
				p := a.Query(t, `{ projects(first: 1) { edges { node { id } } } }`, nil)
				vars["id"] = p.Str("projects.edges.0.node.id")
			}
			r := c.Do(t, tt.query, vars)
			if apitest.ErrCode(r) != "BAD_USER_INPUT" || !bytes.Contains([]byte(r.Errors[0].Message), []byte(tt.path)) || r.HasData {
				t.Errorf("errors %+v, want BAD_USER_INPUT naming %s before running", r.Errors, tt.path)
			}
		})
	}
}

// TestValueRules: each rule of writes refuses a bad value with the field's
// path, and lets a good one through.
func TestValueRules(t *testing.T) {
	t.Parallel()
	a := apitest.New(t, apitest.SQLiteCopy(t))
	ctx := context.Background()
	_, editorKey, err := auth.Create(ctx, a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	editor := apitest.Caller{A: a, Key: editorKey}
	r := a.Query(t, `{ countries(first: 1, where: {code: "KE"}) { edges { node { id } } } regions(first: 1) { edges { node { id } } } }`, nil)
	kenya, region := r.Str("countries.edges.0.node.id"), r.Str("regions.edges.0.node.id")
	activity := func(extra string) string {
		return `mutation { createActivity(input: {title: "t", kind: SOUTH_SOUTH, type: WORKSHOP, status: PLANNED, startDate: "2027-01-05T00:00:00Z", endDate: "2027-01-06T00:00:00Z"` + extra + `}) { id } }`
	}
	for _, tt := range []struct {
		name, query, field string // field "" when the write must succeed
	}{
		{"end before start", `mutation { createProject(input: {code: "R1", title: "t", status: PROPOSED, startDate: "2027-02-01T00:00:00Z", endDate: "2027-01-01T00:00:00Z"}) { id } }`, "input.endDate"},
		// No source names a provider for the programme's own South-South
		// conferences: the write is accepted (issue 19).
		{"South-South without a provider", activity(""), ""},
		{"South-South with a provider", activity(`, providerCountryIDs: ["` + kenya + `"]`), ""},
		{"unknown language", activity(`, providerCountryIDs: ["` + kenya + `"], language: "xx"`), "input.language"},
		{"negative participants", activity(`, providerCountryIDs: ["` + kenya + `"], participants: -3`), "input.participants"},
		{"unknown country code", `mutation { createCountry(input: {code: "QQ", iso3: "QQQ", name: "Nowhere", latitude: 0, longitude: 0, regionID: "` + region + `"}) { id } }`, "input.code"},
		{"mismatched alpha-3", `mutation { updateCountry(id: "` + kenya + `", input: {iso3: "UGA"}) { id } }`, "input.iso3"},
		{"language list", `mutation { createConsultant(input: {name: "Test Person", languages: ["en", "qq"]}) { id } }`, "input.languages[1]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := editor.Do(t, tt.query, nil)
			if tt.field == "" {
				if len(r.Errors) > 0 {
					t.Errorf("refused: %+v", r.Errors)
				}
				return
			}
			if apitest.ErrCode(r) != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != tt.field {
				t.Errorf("errors %+v, want BAD_USER_INPUT on %s", r.Errors, tt.field)
			}
		})
	}

	t.Run("only editors reopen a closed offer", func(t *testing.T) {
		var orgID, offerID int
		fmt.Sscan(a.Column(t, `SELECT provider_id FROM match_offers WHERE status = 'CLOSED' ORDER BY id LIMIT 1`)[0], &orgID)
		fmt.Sscan(a.Column(t, fmt.Sprintf(`SELECT id FROM match_offers WHERE status = 'CLOSED' AND provider_id = %d ORDER BY id LIMIT 1`, orgID))[0], &offerID)
		_, memberKey, err := auth.Create(ctx, a.DB.Client, auth.CreateOptions{Role: auth.RoleMember, OrganizationID: orgID})
		if err != nil {
			t.Fatal(err)
		}
		q := `mutation($id: ID!) { updateMatchOffer(id: $id, input: {status: OPEN}) { status } }`
		vars := map[string]any{"id": a.Codec.Encode(offerID)}
		if r := (apitest.Caller{A: a, Key: memberKey}).Do(t, q, vars); apitest.ErrCode(r) != "FORBIDDEN" {
			t.Errorf("member reopening: %+v, want FORBIDDEN", r.Errors)
		}
		if r := editor.Do(t, q, vars); len(r.Errors) > 0 || r.Str("updateMatchOffer.status") != "OPEN" {
			t.Errorf("editor reopening: %+v %+v", r.Data, r.Errors)
		}
	})
}

// TestDeleteRules: a row others depend on is not deleted, and the error
// names what depends on it; optional references are cleared instead.
func TestDeleteRules(t *testing.T) {
	t.Parallel()
	a := apitest.New(t, apitest.SQLiteCopy(t))
	_, key, err := auth.Create(context.Background(), a.DB.Client, auth.CreateOptions{Role: auth.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	admin := apitest.Caller{A: a, Key: key}
	codec := a.Codec
	first := func(sql string) string {
		var id int
		fmt.Sscan(a.Column(t, sql)[0], &id)
		return codec.Encode(id)
	}
	for _, tt := range []struct {
		name, mutation, id, want string
	}{
		{"region with countries", "deleteRegion", first(`SELECT id FROM regions WHERE code = 'AFRICA'`), "countries"},
		{"organization with offers", "deleteOrganization", first(`SELECT provider_id FROM match_offers ORDER BY id LIMIT 1`), "offers"},
		{"offer with matches", "deleteMatchOffer", first(`SELECT offer_id FROM matches ORDER BY id LIMIT 1`), "matches"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := admin.Do(t, fmt.Sprintf(`mutation($id: ID!) { %s(id: $id) }`, tt.mutation), map[string]any{"id": tt.id})
			deps, _ := json.Marshal(r.Errors)
			if apitest.ErrCode(r) != "BAD_USER_INPUT" || !bytes.Contains(deps, []byte(tt.want)) {
				t.Errorf("errors %s, want a refusal naming %s", deps, tt.want)
			}
			if r := a.Query(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": tt.id}); r.Str("node.id") != tt.id {
				t.Errorf("the %s is gone after a refused delete", tt.name)
			}
		})
	}
	t.Run("an optional reference is cleared", func(t *testing.T) {
		project := first(`SELECT project_id FROM activities WHERE project_id IS NOT NULL ORDER BY id LIMIT 1`)
		var key int
		key, _ = codec.Decode(project)
		linked := a.Count(t, fmt.Sprintf(`SELECT COUNT(*) FROM activities WHERE project_id = %d`, key))
		before := a.Count(t, `SELECT COUNT(*) FROM activities`)
		r := admin.Do(t, `mutation($id: ID!) { deleteProject(id: $id) }`, map[string]any{"id": project})
		if len(r.Errors) > 0 {
			t.Fatalf("deleting a project with %d activities: %+v", linked, r.Errors)
		}
		if after := a.Count(t, `SELECT COUNT(*) FROM activities`); after != before {
			t.Errorf("activities went from %d to %d; they should stay, without their project", before, after)
		}
		if n := a.Count(t, fmt.Sprintf(`SELECT COUNT(*) FROM activities WHERE project_id = %d`, key)); n != 0 {
			t.Errorf("%d activities still point at the deleted project", n)
		}
	})
}

// TestAuditTrail: every successful write leaves one event with who, when,
// what and the changed fields; failed writes leave none; only ADMIN keys
// read the trail, newest first.
func TestAuditTrail(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testAuditTrail)
}

func testAuditTrail(t *testing.T, a *apitest.API) {
	ctx := context.Background()
	editorRec, editorKey, err := auth.Create(ctx, a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
	if err != nil {
		t.Fatal(err)
	}
	_, adminKey, err := auth.Create(ctx, a.DB.Client, auth.CreateOptions{Role: auth.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	editor, admin := apitest.Caller{A: a, Key: editorKey}, apitest.Caller{A: a, Key: adminKey}
	r := editor.Do(t, `mutation { createProject(input: {code: "AUDIT_1", title: "First title", status: PROPOSED}) { id } }`, nil)
	id := r.Str("createProject.id")
	if id == "" {
		t.Fatalf("create: %+v", r.Errors)
	}
	if r := editor.Do(t, `mutation($id: ID!) { updateProject(id: $id, input: {title: "Second title"}) { id } }`, map[string]any{"id": id}); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	// A failed write: the title is empty.
	if r := editor.Do(t, `mutation($id: ID!) { updateProject(id: $id, input: {title: ""}) { id } }`, map[string]any{"id": id}); len(r.Errors) == 0 {
		t.Fatal("an empty title was accepted")
	}
	if r := editor.Do(t, `mutation($id: ID!) { deleteProject(id: $id) }`, map[string]any{"id": id}); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}

	q := `query($id: ID!) { auditEvents(where: {nodeID: $id}) { totalCount edges { node { operation type nodeID keyID role at changes } } } }`
	r = admin.Do(t, q, map[string]any{"id": id})
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	if n := r.Num("auditEvents.totalCount"); n != 3 {
		t.Fatalf("%d events, want 3 (create, update, delete; none for the failed update)", n)
	}
	ops := []string{r.Str("auditEvents.edges.0.node.operation"), r.Str("auditEvents.edges.1.node.operation"), r.Str("auditEvents.edges.2.node.operation")}
	if ops[0] != "DELETE" || ops[1] != "UPDATE" || ops[2] != "CREATE" {
		t.Errorf("operations newest first = %v, want DELETE UPDATE CREATE", ops)
	}
	ev := "auditEvents.edges.1.node."
	if r.Str(ev+"type") != "Project" || r.Str(ev+"nodeID") != id || r.Str(ev+"keyID") != a.Codec.Encode(editorRec.ID) || r.Str(ev+"role") != "EDITOR" {
		t.Errorf("update event = %v", r.Get("auditEvents.edges.1.node"))
	}
	title, _ := r.Get(ev + "changes.title").(map[string]any)
	if title["old"] != "First title" || title["new"] != "Second title" {
		t.Errorf("update changes = %v, want title from First title to Second title", r.Get(ev+"changes"))
	}

	for _, c := range []apitest.Caller{editor, {A: a, Key: ""}} {
		r := c.Do(t, q, map[string]any{"id": id})
		if len(r.Errors) == 0 || r.Get("auditEvents") != nil {
			t.Errorf("a non-admin read the trail: %v %+v", r.Data, r.Errors)
		}
	}
}

// TestEmailWritesAndRedaction: editors set e-mail addresses, which must be
// addresses, and the audit trail never shows them.
func TestEmailWritesAndRedaction(t *testing.T) {
	t.Parallel()
	a := apitest.New(t, apitest.SQLiteCopy(t))
	ctx := context.Background()
	_, editorKey, _ := auth.Create(ctx, a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
	_, adminKey, _ := auth.Create(ctx, a.DB.Client, auth.CreateOptions{Role: auth.RoleAdmin})
	editor, admin := apitest.Caller{A: a, Key: editorKey}, apitest.Caller{A: a, Key: adminKey}
	r := editor.Do(t, `mutation { createConsultant(input: {name: "Mail Person", email: "not an address"}) { id } }`, nil)
	if apitest.ErrCode(r) != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "input.email" {
		t.Errorf("bad address: %+v", r.Errors)
	}
	r = editor.Do(t, `mutation { createConsultant(input: {name: "Mail Person", email: "mail.person@example.org"}) { id email } }`, nil)
	id := r.Str("createConsultant.id")
	if len(r.Errors) > 0 || r.Str("createConsultant.email") != "mail.person@example.org" {
		t.Fatalf("create: %+v %+v", r.Data, r.Errors)
	}
	if r := editor.Do(t, `mutation($id: ID!) { updateConsultant(id: $id, input: {email: "new.address@example.org"}) { id } }`, map[string]any{"id": id}); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	r = admin.Do(t, `query($id: ID!) { auditEvents(where: {nodeID: $id}) { edges { node { operation changes } } } }`, map[string]any{"id": id})
	b, _ := json.Marshal(r.Data)
	if bytes.Contains(b, []byte("example.org")) || !bytes.Contains(b, []byte("[redacted]")) {
		t.Errorf("the audit trail shows e-mail addresses: %s", b)
	}
}

// TestKeysThroughTheAPI: ADMIN keys make, list and revoke keys through
// GraphQL; other keys cannot; the new key works and the revoked one is
// refused.
func TestKeysThroughTheAPI(t *testing.T) {
	t.Parallel()
	a := apitest.New(t, apitest.SQLiteCopy(t))
	ctx := context.Background()
	_, adminKey, _ := auth.Create(ctx, a.DB.Client, auth.CreateOptions{Role: auth.RoleAdmin})
	_, editorKey, _ := auth.Create(ctx, a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
	admin, editor := apitest.Caller{A: a, Key: adminKey}, apitest.Caller{A: a, Key: editorKey}
	create := `mutation($in: CreateAPIKeyInput!) { createAPIKey(input: $in) { key apiKey { id role name hint } } }`

	if r := editor.Do(t, create, map[string]any{"in": map[string]any{"role": "ADMIN"}}); apitest.ErrCode(r) != "FORBIDDEN" {
		t.Errorf("an editor made a key: %+v %+v", r.Data, r.Errors)
	}
	if r := admin.Do(t, create, map[string]any{"in": map[string]any{"role": "MEMBER"}}); apitest.ErrCode(r) != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "input.organizationID" {
		t.Errorf("a member key without organization: %+v", r.Errors)
	}
	r := admin.Do(t, create, map[string]any{"in": map[string]any{"role": "EDITOR", "name": "made through the API"}})
	key := r.Str("createAPIKey.key")
	if len(r.Errors) > 0 || key == "" || r.Str("createAPIKey.apiKey.role") != "EDITOR" {
		t.Fatalf("create: %+v %+v", r.Data, r.Errors)
	}
	if r := (apitest.Caller{A: a, Key: key}).Do(t, `mutation { createTopic(input: {code: "VIA_API_KEY", name: "t", kind: SECTOR}) { id } }`, nil); len(r.Errors) > 0 {
		t.Errorf("the new key cannot write: %+v", r.Errors)
	}

	r = admin.Do(t, `{ apiKeys(first: 10) { totalCount edges { node { id name } } } }`, nil)
	if len(r.Errors) > 0 || r.Num("apiKeys.totalCount") != 3 {
		t.Errorf("apiKeys: %+v %+v", r.Data, r.Errors)
	}
	if r := editor.Do(t, `{ apiKeys(first: 10) { totalCount } }`, nil); len(r.Errors) == 0 {
		t.Errorf("an editor listed keys: %+v", r.Data)
	}

	r = admin.Do(t, create, map[string]any{"in": map[string]any{"role": "EDITOR"}})
	other, otherID := r.Str("createAPIKey.key"), r.Str("createAPIKey.apiKey.id")
	if r := admin.Do(t, `mutation($id: ID!) { revokeAPIKey(id: $id) { id } }`, map[string]any{"id": otherID}); len(r.Errors) > 0 {
		t.Fatalf("revoke: %+v", r.Errors)
	}
	if r := (apitest.Caller{A: a, Key: other}).Do(t, `{ regions(first: 1) { totalCount } }`, nil); apitest.ErrCode(r) != "UNAUTHENTICATED" {
		t.Errorf("a revoked key answered %+v %+v", r.Data, r.Errors)
	}
}

// TestLinksToMissingRows: an ID of the right type whose row is gone is
// refused with the edge and the ID, not a database error.
func TestLinksToMissingRows(t *testing.T) {
	t.Parallel()
	a := apitest.New(t, apitest.SQLiteCopy(t))
	_, key, _ := auth.Create(context.Background(), a.DB.Client, auth.CreateOptions{Role: auth.RoleEditor})
	editor := apitest.Caller{A: a, Key: key}
	r := editor.Do(t, `mutation { createOrganization(input: {name: "Short-lived", kind: NGO}) { id } }`, nil)
	gone := r.Str("createOrganization.id")
	if r := editor.Do(t, `mutation($id: ID!) { deleteOrganization(id: $id) }`, map[string]any{"id": gone}); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	r = editor.Do(t, `mutation($org: ID!) { createMatchOffer(input: {title: "t", kind: TECHNICAL, status: OPEN, postedAt: "2026-01-01T00:00:00Z", providerID: $org}) { id } }`, map[string]any{"org": gone})
	if apitest.ErrCode(r) != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "input.provider" || !bytes.Contains([]byte(r.Errors[0].Message), []byte(gone)) {
		t.Errorf("errors %+v, want BAD_USER_INPUT on input.provider naming %s", r.Errors, gone)
	}
}
