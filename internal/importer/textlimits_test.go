package importer

import (
	"context"
	"strings"
	"testing"

	"sscgraph/internal/database"
)

// TestImportTextMaxLength: the schema's maximum text lengths hold for
// imports too (the importer writes through ent's validators): a
// description one character too long is a bad row naming its column, and
// the import writes nothing; one at the maximum, in two-byte letters, is
// written.
func TestImportTextMaxLength(t *testing.T) {
	backends(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		header := "ref,title,description,kind,type,status,start_date,end_date\n"
		row := func(ref, desc string) string {
			return ref + ",Length," + desc + ",TECHNICAL_ASSISTANCE,WORKSHOP,COMPLETED,2024-01-01,2024-01-02\n"
		}
		before, err := db.Client.Activity.Query().Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		res := importFile(t, db, "activities", writeFile(t, "long.csv", header+row("LEN-1", strings.Repeat("é", 20000))+row("LEN-2", strings.Repeat("a", 20001))), false)
		if len(res.Problems) != 1 || res.Problems[0].Line != 3 || res.Problems[0].Column != "description" || !strings.Contains(res.Problems[0].Reason, "at most 20000") {
			t.Errorf("got problems %+v, want one on line 3, description, saying at most 20000", res.Problems)
		}
		if after, _ := db.Client.Activity.Query().Count(ctx); after != before {
			t.Errorf("got %d activities written, want 0", after-before)
		}
		res = importFile(t, db, "activities", writeFile(t, "max.csv", header+row("LEN-1", strings.Repeat("é", 20000))), false)
		if len(res.Problems) != 0 {
			t.Errorf("got problems %+v, want none", res.Problems)
		}
		if after, _ := db.Client.Activity.Query().Count(ctx); after != before+1 {
			t.Errorf("got %d activities written, want 1", after-before)
		}
	})
}
