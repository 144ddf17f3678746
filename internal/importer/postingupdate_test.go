package importer

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"sscgraph/ent"
	"sscgraph/ent/country"
	"sscgraph/ent/matchneed"
	"sscgraph/ent/matchoffer"
	"sscgraph/internal/database"
)

// TestImportPostingUpdates: the one update of offers and needs
// (updatePosting) keeps what each kind does: an identical row writes
// nothing, a kind's own fields change (a need's country, an offer's
// capacity), and a status change, expiry included, follows the
// lifecycle, which names what it refuses and writes nothing.
func TestImportPostingUpdates(t *testing.T) {
	tests := []struct {
		name, kind, file   string
		updated, unchanged int
		problem            string // a part of the one problem wanted, "" for none
		check              func(ctx context.Context, c *ent.Client) (got, want string)
	}{
		{
			name: "identical need", kind: "needs",
			file:      "ref,title,kind,seeker,country\nDEMO-NEED-1,Demo need: modernising an IP office,TECHNICAL,DEMO-ORG-1,KE\n",
			unchanged: 1,
		},
		{
			name: "need's country", kind: "needs",
			file:    "ref,title,kind,seeker,country\nDEMO-NEED-1,Demo need: modernising an IP office,TECHNICAL,DEMO-ORG-1,SEN\n",
			updated: 1,
			check: func(ctx context.Context, c *ent.Client) (string, string) {
				n := c.MatchNeed.Query().Where(matchneed.Ref("DEMO-NEED-1")).WithCountry().OnlyX(ctx)
				return n.Edges.Country.Code, c.Country.Query().Where(country.Iso3("SEN")).OnlyX(ctx).Code
			},
		},
		{
			name: "need's refused status", kind: "needs",
			file:    "ref,title,kind,status,seeker,country\nDEMO-NEED-3,Demo need: a copyright awareness campaign,TECHNICAL,MATCHED,DEMO-ORG-4,SEN\n",
			problem: "cannot go from CLOSED to MATCHED",
			check: func(ctx context.Context, c *ent.Client) (string, string) {
				return string(c.MatchNeed.Query().Where(matchneed.Ref("DEMO-NEED-3")).OnlyX(ctx).Status), "CLOSED"
			},
		},
		{
			name: "offer's capacity", kind: "offers",
			file:    "ref,title,kind,provider,capacity\nDEMO-OFF-1,Demo offer: patent examination training,TECHNICAL,DEMO-ORG-1,5\n",
			updated: 1,
			check: func(ctx context.Context, c *ent.Client) (string, string) {
				o := c.MatchOffer.Query().Where(matchoffer.Ref("DEMO-OFF-1")).OnlyX(ctx)
				return strconv.Itoa(o.Capacity), "5"
			},
		},
		{
			name: "offer expiring in the past", kind: "offers",
			file:    "ref,title,kind,provider,expires_at\nDEMO-OFF-2,Demo offer: funding for registering geographical indications,FINANCIAL,DEMO-ORG-2,2020-01-01\n",
			problem: "cannot go from OPEN to EXPIRED",
			check: func(ctx context.Context, c *ent.Client) (string, string) {
				o := c.MatchOffer.Query().Where(matchoffer.Ref("DEMO-OFF-2")).OnlyX(ctx)
				return fmt.Sprint(o.ExpiresAt), "<nil>"
			},
		},
	}
	backends(t, func(t *testing.T, db *database.DB) {
		importExamples(t, db)
		ctx := context.Background()
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := importFile(t, db, tt.kind, writeFile(t, tt.kind+".csv", tt.file), false)
				switch {
				case tt.problem == "" && len(res.Problems) > 0:
					t.Errorf("got problems %+v, want none", res.Problems)
				case tt.problem != "" && (len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Reason, tt.problem)):
					t.Errorf("got problems %+v, want one saying %q", res.Problems, tt.problem)
				}
				if res.Updated != tt.updated || res.Unchanged != tt.unchanged {
					t.Errorf("got %d updated and %d unchanged, want %d and %d", res.Updated, res.Unchanged, tt.updated, tt.unchanged)
				}
				if tt.check != nil {
					if got, want := tt.check(ctx, db.Client); got != want {
						t.Errorf("got %s, want %s", got, want)
					}
				}
			})
		}
	})
}
