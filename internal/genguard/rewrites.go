package genguard

import (
	"bytes"
	"fmt"
	"os"
	"strings"
)

// Rewrite is a change internal/gqlgenrun makes to gqlgen's generated
// executor so that it calls a hand-written piece of internal/gqlexec.
// Each rewrite replaces text it expects gqlgen to write; an upgrade that
// writes other text would leave gqlgen's own code in place, so the result
// is checked as a whole: the text the rewrite writes (Marker) must be in
// the generated file, and the text it replaces (Gone), where no other
// code writes it, must not.
type Rewrite struct {
	Marker string // text only the rewrite writes
	Gone   string // gqlgen's text it replaces; "" when some of it stays
	Why    string // what is lost when it does not take
}

// GQLExec are internal/gqlgenrun's rewrites of graph/generated/gen_exec.go.
var GQLExec = []Rewrite{
	{"gqlexec.MarshalSliceInTurn(", "graphql.MarshalSliceConcurrently(", "list elements marshalled in turn, not one goroutine each"},
	{"return gqlexec.ObjectInTurn{", "", "objects written without gqlgen's per-object map of @defer"},
	{"out := gqlexec.FieldValues{", "", "one allocation per object resolved in turn instead of a field set's two"},
	{"\targs   gqlexec.FieldArgs\n", "", "field arguments decoded once per field and operation"},
	{"ec.args.Load(field.Field)", "", "field arguments decoded once per field and operation"},
	{"ec.fields.Collect(ec.OperationContext, sel, ", "graphql.CollectFields(", "fields collected once per selection and operation"},
	{"var deferred graphql.DeferredGroup", "graphql.NewDeferredGroup(", "objects resolved in turn skip their empty @defer group"},
}

// CheckRewrites returns an error naming every rewrite that did not take
// in the generated file path.
func CheckRewrites(path string, rewrites []Rewrite) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading generated code: %w", err)
	}
	var missing []string
	for _, r := range rewrites {
		switch {
		case !bytes.Contains(src, []byte(r.Marker)):
			missing = append(missing, fmt.Sprintf("%q is missing (lost: %s)", r.Marker, r.Why))
		case r.Gone != "" && bytes.Contains(src, []byte(r.Gone)):
			missing = append(missing, fmt.Sprintf("%q is still there (lost: %s)", r.Gone, r.Why))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s: rewrites of internal/gqlgenrun did not take, so gqlgen changed the code they "+
			"rewrite; revisit internal/gqlgenrun and internal/gqlexec: %s", path, strings.Join(missing, "; "))
	}
	return nil
}
