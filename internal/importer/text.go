package importer

import (
	"fmt"
	"unicode/utf8"
)

// badText says what makes a cell unfit to be stored as text, or "" when
// nothing does. Refused are bytes that are not UTF-8 (a file saved in
// another encoding, or not text at all) and control characters other than
// tab, line feed and carriage return: NUL, which PostgreSQL cannot store,
// and the rest of C0, which no one types and which some JSON readers
// reject. Stored, either would come back in every answer that reads the
// record.
func badText(s string) string {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !validAt(s, i):
			return fmt.Sprintf("byte %d is not UTF-8 (save the file as UTF-8: in Excel, \"CSV UTF-8\")", i+1)
		case r == 0:
			return fmt.Sprintf("byte %d is a NUL character (U+0000): text may not hold control characters other than tab and line breaks", i+1)
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r':
			return fmt.Sprintf("byte %d is the control character U+%04X: text may not hold control characters other than tab and line breaks", i+1, r)
		}
	}
	return ""
}

// validAt reports whether the U+FFFD at byte i of s is written there (as
// its three UTF-8 bytes) rather than being how range reports a bad byte.
func validAt(s string, i int) bool {
	r, size := utf8.DecodeRuneInString(s[i:])
	return r == utf8.RuneError && size == 3
}

// checkText reports every cell of a named column that badText refuses.
// Other cells are never stored: checkShape reports those that hold
// anything, and the header the unknown columns.
func (r *row) checkText() {
	for name, i := range r.h.idx {
		if i >= len(r.cells) {
			continue
		}
		if reason := badText(r.cells[i]); reason != "" {
			r.bad(name, "%s", reason)
		}
	}
}
