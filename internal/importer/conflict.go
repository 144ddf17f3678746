package importer

import (
	"context"
	"fmt"

	"sscgraph/ent"
	"sscgraph/ent/organization"
)

// conflict is a row whose ref names a record the import may not change
// as the row says: the report names it, and the row is not written.
type conflict struct {
	column, reason string
}

func (c *conflict) Error() string { return "conflict: " + c.reason }

// ownerConflict refuses a row that would move a posting (what: "offer",
// "need") to another organization. A ref is the sheet's ID for a record;
// a record of another organization under one of the sheet's refs was not
// the sheet's (a ref taken by hand, or a clash between two sheets), and
// moving it would hand one organization's posting, with its history and
// matches, to another. Moving a posting stays possible for EDITOR and
// ADMIN keys, through the API.
func ownerConflict(ctx context.Context, c *ent.Client, column, what, ref string, current, sheet int) error {
	names, err := c.Organization.Query().Where(organization.IDIn(current, sheet)).All(ctx)
	if err != nil {
		return fmt.Errorf("reading the organizations of ref %q: %w", ref, err)
	}
	name := map[int]string{}
	for _, o := range names {
		name[o.ID] = o.Name
	}
	return &conflict{column: column, reason: fmt.Sprintf(
		"ref %q is the %s of %q, not of %q: an import does not move a record to another organization (give the row a ref of its own, or move the %s with an EDITOR or ADMIN key)",
		ref, what, name[current], name[sheet], what)}
}
