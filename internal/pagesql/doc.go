// Package pagesql writes the SQL of connection pages where ent's and
// entgql's generated code gets it wrong or slow: the first rows of each
// parent of a nested connection (Limit, with the parents the eager loaders
// Note), and the cursor predicates of every page (Cursors).
//
// ent/entc.go points the generated code at these functions; the generated
// code is never edited by hand.
//
// # NULL in a page's order
//
// A page ordered by a column that may hold NULL (an activity's startDate,
// endDate, participants, venueCity …) puts NULL where NullsRule says, on
// SQLite as on PostgreSQL: SQLite alone would sort NULL first in an
// ascending order and PostgreSQL last, so the same page would hold other
// rows on each. Three places follow the rule:
//
//   - the ORDER BY of a root page: ent's By<Field> order functions of
//     nullable fields write NULLS LAST (ascending) or NULLS FIRST
//     (descending) (ent/template/fastpaths.tmpl, "dialect/sql/meta/order");
//   - the ORDER BY of a nested page (Limit, placeNulls);
//   - the cursor predicates (Cursors), which keep the rows after a cursor
//     with a NULL value, or keep NULLs after a cursor with a value.
//
// PostgreSQL's indexes (ascending, or descending for the join tables'
// copies of start_date) already keep NULLs in that place; SQLite reads the
// same indexes for NULLS FIRST/LAST too (it scans the NULLs apart), so a
// nested page still reads its parent's rows in order from the index.
//
// Rule: this package may never import sscgraph/ent, directly or through
// another package. The generated ent code imports it, so such an import is
// a cycle that breaks the build and with it the generation that would
// repair it (test: internal/genguard, TestGeneratedCodesPackagesDoNotImportEnt).
package pagesql

// NullsRule is where every page puts NULL, on both databases: NULL is the
// largest value. It is PostgreSQL's own default, which its indexes serve.
const NullsRule = "NULL is the largest value: last in an ascending order, first in a descending one"
