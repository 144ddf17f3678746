package apierr

import "testing"

func TestWithArticle(t *testing.T) {
	for _, tt := range []struct{ word, want string }{
		{"Organization", "an Organization"},
		{"Region", "a Region"},
		{"APIKey", "an APIKey"},
		{"offer", "an offer"},
		{"need", "a need"},
		{"EXPIRED", "an EXPIRED"},
		{"CLOSED", "a CLOSED"},
		{"", "a "},
	} {
		if got := WithArticle(tt.word); got != tt.want {
			t.Errorf("WithArticle(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}
