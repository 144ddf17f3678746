package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/xuri/excelize/v2"

	"sscgraph/ent"
	"sscgraph/ent/activity"
	"sscgraph/ent/auditevent"
	"sscgraph/ent/organization"
	"sscgraph/internal/database"
	"sscgraph/internal/viewer"
)

// The columns of the sourced real activities (issue 19): dates known to
// the month or the year, unknown dates and counts, the approximate flag,
// requester, organizers, sources, note and quote.

// realView is what an activity holds of those columns, keys as refs.
type realView struct {
	Start, End                   string // YYYY-MM-DD, "" for none
	StartPrecision, EndPrecision string
	Participants                 *int
	Approximate                  bool
	Requester                    string
	Organizers                   []string
	Sources                      []string
	Note, Quote                  string
}

func viewReal(t *testing.T, c *ent.Client, ref string) realView {
	t.Helper()
	a, err := c.Activity.Query().Where(activity.Ref(ref)).WithRequester().WithOrganizers().Only(context.Background())
	if err != nil {
		t.Fatalf("activity %s: %v", ref, err)
	}
	v := realView{
		Start: dateString(a.StartDate), End: dateString(a.EndDate),
		StartPrecision: string(a.StartDatePrecision), EndPrecision: string(a.EndDatePrecision),
		Participants: a.Participants, Approximate: a.ParticipantsApproximate,
		Note: a.Note, Quote: a.Quote,
	}
	if len(a.Sources) > 0 {
		v.Sources = a.Sources
	}
	if a.Edges.Requester != nil {
		v.Requester = deref(a.Edges.Requester.Ref)
	}
	for _, o := range a.Edges.Organizers {
		v.Organizers = append(v.Organizers, deref(o.Ref))
	}
	sort.Strings(v.Organizers)
	return v
}

// storedActivity reads an activity's precisions and nulls by SQL of its
// own, apart from ent: what the tables hold.
func storedActivity(t *testing.T, db *database.DB, ref string) string {
	t.Helper()
	var sp, ep string
	var noStart, noEnd, noCount bool
	q := fmt.Sprintf(`SELECT start_date_precision, end_date_precision, start_date IS NULL, end_date IS NULL, participants IS NULL FROM activities WHERE ref = '%s'`, ref)
	if err := db.SQL.QueryRow(q).Scan(&sp, &ep, &noStart, &noEnd, &noCount); err != nil {
		t.Fatalf("%s: %v", ref, err)
	}
	return fmt.Sprintf("%s %s null start %v, end %v, participants %v", sp, ep, noStart, noEnd, noCount)
}

// TestImportRealColumns: month and year dates are stored as their
// period's first day with their precision, blank dates and counts are
// null, and the approximate flag, requester, organizers, sources, note and
// quote round-trip; the same file again changes nothing, and a changed
// precision alone is an update.
func TestImportRealColumns(t *testing.T) {
	backends(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		c := db.Client
		importExamples(t, db)
		// The example's demo row of these columns.
		want5 := realView{
			Start: "2012-05-01", End: "2012-05-01", StartPrecision: "MONTH", EndPrecision: "MONTH",
			Participants: ptr(60), Approximate: true, Requester: "DEMO-ORG-3", Organizers: []string{"DEMO-ORG-1", "DEMO-ORG-3"},
			Sources: []string{"https://example.org/demo-source-1", "Demo report DEMO/1/2"},
			Note:    "Demo record: the day of the meeting is not in the source.", Quote: `"some 60 participants", in May 2012`,
		}
		if got := viewReal(t, c, "DEMO-ACT-5"); !reflect.DeepEqual(got, want5) {
			t.Errorf("DEMO-ACT-5 =\n%+v\nwant\n%+v", got, want5)
		}
		org := c.Organization.Query().Where(organization.Ref("DEMO-ORG-3")).OnlyX(ctx)
		if want := []string{"https://example.org/demo-network", "Demo directory DEMO/ORG/3"}; !slices.Equal(org.Sources, want) {
			t.Errorf("DEMO-ORG-3's sources %q, want %q", org.Sources, want)
		}
		if org := c.Organization.Query().Where(organization.Ref("DEMO-ORG-1")).OnlyX(ctx); org.Sources == nil || len(org.Sources) != 0 {
			t.Errorf("DEMO-ORG-1's sources %#v, want an empty list", org.Sources)
		}

		const header = "ref,title,kind,type,status,start_date,end_date,participants,participants_approximate,requester,organizers,sources,note,quote\n"
		first := header +
			"R-1,Known to the year,OTHER,CONFERENCE,COMPLETED,2011,2012,,,,,,,\n" +
			"R-2,Known to the day and the month,SOUTH_SOUTH,WORKSHOP,COMPLETED,2024-03-11,2024-04,12,no,Demo Regional IP Network,DEMO-ORG-2,,,\n" +
			"R-3,No dates,TECHNICAL_ASSISTANCE,STUDY,UNKNOWN,,,,,,,,,\n" +
			`R-4,Everything,OTHER,MEETING,UNKNOWN,2012-05,,60,TRUE,DEMO-ORG-1,DEMO-ORG-4; demo andean innovation university,"https://example.org/a?x=1;y=2; [S4] IP Watch ;  ; WIPO/SSC/GE/13/2;",A note.,"""around 60"", she said"` + "\n"
		path := writeFile(t, "real.csv", first)
		res := importFile(t, db, "activities", path, false)
		if len(res.Problems) > 0 || res.Created != 4 {
			t.Fatalf("%+v, want 4 created", res)
		}
		want := map[string]realView{
			"R-1": {Start: "2011-01-01", End: "2012-01-01", StartPrecision: "YEAR", EndPrecision: "YEAR"},
			"R-2": {Start: "2024-03-11", End: "2024-04-01", StartPrecision: "DAY", EndPrecision: "MONTH", Participants: ptr(12),
				Requester: "DEMO-ORG-3", Organizers: []string{"DEMO-ORG-2"}},
			"R-3": {StartPrecision: "DAY", EndPrecision: "DAY"},
			"R-4": {Start: "2012-05-01", StartPrecision: "MONTH", EndPrecision: "DAY", Participants: ptr(60), Approximate: true,
				Requester: "DEMO-ORG-1", Organizers: []string{"DEMO-ORG-2", "DEMO-ORG-4"},
				// A bare semicolon stays inside its entry; entries are
				// trimmed, empty ones dropped.
				Sources: []string{"https://example.org/a?x=1;y=2", "[S4] IP Watch", "WIPO/SSC/GE/13/2"},
				Note:    "A note.", Quote: `"around 60", she said`},
		}
		for ref, w := range want {
			if got := viewReal(t, c, ref); !reflect.DeepEqual(got, w) {
				t.Errorf("%s =\n%+v\nwant\n%+v", ref, got, w)
			}
		}
		for ref, w := range map[string]string{
			"R-1": "YEAR YEAR null start false, end false, participants true",
			"R-3": "DAY DAY null start true, end true, participants true",
			"R-4": "MONTH DAY null start false, end true, participants false",
		} {
			if got := storedActivity(t, db, ref); got != w {
				t.Errorf("%s holds %s, want %s", ref, got, w)
			}
		}

		// The same file again: every row unchanged, no audit event.
		events := auditCount(t, c)
		res = importFile(t, db, "activities", path, false)
		if len(res.Problems) > 0 || res.Created != 0 || res.Updated != 0 || res.Unchanged != res.Rows || res.Rows != 4 {
			t.Errorf("the same file again: %+v, want 4 unchanged", res)
		}
		if n := auditCount(t, c) - events; n != 0 {
			t.Errorf("the same file again wrote %d audit events", n)
		}

		// R-1's start given to the day (the same instant) changes its
		// precision alone; R-4's emptied cells clear what they held.
		second := header +
			"R-1,Known to the year,OTHER,CONFERENCE,COMPLETED,2011-01-01,2012,,,,,,,\n" +
			"R-2,Known to the day and the month,SOUTH_SOUTH,WORKSHOP,COMPLETED,2024-03-11,2024-04,12,no,Demo Regional IP Network,DEMO-ORG-2,,,\n" +
			"R-3,No dates,TECHNICAL_ASSISTANCE,STUDY,UNKNOWN,,,,,,,,,\n" +
			"R-4,Everything,OTHER,MEETING,UNKNOWN,2012-05,,,,,,,,\n"
		res = importFile(t, db, "activities", writeFile(t, "real2.csv", second), false)
		if len(res.Problems) > 0 || res.Updated != 2 || res.Unchanged != 2 {
			t.Fatalf("%+v, want 2 updated and 2 unchanged", res)
		}
		w1 := want["R-1"]
		w1.StartPrecision = "DAY"
		if got := viewReal(t, c, "R-1"); !reflect.DeepEqual(got, w1) {
			t.Errorf("R-1 =\n%+v\nwant\n%+v", got, w1)
		}
		id1 := c.Activity.Query().Where(activity.Ref("R-1")).OnlyIDX(ctx)
		ev, err := c.AuditEvent.Query().Where(auditevent.NodeID(id1), auditevent.OperationEQ(auditevent.OperationUPDATE)).Only(sysCtx)
		if err != nil {
			t.Fatal(err)
		}
		if keys := mapKeys(ev.Changes); !slices.Equal(keys, []string{"startDatePrecision"}) {
			t.Errorf("R-1's update changes %v, want only startDatePrecision (the API's name)", keys)
		}
		w4 := realView{Start: "2012-05-01", StartPrecision: "MONTH", EndPrecision: "DAY"}
		if got := viewReal(t, c, "R-4"); !reflect.DeepEqual(got, w4) {
			t.Errorf("R-4 after emptying its cells =\n%+v\nwant\n%+v", got, w4)
		}
		if got, w := storedActivity(t, db, "R-4"), "MONTH DAY null start false, end true, participants true"; got != w {
			t.Errorf("R-4 holds %s, want %s", got, w)
		}
	})
}

// TestImportBadDates: a date cell of none of the three forms is a
// problem of its column, and the schema compares the stored dates (an end
// known to the year is its 1 January).
func TestImportBadDates(t *testing.T) {
	backends(t, func(t *testing.T, db *database.DB) {
		path := writeFile(t, "dates.csv", `ref,title,kind,type,status,start_date,end_date
D-1,x,OTHER,OTHER,UNKNOWN,2012-13,
D-2,x,OTHER,OTHER,UNKNOWN,,20121
D-3,x,OTHER,OTHER,UNKNOWN,2012-5,2012-00
D-4,x,OTHER,OTHER,UNKNOWN,2012-05,2012
D-5,x,OTHER,OTHER,UNKNOWN,2012-05,2012-05-31
`)
		res := importFile(t, db, "activities", path, false)
		const forms = "is not a date of the form YYYY-MM-DD, YYYY-MM (a month) or YYYY (a year)"
		want := []Problem{
			{2, "start_date", `"2012-13" ` + forms},
			{3, "end_date", `"20121" ` + forms},
			{4, "start_date", `"2012-5" ` + forms},
			{4, "end_date", `"2012-00" ` + forms},
			{5, "end_date", "the end date 2012-01-01 is before the start date 2012-05-01"},
		}
		if !reflect.DeepEqual(res.Problems, want) {
			t.Errorf("problems\n%+v\nwant\n%+v", res.Problems, want)
		}
		if n := db.Client.Activity.Query().Where(activity.RefHasPrefix("D-")).CountX(context.Background()); n != 0 {
			t.Errorf("a file with bad dates wrote %d activities", n)
		}
	})
}

// TestRunIn imports sheets of an fs.FS (CSV and XLSX) inside a
// transaction the test owns, as the dataset loader does with its embedded
// sheets: later sheets resolve records earlier ones wrote in it, a bad
// sheet or a dry run leaves the transaction as it was (and usable on
// PostgreSQL), the viewer is the caller's (unaudited here), and nothing
// is committed until the caller commits.
func TestRunIn(t *testing.T) {
	book := excelize.NewFile()
	sheet := book.GetSheetName(0)
	for i, r := range [][]any{{"ref", "name", "kind", "sources"}, {"FS-ORG-2", "Demo embedded workbook office", "IP_OFFICE", "https://example.org/fs-xlsx"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := book.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	xlsx, err := book.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	const actHeader = "ref,title,kind,type,status,start_date,end_date,requester,organizers,sources\n"
	fsys := fstest.MapFS{
		"real/organizations.csv":  {Data: []byte("ref,name,kind,sources\nFS-ORG-1,Demo embedded office,IP_OFFICE,https://example.org/fs-1\n")},
		"real/organizations.xlsx": {Data: xlsx.Bytes()},
		"real/activities.csv": {Data: []byte(actHeader +
			"FS-ACT-1,Demo embedded meeting,OTHER,MEETING,UNKNOWN,2015,,FS-ORG-1,FS-ORG-1; FS-ORG-2,https://example.org/fs-2\n")},
		// A good row and a bad one: neither stays.
		"real/bad.csv": {Data: []byte(actHeader +
			"FS-ACT-2,Demo good row of a bad sheet,OTHER,MEETING,UNKNOWN,2016,,,,\n" +
			"FS-ACT-3,Demo bad row,OTHER,MEETING,UNKNOWN,2016-13,,,,\n")},
		"real/dry.csv": {Data: []byte(actHeader + "FS-ACT-4,Demo dry run,OTHER,MEETING,UNKNOWN,,,,,\n")},
	}
	backends(t, func(t *testing.T, db *database.DB) {
		ctx := viewer.WithSystem(context.Background(), viewer.System{Name: "DATASET"})
		tx, err := db.Client.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := RunIn(ctx, tx, Options{Kind: "nothing", FS: fsys, Path: "real/activities.csv"}); !errors.Is(err, ErrUnknownKind) {
			t.Errorf("unknown kind: %v, want ErrUnknownKind", err)
		}
		committed := false
		defer func() {
			if !committed {
				_ = tx.Rollback()
			}
		}()
		run := func(kind, path string, dryRun bool) *Result {
			t.Helper()
			res, err := RunIn(ctx, tx, Options{Kind: kind, FS: fsys, Path: path, DryRun: dryRun})
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			return res
		}
		if _, err := RunIn(ctx, tx, Options{Kind: "activities", FS: fsys, Path: "real/missing.csv"}); err == nil {
			t.Error("a file the FS does not hold imported")
		}
		for _, p := range []string{"real/organizations.csv", "real/organizations.xlsx", "real/activities.csv"} {
			kind := "organizations"
			if p == "real/activities.csv" {
				kind = "activities"
			}
			if res := run(kind, p, false); len(res.Problems) > 0 || res.Created != 1 {
				t.Fatalf("%s: %+v, want 1 created", p, res)
			}
		}
		res := run("activities", "real/bad.csv", false)
		if got := problemKeys(res.Problems); !slices.Equal(got, []string{"3 start_date"}) || res.Rows != 2 {
			t.Errorf("bad sheet: %+v, want one problem, 3 start_date", res)
		}
		if res := run("activities", "real/dry.csv", true); len(res.Problems) > 0 || res.Created != 1 {
			t.Errorf("dry run: %+v, want 1 created", res)
		}
		// The transaction is still usable, and holds what the good
		// sheets wrote.
		if res := run("activities", "real/activities.csv", false); res.Unchanged != 1 || res.Rows != 1 {
			t.Errorf("the same sheet again in the transaction: %+v, want 1 unchanged", res)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		committed = true

		c := db.Client
		w := realView{Start: "2015-01-01", StartPrecision: "YEAR", EndPrecision: "DAY", Requester: "FS-ORG-1",
			Organizers: []string{"FS-ORG-1", "FS-ORG-2"}, Sources: []string{"https://example.org/fs-2"}}
		if got := viewReal(t, c, "FS-ACT-1"); !reflect.DeepEqual(got, w) {
			t.Errorf("FS-ACT-1 =\n%+v\nwant\n%+v", got, w)
		}
		for ref, src := range map[string]string{"FS-ORG-1": "https://example.org/fs-1", "FS-ORG-2": "https://example.org/fs-xlsx"} {
			o, err := c.Organization.Query().Where(organization.Ref(ref)).Only(context.Background())
			if err != nil {
				t.Fatalf("%s: %v", ref, err)
			}
			if !slices.Equal(o.Sources, []string{src}) {
				t.Errorf("%s's sources %q, want %q", ref, o.Sources, src)
			}
		}
		if n := c.Activity.Query().Where(activity.RefIn("FS-ACT-2", "FS-ACT-3", "FS-ACT-4")).CountX(context.Background()); n != 0 {
			t.Errorf("%d activities of the bad sheet and the dry run were committed", n)
		}
		// The caller's viewer wrote, unaudited: no event, none via IMPORT.
		id := c.Activity.Query().Where(activity.Ref("FS-ACT-1")).OnlyIDX(context.Background())
		if n := c.AuditEvent.Query().Where(auditevent.NodeID(id)).CountX(sysCtx); n != 0 || auditCount(t, c) != 0 {
			t.Errorf("%d audit events of FS-ACT-1, %d via %s; want none", n, auditCount(t, c), Actor)
		}
	})
}

// TestImportSourcesBounds: a sources cell is bounded as the API bounds
// lists of sources, for organizations too, whose schema does not check
// them.
func TestImportSourcesBounds(t *testing.T) {
	db := openSQLite(t)
	long := strings.Repeat("x", 501)
	many := strings.TrimSuffix(strings.Repeat("s; ", 201), "; ")
	path := writeFile(t, "orgs.csv", "ref,name,kind,sources\nB-1,Demo long source,NGO,ok; "+long+"\nB-2,Demo many sources,NGO,"+many+"\nB-3,Demo fine,NGO,"+strings.Repeat("y", 500)+"\n")
	res := importFile(t, db, "organizations", path, false)
	want := []Problem{
		{2, "sources", fmt.Sprintf("source 2 is 501 characters long; at most 500 are allowed (%q)", excerpt(long))},
		{3, "sources", "201 sources; at most 200 are allowed"},
	}
	if !reflect.DeepEqual(res.Problems, want) {
		t.Errorf("problems\n%+v\nwant\n%+v", res.Problems, want)
	}
}

// hiddenFS serves files that can only be read in sequence (no ReadAt), or
// that say they are of size bytes, as an fs.FS other than embed.FS may.
type hiddenFS struct {
	fs.FS
	size int64 // 0: the file's own
}

type hiddenFile struct {
	fs.File
	size int64
}

type sizedInfo struct {
	fs.FileInfo
	size int64
}

func (i sizedInfo) Size() int64 { return i.size }

func (h hiddenFS) Open(name string) (fs.File, error) {
	f, err := h.FS.Open(name)
	if err != nil {
		return nil, err
	}
	return hiddenFile{File: f, size: h.size}, nil
}

func (f hiddenFile) Stat() (fs.FileInfo, error) {
	st, err := f.File.Stat()
	if err != nil || f.size == 0 {
		return st, err
	}
	return sizedInfo{st, f.size}, nil
}

// TestOpenXLSXFromFS: a workbook of an fs.FS reads as one on disk, whether
// its file can be read at offsets or only in sequence (then into memory,
// within the workbook's size limit).
func TestOpenXLSXFromFS(t *testing.T) {
	book := excelize.NewFile()
	sheet := book.GetSheetName(0)
	for i, r := range [][]any{{"ref", "name"}, {"W-1", "Demo"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := book.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := book.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	mapFS := fstest.MapFS{"w.xlsx": {Data: buf.Bytes()}}
	for name, fsys := range map[string]fs.FS{"ReaderAt": mapFS, "sequential": hiddenFS{FS: mapFS}} {
		if _, ok := mustOpen(t, fsys, "w.xlsx").(io.ReaderAt); ok == (name == "sequential") {
			t.Fatalf("%s: the file's ReadAt is not as the case says", name)
		}
		header, line, tbl, err := openTable(fsys, "w.xlsx")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		_, cells, err := tbl.next()
		tbl.close()
		if err != nil || line != 1 || !slices.Equal(header, []string{"ref", "name"}) || !slices.Equal(cells, []string{"W-1", "Demo"}) {
			t.Errorf("%s: header %q on line %d, then %q (%v)", name, header, line, cells, err)
		}
	}
	_, _, _, err = openTable(hiddenFS{FS: mapFS, size: maxXLSXBytes + 1}, "w.xlsx")
	if err == nil || !strings.Contains(err.Error(), "more than the 33554432 the importer reads") {
		t.Errorf("a workbook said to be past the limit: %v", err)
	}
}

func mustOpen(t *testing.T, fsys fs.FS, name string) fs.File {
	t.Helper()
	f, err := fsys.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
