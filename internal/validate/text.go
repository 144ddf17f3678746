package validate

import (
	"fmt"
	"unicode/utf8"
)

// TextProblem says what makes s unfit to be stored as text, or "" when
// nothing does. Refused are bytes that are not UTF-8 (a file saved in
// another encoding, or not text at all) and control characters other than
// tab, line feed and carriage return: NUL, which PostgreSQL cannot store,
// and the rest of C0, which no one types and which some JSON readers
// reject. Stored, either would come back in every answer that reads the
// record. Positions are in bytes, from 1.
func TextProblem(s string) string {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !encodedAt(s, i):
			return fmt.Sprintf("byte %d is not UTF-8 (save the file as UTF-8: in Excel, \"CSV UTF-8\")", i+1)
		case r == 0:
			return fmt.Sprintf("byte %d is a NUL character (U+0000): text may not hold control characters other than tab and line breaks", i+1)
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r':
			return fmt.Sprintf("byte %d is the control character U+%04X: text may not hold control characters other than tab and line breaks", i+1, r)
		}
	}
	return ""
}

// encodedAt reports whether the U+FFFD at byte i of s is written there (as
// its three UTF-8 bytes) rather than being how range reports a bad byte.
func encodedAt(s string, i int) bool {
	r, size := utf8.DecodeRuneInString(s[i:])
	return r == utf8.RuneError && size == 3
}

// Text returns a FieldError for field when TextProblem refuses s.
func Text(field, s string) error {
	if p := TextProblem(s); p != "" {
		return &FieldError{Field: field, Msg: p}
	}
	return nil
}
