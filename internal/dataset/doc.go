// Package dataset holds the data sscgraph ships: real facts from the
// programme's public documents, embedded with go:embed, and a deterministic
// generator of clearly labelled demo data, which at larger sizes is the
// synthetic data set for benchmarks.
//
// Load writes both into an empty database in one transaction. The real
// facts come from data/*.json (see gencountries for how countries.json was
// built; projects.json follows the sourced DA project inventory, and
// readFacts refuses a project without a source); the demo records are drawn from math/rand/v2 PCG streams seeded by
// the caller, so the same seed and Size always give the same rows, in the
// same order, with the same keys. DemoSize is what `serve` loads;
// SyntheticSize(n) is the benchmark set (scale 1: 100,000 activities).
//
// The generator fixes its own "today", 1 November 2026, instead of reading
// the clock: activity statuses (COMPLETED, ONGOING, PLANNED) and posting
// dates are consistent with that date, whenever the data is loaded.
//
// # README: what is real and what is demo
//
// The text below is written to be pasted into the README.
//
//	## Data: what is real and what is demo
//
//	sscgraph ships two kinds of data, and every record says which it is.
//
//	Real facts, from the programme's public documents (regions, countries,
//	topics and recommendations are always real and have no demo flag;
//	real projects have demo = false):
//
//	  - Regions: the five regional bureaus of the development sector plus
//	    DEVELOPED for the developed countries.
//	  - Countries: all 249 ISO 3166-1 entries (codes and names from Debian's
//	    iso-codes; centroids from the world-countries package, ODbL), each
//	    with its bureau, the 44 least developed countries (UN list, after
//	    São Tomé and Príncipe's graduation in December 2024) and whether it
//	    is sovereign. Where the documents leave a choice open (which bureau
//	    a territory belongs to, for example) the choice is sscgraph's own.
//	    Names in Arabic, Chinese (Simplified, zh_CN), French, Russian and
//	    Spanish come from iso-codes' translations; 248 of the 249 entries
//	    have all five. Türkiye has only its Chinese name: iso-codes renamed
//	    it and the other catalogues do not translate the new name yet.
//	  - Topics: sscgraph's classification of IP areas and sectors.
//	  - Recommendations: the 45 Development Agenda recommendations (2007),
//	    with their clusters and short titles in sscgraph's own words.
//	  - Projects: 34 Development Agenda projects from a sourced inventory,
//	    each with its `sources` (CDIP document symbols, and the address of
//	    a page where the text was read) and only the facts a source gives:
//	    recommendations, beneficiary or pilot countries, years, budget (CHF)
//	    and status. A fact no source gave is left empty rather than guessed;
//	    a status no source gave is UNKNOWN. 9 projects carry the
//	    programme's own code; the other 25 have codes starting with SSCG_,
//	    which are sscgraph's identifiers, not the programme's. Each
//	    project's `note` says what is uncertain and what its status is
//	    inferred from. Start and end dates are 1 January and 31 December of
//	    the years the sources give.
//
//	Demo data, invented (demo = true on every record):
//
//	  - Organizations, consultants, activities, Match offers, needs and
//	    matches. None of them is real. People and organizations have
//	    obviously fictional names ("Amara Placeholder", "Fictional Bar
//	    Association of Lakeshire (demo)"); websites and e-mail addresses are
//	    under example.org. Places, languages and topics are real, so that
//	    titles read naturally ("National Workshop on Geographical Indications
//	    for Coffee Producers, Addis Ababa"), but no such event took place.
//	  - Every other activity (of the first 2,000) splits its participants
//	    among its beneficiary countries, the first taking the largest share,
//	    so that Activity.beneficiaries shows figures; the others have the
//	    total only, as many records of the technical-assistance database do.
//	  - At benchmark sizes the generator also invents projects, with codes
//	    DEMO_P0001 and up, no sources and a note saying they are invented.
//
//	To see only real data, filter on the demo flag, e.g.
//	`activities(where: {demo: false})` (which today returns none: the
//	programme's activity records are not part of the bundled data).
package dataset
