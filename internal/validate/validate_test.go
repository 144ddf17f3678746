package validate

import (
	"errors"
	"strings"
	"testing"
)

func TestRules(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		field string // "" when valid
	}{
		{"known language", Language("language", "sw"), ""},
		{"unknown language", Language("language", "xx"), "language"},
		{"upper-case language", Language("language", "EN"), "language"},
		{"list with a bad code", Languages("languages", []string{"en", "zz"}), "languages[1]"},
		{"country pair", CountryCodes("KE", "KEN"), ""},
		{"unknown alpha-2", CountryCodes("XQ", ""), "code"},
		{"lower-case alpha-2", CountryCodes("ke", ""), "code"},
		{"mismatched pair", CountryCodes("KE", "UGA"), "iso3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fe *FieldError
			switch {
			case tt.field == "" && tt.err != nil:
				t.Errorf("err = %v, want none", tt.err)
			case tt.field != "" && (!errors.As(tt.err, &fe) || fe.Field != tt.field):
				t.Errorf("err = %v, want a FieldError on %s", tt.err, tt.field)
			}
		})
	}
	if len(languages) < 180 || len(alpha2) != 249 {
		t.Errorf("lists: %d languages, %d countries", len(languages), len(alpha2))
	}
}

func TestMaxRunes(t *testing.T) {
	check := MaxRunes(5)
	for _, tt := range []struct {
		name, s string
		ok      bool
	}{
		{"empty", "", true},
		{"at the maximum", "abcde", true},
		{"two-byte letters at the maximum", "ééééé", true},
		{"one past", "abcdef", false},
		{"two-byte letters one past", "éééééé", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := check(tt.s); (err == nil) != tt.ok {
				t.Errorf("got %v, want ok=%v", err, tt.ok)
			}
		})
	}
	if err := check("abcdefg"); err == nil || err.Error() != "is 7 characters long; at most 5 are allowed" {
		t.Errorf("got %v, want the length and the maximum", err)
	}
}

func TestShortList(t *testing.T) {
	long := strings.Repeat("x", MaxListItem+1)
	for _, tt := range []struct {
		name  string
		items []string
		field string // "" when the list passes
	}{
		{"empty", nil, ""},
		{"at the maximum", make([]string, MaxListLen), ""},
		{"too many entries", make([]string, MaxListLen+1), "documents"},
		{"an entry too long", []string{"a", long}, "documents[1]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := ShortList("documents", tt.items)
			var fe *FieldError
			switch {
			case tt.field == "" && err != nil:
				t.Errorf("got %v, want none", err)
			case tt.field != "" && (!errors.As(err, &fe) || fe.Field != tt.field):
				t.Errorf("got %v, want a FieldError on %s", err, tt.field)
			}
		})
	}
}
