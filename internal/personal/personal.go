// Package personal is the one rule for personal data in the API: which
// fields hold it and which keys read them. The resolvers of those fields
// (graph) and the exports' columns (internal/export) both ask it, so that
// marking a field here hides it on every path. It depends on
// internal/viewer alone.
package personal

import "sscgraph/internal/viewer"

// Readers says which keys read a personal field; every other caller reads
// null.
type Readers int

const (
	// Staff fields are read by ADMIN and EDITOR keys.
	Staff Readers = iota + 1
	// StaffAndParties fields are read by ADMIN and EDITOR keys and by the
	// MEMBER keys of the organizations party to the row (a match's
	// provider and seeker); which organizations those are, the field's
	// resolver knows.
	StaffAndParties
)

// Field is one personal field, named as in the GraphQL schema.
type Field struct {
	Type, Name string
	Readers    Readers
}

// fields are the personal fields. Each must be nullable and resolved by a
// resolver (@goField(forceResolver: true)) that asks Value: everyone else
// reads null, without an error, so that a query asking for the field
// works for every caller. TestPersonalFields checks both for every entry.
var fields = []Field{
	{"Consultant", "email", Staff},
	{"Match", "message", StaffAndParties},
	{"Match", "response", StaffAndParties},
}

// Fields returns the personal fields.
func Fields() []Field { return append([]Field(nil), fields...) }

// Of returns who reads the field name of type typ, and whether it is
// personal at all.
func Of(typ, name string) (Readers, bool) {
	for _, f := range fields {
		if f.Type == typ && f.Name == name {
			return f.Readers, true
		}
	}
	return 0, false
}

// ReadsAll reports whether v reads every personal field of every row:
// ADMIN and EDITOR keys.
func ReadsAll(v *viewer.Viewer) bool {
	return v != nil && (v.Role == viewer.RoleAdmin || v.Role == viewer.RoleEditor)
}

// Value returns value when v reads the field name of type typ, nil
// otherwise (and for an empty value). party reports whether v's
// organization is party to the row; it is asked only when the field's
// readers include parties and v is a MEMBER key of an organization, and
// may be nil for Staff fields. A field that is not in the table is
// answered as is: it is not personal.
func Value(v *viewer.Viewer, typ, name, value string, party func() (bool, error)) (*string, error) {
	if value == "" {
		return nil, nil
	}
	readers, ok := Of(typ, name)
	if !ok || ReadsAll(v) {
		return &value, nil
	}
	if readers != StaffAndParties || v == nil || v.Role != viewer.RoleMember || v.OrganizationID == 0 || party == nil {
		return nil, nil
	}
	is, err := party()
	if err != nil || !is {
		return nil, err
	}
	return &value, nil
}
