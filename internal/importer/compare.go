package importer

import (
	"errors"
	"slices"
	"strings"
	"time"

	"entgo.io/ent/dialect/sql/schema"

	"sscgraph/ent"
	"sscgraph/internal/validate"
)

// What a row changes in the record its ref names: only the columns the
// sheet has, and only what differs, so that a row identical to its record
// writes nothing (no update, no audit event).

// diff collects the changes of one update.
type diff struct {
	h       *header
	changed bool
}

// field applies a change when the sheet has the column and the value
// differs.
func (d *diff) field(col string, differs bool, apply func()) {
	if d.h.has(col) && differs {
		apply()
		d.changed = true
	}
}

// edge adds and removes the keys that make the record's edge hold want.
func edge[T any](d *diff, col string, want, have []int, add, remove func(...int) T) {
	if !d.h.has(col) {
		return
	}
	added, removed := setDiff(want, have)
	if len(added) > 0 {
		add(added...)
		d.changed = true
	}
	if len(removed) > 0 {
		remove(removed...)
		d.changed = true
	}
}

// addIDs links a new record to ids, if any: an empty call would still
// show the edge as changed in the audit event.
func addIDs[T any](add func(...int) T, ids []int) {
	if len(ids) > 0 {
		add(ids...)
	}
}

// setDiff returns the keys of want missing from have, and of have missing
// from want.
func setDiff(want, have []int) (added, removed []int) {
	for _, id := range want {
		if !slices.Contains(have, id) {
			added = append(added, id)
		}
	}
	for _, id := range have {
		if !slices.Contains(want, id) {
			removed = append(removed, id)
		}
	}
	return added, removed
}

// unique is a to-one edge's key, 0 for none.
func unique[T any](e *T, id func(*T) int) int {
	if e == nil {
		return 0
	}
	return id(e)
}

func countryKeys(cs []*ent.Country) []int {
	return keysOf(cs, func(c *ent.Country) int { return c.ID })
}

func topicKeys(ts []*ent.Topic) []int { return keysOf(ts, func(t *ent.Topic) int { return t.ID }) }

func consultantKeys(cs []*ent.Consultant) []int {
	return keysOf(cs, func(c *ent.Consultant) int { return c.ID })
}

func organizationKeys(os []*ent.Organization) []int {
	return keysOf(os, func(o *ent.Organization) int { return o.ID })
}

func regionKeys(rs []*ent.Region) []int { return keysOf(rs, func(r *ent.Region) int { return r.ID }) }

func keysOf[T any](xs []T, id func(T) int) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

// byRef indexes records by their ref.
func byRef[E any](rows []E, ref func(E) *string) map[string]E {
	m := make(map[string]E, len(rows))
	for _, r := range rows {
		if p := ref(r); p != nil {
			m[*p] = r
		}
	}
	return m
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func samePtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// sameDate compares dates as instants, none and none alike.
func sameDate(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

// nonNil is xs, or an empty list for none (a JSON list column is [],
// never null).
func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// sameStrings compares lists, an empty one and none alike.
func sameStrings(a, b []string) bool { return slices.Equal(a, b) || len(a) == 0 && len(b) == 0 }

func lower(s string) string { return strings.ToLower(s) }

// enumValues are the values an enum column of the schema takes, as the
// generated schema lists them.
func enumValues(t *schema.Table, col string) []string {
	for _, c := range t.Columns {
		if c.Name == col {
			return c.Enums
		}
	}
	return nil
}

// fieldMessage is a rule's message without the field name that the API
// reports apart.
func fieldMessage(err error) string {
	var fe *validate.FieldError
	if errors.As(err, &fe) {
		return fe.Msg
	}
	return err.Error()
}
