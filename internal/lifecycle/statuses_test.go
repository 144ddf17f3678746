package lifecycle

import (
	"slices"
	"testing"

	"entgo.io/ent/dialect/sql/schema"

	"sscgraph/ent/match"
	"sscgraph/ent/matchneed"
	"sscgraph/ent/matchoffer"
	"sscgraph/ent/migrate"
)

// TestStatusesAreEnts: the statuses the rules know are exactly the values
// of ent's status enums, in their order, for offers, needs (which never
// expire) and matches. The constants come from ent's offer and match
// enums; a need's enum is separate, so this is what keeps it from
// drifting, and what notices a value added to ent that the rules ignore.
func TestStatusesAreEnts(t *testing.T) {
	tests := []struct {
		name  string
		table *schema.Table
		col   string
		want  []string
	}{
		{"offer", migrate.MatchOffersTable, matchoffer.FieldStatus, []string{Open, Matched, Closed, Expired}},
		{"need", migrate.MatchNeedsTable, matchneed.FieldStatus, []string{Open, Matched, Closed}},
		{"match", migrate.MatchesTable, match.FieldStatus, matchStates},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, c := range tt.table.Columns {
				if c.Name == tt.col {
					got = c.Enums
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got ent's %s statuses %q, want lifecycle's %q", tt.name, got, tt.want)
			}
		})
	}
}
