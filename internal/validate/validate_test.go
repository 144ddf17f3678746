package validate

import (
	"errors"
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
