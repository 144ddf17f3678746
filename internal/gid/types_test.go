package gid

import (
	"errors"
	"fmt"
	"testing"

	"sscgraph/internal/apierr"
)

// TestCheckType: every layer that asks "is this ID of type X" gets its
// answer here, so the sentence clients read is pinned once: the ID as
// issued, then both types with their article.
func TestCheckType(t *testing.T) {
	c := newCodec(t, "check type")
	ctx := withCodec(c)
	region := 1<<rangeBits + 5
	org := 40<<rangeBits + 3
	cases := []struct {
		name string
		key  int
		want string
		msg  string // TypeMismatch; "" means the key is of type want
	}{
		{"same type", region, "Region", ""},
		{"other type, consonant", region, "Country", fmt.Sprintf("%q is the ID of a Region, not of a Country", c.Encode(region))},
		{"other type, vowel wanted", region, "Organization", fmt.Sprintf("%q is the ID of a Region, not of an Organization", c.Encode(region))},
		{"vowel got", org, "Topic", fmt.Sprintf("%q is the ID of an Organization, not of a Topic", c.Encode(org))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.TypeMismatch(tc.key, tc.want); got != tc.msg {
				t.Errorf("TypeMismatch: got %q, want %q", got, tc.msg)
			}
			err := CheckType(ctx, "input.countryID", tc.key, tc.want)
			if tc.msg == "" {
				if err != nil {
					t.Errorf("CheckType: got %v, want nil", err)
				}
				return
			}
			var ae *apierr.Error
			if !errors.As(err, &ae) {
				t.Fatalf("CheckType: got %T %v, want an *apierr.Error", err, err)
			}
			if got, want := ae.Message, "input.countryID: "+tc.msg; got != want {
				t.Errorf("CheckType message: got %q, want %q", got, want)
			}
			if got, want := ae.Code, apierr.BadUserInput; got != want {
				t.Errorf("CheckType code: got %v, want %v", got, want)
			}
			if got, want := ae.Extensions["field"], "input.countryID"; got != want {
				t.Errorf("CheckType field: got %v, want %v", got, want)
			}
		})
	}
}
