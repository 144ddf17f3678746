package importer

import "sscgraph/internal/validate"

// badText says what makes a cell unfit to be stored as text (see
// validate.TextProblem), or "" when nothing does.
func badText(s string) string { return validate.TextProblem(s) }

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
