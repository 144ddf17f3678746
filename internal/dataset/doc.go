// Package dataset holds the data sscgraph ships: real facts from the
// programme's public documents, embedded with go:embed, and a deterministic
// generator of clearly labelled demo data, which at larger sizes is the
// synthetic data set for benchmarks.
//
// Load writes both into an empty database in one transaction. The real
// facts come from data/*.json (see gencountries for how countries.json was
// built; projects.json follows the sourced DA project inventory, and
// readFacts refuses a project or a project fact without a source) and from
// the import sheets data/real/organizations.csv and
// data/real/activities.csv, which Load runs through sscgraph's own
// spreadsheet importer (package importer) inside its transaction, after
// the demo steps so that demo records keep their keys, and refuses if a
// row has a problem, is marked demo or has no source. The demo records are
// drawn from math/rand/v2 PCG streams seeded by the caller, so the same
// seed and Size always give the same rows, in the same order, with the
// same keys. DemoSize is what `serve` loads; SyntheticSize(n) is the
// benchmark set (scale 1: 100,000 activities).
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
//	Real facts, from public documents and pages (regions, countries,
//	topics and recommendations are always real and have no demo flag;
//	real projects, activities and organizations have demo = false):
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
//	    the years the sources give. Where sources disagree, the project's
//	    `facts` keep each statement with its own sources and the note says
//	    so: the South-South cooperation project (SSCG_SOUTH_SOUTH_COOPERATION)
//	    runs 2012-2013 as adopted (a two-year project whose last activity
//	    was the conference of 22 November 2013), while CDIP/17/4 labels it
//	    2012-2015; its facts also give the 83 South-South and triangular
//	    activities WIPO's mapping found in 2014-2015 and the 1.5% of WIPO's
//	    core budget said to go to them.
//	  - Activities: 70 real activities (demo = false) from a sourced record
//	    of WIPO's development-cooperation events, read in public pages
//	    (WIPO's meeting and project pages, its technical-assistance
//	    database IP-TAD, news reports): 12 South-South, 10 triangular, 32
//	    technical assistance and 16 other (conferences, missions,
//	    agreements). The kind is the record's classification from what the
//	    source says; the type is sscgraph's reading of the title. Each has
//	    at least one entry in `sources` (an address or document symbol),
//	    a `note` saying what is uncertain, derived or left out, and where
//	    the source has one a short `quote`. Nothing is guessed: a field no
//	    source gives is null (dates, venue, language, participants,
//	    budget) or empty (beneficiary and provider countries, project).
//	    Dates carry a precision: `startDatePrecision` and
//	    `endDatePrecision` are DAY, MONTH or YEAR, and a date known only
//	    to the month or year is stored as the period's first day (so
//	    2015-03-01 at MONTH means "March 2015", not the 1st). Participants
//	    given as an approximation ("around 60") have
//	    `participantsApproximate` = true. An activity is filed under a
//	    real project only where the record ties it to that project firmly.
//	    Provider countries are sscgraph's reading of who organized,
//	    co-hosted or funded a South-South or triangular activity; topic
//	    tags are sscgraph's classification. Two rows of the record are
//	    left out: TRI-05, whose title and dates were not seen (the record
//	    says to use it as a participant-table example, not as a dated
//	    activity), and TRI-12, a partial record whose dates and venue
//	    were cut off (to be used only after checking the full record).
//	  - Organizations: the 63 real organizations those activities name
//	    among their organizers, co-hosts, partners or funders (WIPO, IP
//	    offices such as the Japan Patent Office, regional IP
//	    organizations, ministries, universities), each with the sources
//	    that name it; the activities link them as `organizers`. People are
//	    never records.
//
//	Demo data, invented (demo = true on every record):
//
//	  - Organizations, consultants, activities, Match offers, needs and
//	    matches, and a few projects. None of them is real. People and organizations have
//	    obviously fictional names ("Amara Placeholder", "Fictional Bar
//	    Association of Lakeshire (demo)"); websites and e-mail addresses are
//	    under example.org. Places, languages and topics are real, so that
//	    titles read naturally ("National Workshop on Geographical Indications
//	    for Coffee Producers, Addis Ababa"), but no such event took place.
//	  - Every other activity (of the first 2,000) splits its participants
//	    among its beneficiary countries, the first taking the largest share,
//	    so that Activity.beneficiaries shows figures; the others have the
//	    total only, as many records of the technical-assistance database do.
//	  - Demo projects have codes DEMO_P0001 and up (8 in the demo set, more
//	    at benchmark sizes), no sources and a note saying they are
//	    invented. Demo activities belong to demo projects only, never to a
//	    real one: a real project's activities are all real, and a demo
//	    activity's project is a demo project or none.
//	  - Some demo technical-assistance activities name a demo government
//	    body or IP office as their requester.
//
//	To see only real data, filter on the demo flag, e.g.
//	`activities(where: {demo: false})` returns the 70 real activities.
package dataset
