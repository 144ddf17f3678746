package apierr

import "strings"

// WithArticle puts "a" or "an" before a word of a message clients read: a
// type's name ("an Organization", "a Region"), a posting's kind ("an
// offer", "a need") or a status ("an EXPIRED offer"). Every refusal that
// names such a word takes its article here, so that no message says "an
// need" or "a Organization".
func WithArticle(word string) string {
	if word != "" && strings.ContainsRune("AEIOUaeiou", rune(word[0])) {
		return "an " + word
	}
	return "a " + word
}
