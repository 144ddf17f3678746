package server_test

import "testing"

// byStartDate are pages ordered by a column that can be NULL (issue 19):
// the root page and a nested one, newest first, where NULL sorts first.
// SQLite keeps NULL at the other end of its indexes, so these show what
// the NULL rule costs there.
var byStartDate = []struct{ name, query string }{
	{"root-desc", `{ activities(first: 100, orderBy: [{field: START_DATE, direction: DESC}]) { edges { node { title startDate } } } }`},
	{"root-asc", `{ activities(first: 100, orderBy: [{field: START_DATE, direction: ASC}]) { edges { node { title startDate } } } }`},
	{"nested-desc", `{ countries(first: 10, where: {hasActivities: true}) { edges { node { code
    activities(first: 10, orderBy: [{field: START_DATE, direction: DESC}]) { edges { node { title startDate } } } } } } }`},
	{"project-desc", `{ projects(first: 20) { edges { node { code
    activities(first: 10, orderBy: [{field: START_DATE, direction: DESC}]) { edges { node { title startDate } } } } } } }`},
}

// BenchmarkByStartDate runs byStartDate from concurrent clients on the
// synthetic data set at scale 1.
func BenchmarkByStartDate(b *testing.B) {
	srv := benchServer(b)
	for _, q := range byStartDate {
		b.Run(q.name, func(b *testing.B) { benchParallel(b, srv, q.query) })
	}
}
