package export

import (
	"encoding/json"
	"testing"
)

// TestCSVCell: text that starts like a formula gets an apostrophe; numbers
// (negative ones included), booleans and lists of safe codes do not.
func TestCSVCell(t *testing.T) {
	for _, tt := range []struct {
		in   any
		want string
	}{
		{`=HYPERLINK("http://evil.example/","x")`, `'=HYPERLINK("http://evil.example/","x")`},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"@A1", "'@A1"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"a=b", "a=b"},
		{" =1", " =1"},
		{"", ""},
		{nil, ""},
		{json.Number("-20300.5"), "-20300.5"},
		{json.Number("-3"), "-3"},
		{true, "true"},
		{[]string{"EG", "NA"}, "EG;NA"},
		{[]any{"=1", "en"}, "'=1;en"},
	} {
		if got := csvCell(tt.in); got != tt.want {
			t.Errorf("csvCell(%#v): got %q, want %q", tt.in, got, tt.want)
		}
	}
}
