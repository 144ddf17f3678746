package validate

import "testing"

func TestTextProblem(t *testing.T) {
	const control = ": text may not hold control characters other than tab and line breaks"
	for _, tt := range []struct {
		in, want string
	}{
		{"", ""},
		{"Café \uFFFD 東京\t\r\n", ""},
		{"\xc3", `byte 1 is not UTF-8 (save the file as UTF-8: in Excel, "CSV UTF-8")`},
		{"ab\xed\xa0\x80", `byte 3 is not UTF-8 (save the file as UTF-8: in Excel, "CSV UTF-8")`}, // a UTF-16 surrogate
		{"\x00", "byte 1 is a NUL character (U+0000)" + control},
		{"a\x1b[31m", "byte 2 is the control character U+001B" + control},
		{"del\x7f", ""}, // not C0
	} {
		if got := TextProblem(tt.in); got != tt.want {
			t.Errorf("TextProblem(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

// BenchmarkTextProblem checks a typical activity row's text (16 cells,
// 136 bytes, one accent), as the importer does per row:
//
//	go test ./internal/validate -run '^$' -bench TextProblem
func BenchmarkTextProblem(b *testing.B) {
	row := []string{"BENCH-1", "Benchmark activity 1", "Generated row 1, for timing", "SOUTH_SOUTH", "WORKSHOP",
		"COMPLETED", "2024-01-02", "2024-02-01", "Genève", "CH", "en", "", "1001", "EG:1; PE:7", "BR", "PATENTS"}
	n := 0
	for _, c := range row {
		n += len(c)
	}
	b.SetBytes(int64(n))
	for b.Loop() {
		for _, c := range row {
			if TextProblem(c) != "" {
				b.Fatal(c)
			}
		}
	}
}
