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
