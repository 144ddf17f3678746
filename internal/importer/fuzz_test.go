package importer

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzKeys are small look-ups standing in for the database's, so that the
// fuzzer reaches every reference column.
func fuzzKeys() *keys {
	k := &keys{
		countries:     newLookup("country", "a code"),
		projects:      newLookup("project", "a code"),
		topics:        newLookup("topic", "a code"),
		regions:       newLookup("region", "a code"),
		organizations: newLookup("organization", "a ref"),
		consultants:   newLookup("consultant", "a ref"),
	}
	k.countries.addName("EG", 1)
	k.countries.addName("Egypt", 1)
	k.countries.addName("EC", 2)
	k.projects.addName("DA_1_10_12_40", 3)
	k.topics.addName("PATENTS", 4)
	k.regions.addName("AFRICA", 5)
	k.organizations.addExact("ORG-1", 6)
	k.consultants.addExact("CON-1", 7)
	return k
}

// FuzzReadSheet feeds arbitrary bytes to the CSV reader and every kind's
// row parser, as an import reads a file before it writes anything: no
// input may panic, and every problem must name a line of the file.
func FuzzReadSheet(f *testing.F) {
	for _, kind := range Kinds {
		data, err := os.ReadFile(filepath.Join("..", "..", "examples", "import", kind+".csv"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(kind, string(data))
	}
	f.Add("activities", "ref,title\n\"unterminated,x\n")
	f.Add("activities", "\ufeffref;title\nA;B\n")
	f.Add("activities", "ref,beneficiaries,participants\nA,EG:-1; EC:x; :3; EG:4,2\n")
	f.Add("offers", "title,kind,posted_at,expires_at\nT,FINANCIAL,2999-01-01,2020-02-30\n")
	f.Fuzz(func(t *testing.T, kind, content string) {
		var parse func(r *row)
		var spec []column
		switch kind {
		case "activities":
			spec, parse = activityColumns, func(r *row) { activities.parse(r) }
		case "consultants":
			spec, parse = consultantColumns, func(r *row) { consultants.parse(r) }
		case "organizations":
			spec, parse = organizationColumns, func(r *row) { organizations.parse(r) }
		case "offers":
			spec, parse = offerColumns, func(r *row) { offers.parse(r) }
		case "needs":
			spec, parse = needColumns, func(r *row) { needs.parse(r) }
		default:
			return
		}
		path := filepath.Join(t.TempDir(), "sheet.csv")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		cells, headerLine, tbl, err := openTable(nil, path)
		if err != nil {
			return // an empty or unreadable file is refused before any row
		}
		defer tbl.close()
		h, problems := readHeader(cells, headerLine, spec)
		lines := strings.Count(content, "\n") + 1
		k := fuzzKeys()
		for {
			line, cells, err := tbl.next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				break // a syntax error ends the file, as in run
			}
			r := &row{h: h, keys: k, line: line, cells: cells}
			r.checkShape()
			parse(r)
			problems = append(problems, r.problems...)
		}
		for _, p := range problems {
			if p.Line < 1 || p.Line > lines {
				t.Fatalf("problem %+v names line %d of a file of %d lines", p, p.Line, lines)
			}
			if p.Reason == "" {
				t.Fatalf("problem %+v gives no reason", p)
			}
		}
	})
}
