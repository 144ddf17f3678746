package importer

import (
	"context"
	"fmt"
	"testing"

	"sscgraph/ent/matchneed"
	"sscgraph/ent/matchoffer"
	"sscgraph/ent/organization"
	"sscgraph/internal/database"
)

// TestImportRefusesMovingPostings replays a ref taken by hand: an offer
// (a need) of one organization holds the ref of a row that another
// organization provides (seeks) in the sheet. The import reports a
// conflict on that row's line and column instead of moving the posting,
// writes nothing of the sheet, and the posting keeps its organization,
// title and status.
func TestImportRefusesMovingPostings(t *testing.T) {
	for _, tt := range []struct {
		kind, ref, column string
		line              int
		// squat gives a posting of an organization other than the row's
		// the ref, and returns its ID and its organization's name.
		squat func(ctx context.Context, db *database.DB, ref, sheetOrg string) (id int, org string)
		// view is what must not change: organization, title and status.
		view func(ctx context.Context, db *database.DB, id int) (string, error)
	}{
		{kind: "offers", ref: "DEMO-OFF-2", column: "provider", line: 3,
			squat: func(ctx context.Context, db *database.DB, ref, sheetOrg string) (int, string) {
				o := db.Client.MatchOffer.Query().Where(matchoffer.StatusEQ(matchoffer.StatusMATCHED),
					matchoffer.HasProviderWith(organization.NameNEQ(sheetOrg))).WithProvider().FirstX(ctx)
				db.Client.MatchOffer.UpdateOne(o).SetRef(ref).ExecX(sysCtx)
				return o.ID, o.Edges.Provider.Name
			},
			view: func(ctx context.Context, db *database.DB, id int) (string, error) {
				o, err := db.Client.MatchOffer.Query().Where(matchoffer.ID(id)).WithProvider().Only(ctx)
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("%s|%s|%s|%v", o.Edges.Provider.Name, o.Title, o.Status, *o.Ref), nil
			}},
		{kind: "needs", ref: "DEMO-NEED-2", column: "seeker", line: 3,
			squat: func(ctx context.Context, db *database.DB, ref, sheetOrg string) (int, string) {
				n := db.Client.MatchNeed.Query().Where(matchneed.StatusEQ(matchneed.StatusMATCHED),
					matchneed.HasSeekerWith(organization.NameNEQ(sheetOrg))).WithSeeker().FirstX(ctx)
				db.Client.MatchNeed.UpdateOne(n).SetRef(ref).ExecX(sysCtx)
				return n.ID, n.Edges.Seeker.Name
			},
			view: func(ctx context.Context, db *database.DB, id int) (string, error) {
				n, err := db.Client.MatchNeed.Query().Where(matchneed.ID(id)).WithSeeker().Only(ctx)
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("%s|%s|%s|%v", n.Edges.Seeker.Name, n.Title, n.Status, *n.Ref), nil
			}},
	} {
		t.Run(tt.kind, func(t *testing.T) {
			backends(t, func(t *testing.T, db *database.DB) {
				ctx := context.Background()
				if res := importFile(t, db, "organizations", example("organizations"), false); len(res.Problems) > 0 {
					t.Fatalf("organizations: %+v", res.Problems)
				}
				// Row 3 of both example sheets belongs to DEMO-ORG-2.
				const sheetOrg = "Demo Andean Innovation University"
				id, owner := tt.squat(ctx, db, tt.ref, sheetOrg)
				before, err := tt.view(ctx, db, id)
				if err != nil {
					t.Fatal(err)
				}
				events := auditCount(t, db.Client)

				res := importFile(t, db, tt.kind, example(tt.kind), false)
				what := tt.kind[:len(tt.kind)-1]
				want := Problem{Line: tt.line, Column: tt.column, Reason: fmt.Sprintf(
					"conflict: ref %q is the %s of %q, not of %q: an import does not move a record to another organization (give the row a ref of its own, or move the %s with an EDITOR or ADMIN key)",
					tt.ref, what, owner, sheetOrg, what)}
				if len(res.Problems) != 1 || res.Problems[0] != want {
					t.Errorf("problems: got %+v, want [%+v]", res.Problems, want)
				}
				after, err := tt.view(ctx, db, id)
				if err != nil {
					t.Fatal(err)
				}
				if after != before {
					t.Errorf("the posting: got %s, want %s unchanged", after, before)
				}
				if n := auditCount(t, db.Client); n != events {
					t.Errorf("got %d audit events written, want none: nothing of the sheet is written", n-events)
				}
			})
		})
	}
}
