// Package schematype holds Go types shared by several ent schemas.
package schematype

import (
	"fmt"
	"io"
	"strconv"
)

// MatchKind is the kind of support a Match offer provides or a need seeks.
// Offers and needs share it so that a client filters both with one enum.
type MatchKind string

// The kinds of support on Match.
const (
	MatchKindFinancial                MatchKind = "FINANCIAL"
	MatchKindTechnical                MatchKind = "TECHNICAL"
	MatchKindPublicPrivatePartnership MatchKind = "PUBLIC_PRIVATE_PARTNERSHIP"
)

// MatchKinds lists every MatchKind in declaration order.
var MatchKinds = []MatchKind{MatchKindFinancial, MatchKindTechnical, MatchKindPublicPrivatePartnership}

// Values lists the values for ent's enum column.
func (MatchKind) Values() []string {
	vs := make([]string, len(MatchKinds))
	for i, k := range MatchKinds {
		vs[i] = string(k)
	}
	return vs
}

// Valid reports whether k is one of the declared kinds.
func (k MatchKind) Valid() bool {
	for _, v := range MatchKinds {
		if k == v {
			return true
		}
	}
	return false
}

// MarshalGQL writes the kind as a GraphQL enum value.
func (k MatchKind) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(string(k)))
}

// UnmarshalGQL reads a GraphQL enum value.
func (k *MatchKind) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("match kind must be a string, got %T", v)
	}
	if !MatchKind(s).Valid() {
		return fmt.Errorf("%q is not a valid MatchKind", s)
	}
	*k = MatchKind(s)
	return nil
}
