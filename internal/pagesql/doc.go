// Package pagesql writes the SQL of connection pages where ent's and
// entgql's generated code gets it wrong or slow: the first rows of each
// parent of a nested connection (Limit, with the parents the eager loaders
// Note), and the cursor predicates of every page (Cursors).
//
// ent/entc.go points the generated code at these functions; the generated
// code is never edited by hand.
//
// Rule: this package may never import sscgraph/ent, directly or through
// another package. The generated ent code imports it, so such an import is
// a cycle that breaks the build and with it the generation that would
// repair it (test: internal/genguard, TestGeneratedCodesPackagesDoNotImportEnt).
package pagesql
