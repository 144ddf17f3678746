package personal

import (
	"errors"
	"testing"

	"sscgraph/internal/viewer"
)

// TestValue is who reads what: staff read every personal field, a party's
// MEMBER key the fields parties read, nobody else any; a field not in the
// table is read by all.
func TestValue(t *testing.T) {
	admin := &viewer.Viewer{KeyID: 1, Role: viewer.RoleAdmin}
	editor := &viewer.Viewer{KeyID: 2, Role: viewer.RoleEditor}
	member := &viewer.Viewer{KeyID: 3, Role: viewer.RoleMember, OrganizationID: 7}
	orphan := &viewer.Viewer{KeyID: 4, Role: viewer.RoleMember}
	anonymous := &viewer.Viewer{}
	party := func() (bool, error) { return true, nil }
	stranger := func() (bool, error) { return false, nil }
	broken := func() (bool, error) { return false, errors.New("db down") }
	tests := []struct {
		name      string
		v         *viewer.Viewer
		typ, f    string
		value     string
		party     func() (bool, error)
		want, err bool // want: the value is answered
	}{
		{"admin reads a staff field", admin, "Consultant", "email", "a@b", nil, true, false},
		{"editor reads a staff field", editor, "Consultant", "email", "a@b", nil, true, false},
		{"a member does not", member, "Consultant", "email", "a@b", party, false, false},
		{"nor anonymous", anonymous, "Consultant", "email", "a@b", nil, false, false},
		{"nor nobody", nil, "Consultant", "email", "a@b", nil, false, false},
		{"an empty value is null", admin, "Consultant", "email", "", nil, false, false},
		{"a party reads a party field", member, "Match", "message", "hi", party, true, false},
		{"a stranger does not", member, "Match", "message", "hi", stranger, false, false},
		{"a member without organization does not", orphan, "Match", "message", "hi", party, false, false},
		{"nor anonymous a party field", anonymous, "Match", "response", "hi", party, false, false},
		{"editor reads a party field", editor, "Match", "response", "hi", broken, true, false},
		{"the party check's error", member, "Match", "response", "hi", broken, false, true},
		{"a field not in the table", anonymous, "Consultant", "name", "Ann", nil, true, false},
	}
	for _, tt := range tests {
		got, err := Value(tt.v, tt.typ, tt.f, tt.value, tt.party)
		if (got != nil) != tt.want || (err != nil) != tt.err || got != nil && *got != tt.value {
			t.Errorf("%s: got %v, %v; want the value %v, an error %v", tt.name, got, err, tt.want, tt.err)
		}
	}
}
