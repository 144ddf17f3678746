package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestImportReportsInvalidText: the command names the line and column of
// each cell that is not text (bytes that are not UTF-8, a NUL), prints
// no raw bytes of it, and fails with exit status 1 having written nothing.
func TestImportReportsInvalidText(t *testing.T) {
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "text.db")
	if err := Run(ctx, []string{"seed", "--db", dsn}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "orgs.csv")
	content := "ref,name,kind,country\nT-1,Caf\xe9,NGO,KE\nT-2,Fine,NGO,KE\nT-3,N\x00L,NGO,KE\n"
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err := Run(ctx, []string{"import", "--db", dsn, "organizations", path}, noEnv, &out, &errOut)
	if code := ExitCode(err); code != 1 {
		t.Fatalf("exit status %d (%v), want 1", code, err)
	}
	want := path + `:2: column name: byte 4 is not UTF-8 (save the file as UTF-8: in Excel, "CSV UTF-8")` + "\n" +
		path + ":4: column name: byte 2 is a NUL character (U+0000): text may not hold control characters other than tab and line breaks\n"
	if got := errOut.String(); got != want {
		t.Errorf("report: got\n%q\nwant\n%q", got, want)
	}
	if got, want := err.Error(), path+": 2 of 3 rows bad, 2 problems in all; nothing was written"; got != want {
		t.Errorf("summary: got %q, want %q", got, want)
	}
	if out.Len() != 0 {
		t.Errorf("standard output: got %q, want none", out.String())
	}
}
