package server_test

import (
	"context"
	"fmt"
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
)

// TestRoleOperationMatrix: every role tries to create, update and delete
// every type. Programme data and matches change only with EDITOR and ADMIN
// keys; a MEMBER key is FORBIDDEN there (its own organization's offers and
// needs are in TestWritePermissions); anonymous callers are
// UNAUTHENTICATED. Every answer is checked, and refused writes leave the
// row as it was.
func TestRoleOperationMatrix(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testRoleOperationMatrix)
}

func testRoleOperationMatrix(t *testing.T, a *apitest.API) {
	ctx := context.Background()
	codec := a.Codec
	one := func(sql string) string {
		var id int
		fmt.Sscan(a.Column(t, sql)[0], &id)
		return codec.Encode(id)
	}
	country := one(`SELECT id FROM countries WHERE code = 'KE'`)
	region := one(`SELECT id FROM regions WHERE code = 'AFRICA'`)
	// A match is proposed between an OPEN offer (that does not expire and
	// has room: no accepted match) and an OPEN need of another
	// organization, each with other matches, not with each other.
	offer := one(`SELECT o.id FROM match_offers o WHERE o.status = 'OPEN' AND o.expires_at IS NULL
		AND EXISTS (SELECT 1 FROM matches m WHERE m.offer_id = o.id)
		AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.offer_id = o.id AND m.status IN ('ACCEPTED', 'COMPLETED')) ORDER BY o.id LIMIT 1`)
	offerKey, _ := codec.Decode(offer)
	need := one(fmt.Sprintf(`SELECT n.id FROM match_needs n WHERE n.status = 'OPEN'
		AND n.seeker_id <> (SELECT provider_id FROM match_offers WHERE id = %d)
		AND EXISTS (SELECT 1 FROM matches m WHERE m.need_id = n.id)
		AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.need_id = n.id AND m.offer_id = %d) ORDER BY n.id LIMIT 1`, offerKey, offerKey))
	// The MEMBER key's organization is no party to that offer and need:
	// the match rows here are someone else's.
	needKey, _ := codec.Decode(need)
	memberOrg, _ := codec.Decode(one(fmt.Sprintf(`SELECT id FROM organizations WHERE id NOT IN
		(SELECT provider_id FROM match_offers WHERE id = %d UNION SELECT seeker_id FROM match_needs WHERE id = %d) ORDER BY id LIMIT 1`, offerKey, needKey)))

	keys := map[string]string{"anonymous": ""}
	for _, role := range []string{auth.RoleAdmin, auth.RoleEditor, auth.RoleMember} {
		opts := auth.CreateOptions{Role: role}
		if role == auth.RoleMember {
			opts.OrganizationID = memberOrg
		}
		_, k, err := auth.Create(ctx, a.DB.Client, opts)
		if err != nil {
			t.Fatal(err)
		}
		keys[role] = k
	}

	// For each type: a create input (%d makes values unique), an update
	// input, and the field to read back.
	types := []struct {
		name, create, update, field string
	}{
		{"Region", `{code: "TEST_%d", name: "Test region"}`, `{name: "Renamed"}`, "name"},
		{"Topic", `{code: "TEST_%d", name: "Test topic", kind: SECTOR}`, `{name: "Renamed"}`, "name"},
		{"Project", `{code: "TEST_%d", title: "Test project", status: PROPOSED}`, `{title: "Renamed"}`, "title"},
		{"Activity", `{title: "Test activity %d", kind: TECHNICAL_ASSISTANCE, type: WORKSHOP, status: PLANNED, startDate: "2027-01-01T00:00:00Z", endDate: "2027-01-02T00:00:00Z"}`, `{title: "Renamed"}`, "title"},
		{"Consultant", `{name: "Test Person %d"}`, `{name: "Renamed"}`, "name"},
		{"Organization", `{name: "Test organization %d", kind: NGO, countryID: "` + country + `"}`, `{name: "Renamed"}`, "name"},
		{"Country", `{code: "AQ", iso3: "ATA", name: "Antarctica %d", latitude: -90, longitude: 0, regionID: "` + region + `"}`, `{name: "Renamed"}`, "name"},
		{"Recommendation", `{number: 45, cluster: F, title: "Recommendation %d"}`, `{title: "Renamed"}`, "title"},
		// Withdrawing is a move of the match alone (accepting would mark
		// the offer and the need MATCHED, and the next create would fail).
		{"Match", `{status: PROPOSED, score: 0.%d, createdAt: "2026-11-01T00:00:00Z", offerID: "` + offer + `", needID: "` + need + `"}`, `{status: WITHDRAWN}`, "status"},
	}
	// rivals are, for the types whose creates above reuse a unique key,
	// the rows holding that key; rivalCount counts them through the API,
	// as an admin, and in the database.
	rivals := map[string]rival{
		"Country":        {`countries(where: {code: "AQ"})`, `SELECT COUNT(*) FROM countries WHERE code = 'AQ'`},
		"Recommendation": {`recommendations(where: {number: 45})`, `SELECT COUNT(*) FROM recommendations WHERE number = 45`},
		"Match": {`matches(where: {hasOfferWith: {id: "` + offer + `"}, hasNeedWith: {id: "` + need + `"}})`,
			fmt.Sprintf(`SELECT COUNT(*) FROM matches WHERE offer_id = %d AND need_id = %d`, offerKey, needKey)},
	}
	// The match filter is tested only if the offer and the need each have
	// other matches for it to leave out.
	if a.Count(t, fmt.Sprintf(`SELECT COUNT(*) FROM matches WHERE offer_id = %d`, offerKey)) == 0 ||
		a.Count(t, fmt.Sprintf(`SELECT COUNT(*) FROM matches WHERE need_id = %d`, needKey)) == 0 {
		t.Fatal("the offer or the need has no other match: pick others")
	}
	rivalCount := func(t *testing.T, q rival) int {
		t.Helper()
		r := apitest.Caller{A: a, Key: keys[auth.RoleAdmin]}.Do(t, `{ rivals: `+q.api+` { totalCount } }`, nil)
		if len(r.Errors) > 0 || r.Status != 200 {
			t.Fatalf("counting rivals: status %d, errors %+v", r.Status, r.Errors)
		}
		n := r.Num("rivals.totalCount")
		if inDB := a.Count(t, q.sql); n != inDB {
			t.Errorf("the API counts %d rows for %s, the database %d", n, q.api, inDB)
		}
		return n
	}
	// makeRoom deletes the rows holding the key a create of typ reuses.
	// It counts them first, so that a filter that selects too much fails
	// the test instead of deleting other rows.
	makeRoom := func(t *testing.T, typ string, q rival) {
		t.Helper()
		n := rivalCount(t, q)
		admin := apitest.Caller{A: a, Key: keys[auth.RoleAdmin]}
		r := admin.Do(t, `{ rivals: `+q.api+` { edges { node { id } } } }`, nil)
		if len(r.Errors) > 0 || r.Status != 200 {
			t.Fatalf("listing rivals: status %d, errors %+v", r.Status, r.Errors)
		}
		ids := r.IDs("rivals")
		if len(ids) != n {
			t.Fatalf("%d rows hold the place of the new %s, the filter lists %d", n, typ, len(ids))
		}
		for _, id := range ids {
			d := admin.Do(t, fmt.Sprintf(`mutation($id: ID!) { delete%s(id: $id) }`, typ), map[string]any{"id": id})
			if len(d.Errors) > 0 || d.Str("delete"+typ) != id {
				t.Fatalf("making room: delete%s(%s) answered %v %+v", typ, id, d.Data, d.Errors)
			}
		}
		if got := rivalCount(t, q); got != 0 {
			t.Fatalf("after making room, %d rows hold the place of the new %s", got, typ)
		}
	}
	n := 0
	for _, typ := range types {
		for _, role := range []string{"anonymous", auth.RoleMember, auth.RoleEditor, auth.RoleAdmin} {
			n++
			c := apitest.Caller{A: a, Key: keys[role]}
			want := ""
			switch role {
			case "anonymous":
				want = "UNAUTHENTICATED"
			case auth.RoleMember:
				want = "FORBIDDEN"
			}
			t.Run(typ.name+"/"+role, func(t *testing.T) {
				// Countries and recommendations are a closed set (one
				// country per code, one recommendation per number) and
				// there is one match per offer and need: make room for
				// the create first, as an admin, so that a refusal below
				// is the role's doing and not a conflict.
				if q, ok := rivals[typ.name]; ok {
					makeRoom(t, typ.name, q)
				}
				create := fmt.Sprintf(`mutation { create%s(input: %s) { id } }`, typ.name, fmt.Sprintf(typ.create, n))
				r := c.Do(t, create, nil)
				if apitest.ErrCode(r) != want {
					t.Fatalf("create: errors %+v, want %q", r.Errors, want)
				}
				id := r.Str("create" + typ.name + ".id")
				if q, ok := rivals[typ.name]; ok {
					// The same filter finds the row just created (and so
					// could have found a leftover), none after a refusal.
					wantRows := 1
					if want != "" {
						wantRows = 0
					}
					if got := rivalCount(t, q); got != wantRows {
						t.Errorf("after the create by %s, %d rows hold the place, want %d", role, got, wantRows)
					}
				}
				if want != "" {
					if r.HasData && r.Get("create"+typ.name) != nil {
						t.Errorf("refused create answered data %v", r.Data)
					}
					// Update and delete an existing row, as this caller.
					id = one(fmt.Sprintf(`SELECT MIN(id) FROM %s`, table(typ.name)))
				}
				r = c.Do(t, fmt.Sprintf(`mutation($id: ID!) { update%s(id: $id, input: %s) { %s } }`, typ.name, typ.update, typ.field), map[string]any{"id": id})
				if apitest.ErrCode(r) != want {
					t.Errorf("update: errors %+v, want %q", r.Errors, want)
				}
				r = c.Do(t, fmt.Sprintf(`mutation($id: ID!) { delete%s(id: $id) }`, typ.name), map[string]any{"id": id})
				switch {
				case want != "" && apitest.ErrCode(r) != want:
					t.Errorf("delete: errors %+v, want %q", r.Errors, want)
				case want == "" && (len(r.Errors) > 0 || r.Str("delete"+typ.name) != id):
					t.Errorf("delete: %v %+v", r.Data, r.Errors)
				}
				still := a.Query(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}).Str("node.id") == id
				if still != (want != "") {
					t.Errorf("after delete by %s the row exists: %v", role, still)
				}
			})
		}
	}
}

// rival selects the rows holding a unique key, as a connection field with
// its filter (api) and as a SQL count (sql).
type rival struct{ api, sql string }

func table(typ string) string {
	return map[string]string{
		"Region": "regions", "Topic": "topics", "Project": "projects", "Activity": "activities",
		"Consultant": "consultants", "Organization": "organizations", "Country": "countries",
		"Recommendation": "recommendations", "Match": "matches",
	}[typ]
}
