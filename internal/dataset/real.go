package dataset

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"sscgraph/ent"
	"sscgraph/ent/activity"
	"sscgraph/ent/consultant"
	"sscgraph/ent/organization"
	"sscgraph/ent/project"
)

// The real activities, and the organizations they name, are import sheets
// (data/real/README.md gives their conventions). The loader runs
// sscgraph's own spreadsheet importer on them inside its transaction, so
// that every value passes exactly the checks a file someone imports
// passes, and the sheets stay readable and editable as spreadsheets.
//
//go:embed data/real/organizations.csv data/real/activities.csv
var realEmbedded embed.FS

// realFS is where the loader reads the sheets: the embedded files, or in
// tests a file system holding a broken sheet.
var realFS fs.FS = realEmbedded

// The sheets, as paths in realFS.
const (
	realOrganizationsFile = "data/real/organizations.csv"
	realActivitiesFile    = "data/real/activities.csv"
)

// maxProblemsShown is how many of a sheet's problems Load's error names;
// the count says how many more there are.
const maxProblemsShown = 5

// SheetImporter writes one sheet of fsys into tx as `sscgraph import`
// would, without committing, and returns how many data rows it read, how
// many records it created and each bad row's problem ("line 3, column
// kind: …"). importer.Sheet is the one sscgraph uses: this package cannot
// import the importer, whose own tests load this dataset.
type SheetImporter func(ctx context.Context, tx *ent.Tx, fsys fs.FS, kind, name string) (rows, created int, problems []string, err error)

// importReal imports one sheet and returns how many records it created.
// Any problem is an error naming the first few (line, column, reason):
// the shipped sheets must import cleanly. Into an empty database every
// row creates a record; an update or unchanged row means two rows share a
// ref.
func (w *world) importReal(ctx context.Context, kind, name string) (int, error) {
	rows, created, problems, err := w.sheets(ctx, w.tx, realFS, kind, name)
	if err != nil {
		return 0, fmt.Errorf("importing %s: %w", name, err)
	}
	if len(problems) > 0 {
		return 0, problemsError(name, problems)
	}
	if created != rows {
		return 0, fmt.Errorf("%s: %d rows created %d records: refs must be unique", name, rows, created)
	}
	return created, nil
}

// problemsError names the first maxProblemsShown problems of a sheet.
func problemsError(name string, ps []string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problems", name, len(ps))
	for i, p := range ps {
		if i == maxProblemsShown {
			fmt.Fprintf(&b, "; and %d more", len(ps)-i)
			break
		}
		fmt.Fprintf(&b, "; %s", p)
	}
	return errors.New(b.String())
}

// loadRealOrganizations imports the organizations the real activities
// name. It runs after every demo step, so that the demo records keep the
// keys they had before real data was shipped.
func (w *world) loadRealOrganizations(ctx context.Context, _ *facts) error {
	if w.sheets == nil {
		return nil
	}
	n, err := w.importReal(ctx, "organizations", realOrganizationsFile)
	if err != nil {
		return err
	}
	orgs, err := w.tx.Organization.Query().Where(organization.Demo(false)).
		Select(organization.FieldRef, organization.FieldSources).All(ctx)
	if err != nil {
		return fmt.Errorf("reading back the real organizations: %w", err)
	}
	// The generator writes demo = true only, so every record with
	// demo = false came from the sheet: a sheet row marked demo would
	// make the counts differ.
	if len(orgs) != n {
		return fmt.Errorf("%s: %d rows imported but %d organizations are real: every row must have demo = false",
			realOrganizationsFile, n, len(orgs))
	}
	if err := needSources(realOrganizationsFile, "organization", orgs, func(o *ent.Organization) (string, []string) {
		return refOr(o.Ref, o.ID), o.Sources
	}); err != nil {
		return err
	}
	w.stats.RealOrganizations = n
	return nil
}

// loadRealActivities imports the real activities, after the real
// organizations they name, and checks what the importer does not: every
// row is real, has a source, and ties to no demo record.
func (w *world) loadRealActivities(ctx context.Context, _ *facts) error {
	if w.sheets == nil {
		return nil
	}
	n, err := w.importReal(ctx, "activities", realActivitiesFile)
	if err != nil {
		return err
	}
	acts, err := w.tx.Activity.Query().Where(activity.Demo(false)).
		Select(activity.FieldRef, activity.FieldSources).All(ctx)
	if err != nil {
		return fmt.Errorf("reading back the real activities: %w", err)
	}
	if len(acts) != n {
		return fmt.Errorf("%s: %d rows imported but %d activities are real: every row must have demo = false",
			realActivitiesFile, n, len(acts))
	}
	if err := needSources(realActivitiesFile, "activity", acts, func(a *ent.Activity) (string, []string) {
		return refOr(a.Ref, a.ID), a.Sources
	}); err != nil {
		return err
	}
	// A real activity tied to an invented record would read as a fact
	// about it. The sheets name records by code or ref, and a demo code
	// (DEMO_P0001) or a demo organization's name would resolve.
	linked, err := w.tx.Activity.Query().Where(activity.Demo(false), activity.Or(
		activity.HasProjectWith(project.Demo(true)),
		activity.HasPartnersWith(organization.Demo(true)),
		activity.HasOrganizersWith(organization.Demo(true)),
		activity.HasRequesterWith(organization.Demo(true)),
		activity.HasConsultantsWith(consultant.Demo(true)),
	)).Select(activity.FieldRef).All(ctx)
	if err != nil {
		return fmt.Errorf("checking the real activities' links: %w", err)
	}
	if len(linked) > 0 {
		refs := make([]string, len(linked))
		for i, a := range linked {
			refs[i] = refOr(a.Ref, a.ID)
		}
		return fmt.Errorf("%s: real activities %s name a demo project, organization or consultant",
			realActivitiesFile, strings.Join(refs, ", "))
	}
	w.stats.RealActivities = n
	return nil
}

// refOr names a record by its ref, or by its key when it has none.
func refOr(ref *string, id int) string {
	if ref != nil {
		return *ref
	}
	return fmt.Sprintf("(no ref, key %d)", id)
}

// needSources refuses a real record without a source: sources is where a
// reader checks a real fact, and the importer accepts an empty list.
func needSources[T any](file, what string, recs []T, get func(T) (ref string, sources []string)) error {
	var missing []string
	for _, r := range recs {
		ref, sources := get(r)
		has := false
		for _, s := range sources {
			if strings.TrimSpace(s) != "" {
				has = true
				break
			}
		}
		if !has {
			missing = append(missing, ref)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s: %d real %s records have no source: %s", file, len(missing), what, strings.Join(missing, ", "))
	}
	return nil
}
