package importer

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"

	"sscgraph/ent/organization"
	"sscgraph/internal/database"
)

const (
	notUTF8 = `byte 4 is not UTF-8 (save the file as UTF-8: in Excel, "CSV UTF-8")`
	control = ": text may not hold control characters other than tab and line breaks"
)

// TestImportRefusesInvalidText: a row whose cells hold bytes that are not
// UTF-8, a NUL or another control character is refused, naming its line
// and column, and nothing of the file is written; tabs, line breaks and a
// real U+FFFD are text.
func TestImportRefusesInvalidText(t *testing.T) {
	csvFile := "ref,name,kind,country\n" +
		"TXT-1,Caf\xe9 des brevets,IP_OFFICE,KE\n" + // Latin-1, not UTF-8
		"TXT-2,Nul\x00office,IP_OFFICE,KE\n" +
		"TXT\x01-3,Bell office,IP_OFFICE,KE\n" +
		"TXT-4,\"Tab\there, line\nbreak and \uFFFD\",IP_OFFICE,KE\n" +
		"TXT-6,Fine office,IP_OFFICE,Kenya\x7f\n" // DEL is not C0: an unknown country, not bad text
	wantCSV := []Problem{
		{2, "name", notUTF8},
		{3, "name", "byte 4 is a NUL character (U+0000)" + control},
		{4, "ref", "byte 4 is the control character U+0001" + control},
		{7, "country", `unknown country "Kenya\x7f" (give an ISO 3166-1 alpha-2 or alpha-3 code, such as EG or EGY, or the English name)`},
	}
	header := "ref,na\xffme,kind,country\nTXT-7,Header office,IP_OFFICE,KE\n"
	wantHeader := []Problem{
		{1, "#2", "the column's name: byte 3 is not UTF-8 (save the file as UTF-8: in Excel, \"CSV UTF-8\")"},
		{1, "name", "required column is missing"},
	}
	// XML cannot hold control characters; workbooks write them as
	// _x000B_, which excelize decodes.
	xlsx := writeXLSX(t, [][]any{
		{"ref", "name", "kind", "country"},
		{"TXT-8", "Vertical_x000B_tab office", "IP_OFFICE", "KE"},
		{"TXT-9", "Good office", "IP_OFFICE", "KE"},
	})
	wantXLSX := []Problem{{2, "name", "byte 9 is the control character U+000B" + control}}
	if cells := readXLSX(t, xlsx); cells[1][1] != "Vertical\vtab office" {
		t.Fatalf("the workbook's cell reads %q, want a vertical tab in it", cells[1][1])
	}

	backends(t, func(t *testing.T, db *database.DB) {
		for _, tt := range []struct {
			name, path string
			want       []Problem
		}{
			{"csv", writeFile(t, "text.csv", csvFile), wantCSV},
			{"csv header", writeFile(t, "header.csv", header), wantHeader},
			{"xlsx", xlsx, wantXLSX},
		} {
			t.Run(tt.name, func(t *testing.T) {
				before := auditCount(t, db.Client)
				res := importFile(t, db, "organizations", tt.path, false)
				if !reflect.DeepEqual(res.Problems, tt.want) {
					t.Errorf("problems: got\n%+v\nwant\n%+v", res.Problems, tt.want)
				}
				n, err := db.Client.Organization.Query().Where(organization.RefHasPrefix("TXT")).Count(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if n != 0 || auditCount(t, db.Client) != before {
					t.Errorf("a refused file wrote %d organizations and %d audit events, want 0 and 0", n, auditCount(t, db.Client)-before)
				}
			})
		}
	})
}

// readXLSX reads a workbook's first sheet as the importer does.
func readXLSX(t *testing.T, path string) [][]string {
	t.Helper()
	tab, err := openXLSX(nil, path)
	if err != nil {
		t.Fatal(err)
	}
	defer tab.close()
	var out [][]string
	for {
		_, cells, err := tab.next()
		if err != nil {
			return out
		}
		out = append(out, append([]string(nil), cells...))
	}
}

// writeXLSX writes rows to the first sheet of a new workbook.
func writeXLSX(t *testing.T, rows [][]any) string {
	t.Helper()
	f := excelize.NewFile()
	sheet := f.GetSheetName(0)
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "text.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}
