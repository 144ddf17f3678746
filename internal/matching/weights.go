package matching

// The weights of the ranking, in one place: the README's description of
// the score is written from this block, and the SQL of every suggestion
// query (and ScorePair, which reuses it) reads them from here.
//
// An offer's score for a need is a weighted sum of components, each from 0
// to 1. The weights of the components add up to 1, so the score lies in
// [0, 1]. It is rounded to six decimals (scoreScale) in the database, so
// that a page's cursor names exactly the score the next page compares
// with. Ties are broken by ID, lowest first.
//
// A pair is a candidate at all only when the offer shares at least one
// topic with the need or targets the need's very country: without that
// gate every open offer would score above 0 (freshness alone does) and
// every request would rank every open offer. A pair that is not a
// candidate scores 0.
const (
	// WeightTopics: the share of the need's topics the offer covers, an
	// IP area counting IPAreaWeight and a sector SectorWeight. Topics say
	// what the help is about, so they weigh most.
	WeightTopics = 0.40
	// WeightPlace: whether the offer is meant for the need's country:
	// PlaceCountry when it targets the country, PlaceRegion when it
	// targets the country's region, PlaceAnywhere when it targets no
	// country or region at all, 0 when it targets only other places.
	WeightPlace = 0.25
	// WeightKind: the offer's kind of support (financial, technical,
	// public-private partnership) is the one the need seeks.
	WeightKind = 0.15
	// WeightLanguage: the offer is given in one of the need's languages.
	WeightLanguage = 0.08
	// WeightSouthSouth: the provider's and the seeker's organizations are
	// both in developing countries (their region is not the developed
	// countries' pseudo-bureau), what the programme exists to foster. An
	// organization without a country (an intergovernmental body) is not.
	WeightSouthSouth = 0.07
	// WeightFreshness: newer offers a little higher. The component is
	// FreshnessHalfLife / (FreshnessHalfLife + age in days): 1 when posted
	// today, 1/2 after FreshnessHalfLife days, 1/3 after twice that. Age is
	// counted from the start (UTC) of the day of the request, so that
	// scores, and the cursors that carry them, hold for the whole day.
	WeightFreshness = 0.05

	// IPAreaWeight and SectorWeight weigh shared topics by kind: sharing an
	// IP area (patents, trademarks …) says more about fit than sharing an
	// economic sector (tourism, health …).
	IPAreaWeight = 2
	SectorWeight = 1

	// PlaceCountry, PlaceRegion and PlaceAnywhere are the levels of the
	// place component: an offer for the need's country fits best, one for
	// its region well, one for anyone somewhat.
	PlaceCountry  = 1.0
	PlaceRegion   = 0.6
	PlaceAnywhere = 0.3

	// FreshnessHalfLife is the age, in days, at which the freshness
	// component has fallen to one half.
	FreshnessHalfLife = 180.0
)

// The weights of suggestedConsultants. A consultant's fit is a weighted sum
// of components from 0 to 1, over what the request asks about (an
// activity's topics, countries and language, and the explicit arguments);
// available consultants come first: their score is ConsultantAvailable +
// (1 - ConsultantAvailable) × fit, an unavailable consultant's is
// (1 - ConsultantAvailable) × fit, so that any available consultant who
// fits at all ranks above every unavailable one.
//
// A consultant is a candidate when they have expertise in an asked topic,
// worked on an activity for an asked country, or are a national of one;
// when neither topics nor a country are asked, when they work in an asked
// language.
const (
	// ConsultantExpertise: the share of the asked topics the consultant
	// is an expert in (IPAreaWeight and SectorWeight, as for offers).
	ConsultantExpertise = 0.45
	// ConsultantExperience: ExperienceCountry when the consultant worked
	// on an activity for an asked country, ExperienceRegion when only for
	// another country of one of their regions.
	ConsultantExperience = 0.30
	// ConsultantLanguage: the consultant works in an asked language.
	ConsultantLanguage = 0.15
	// ConsultantNationality: NationalityCountry when the consultant is a
	// national of an asked country, NationalityRegion when of another
	// country of one of their regions; a consultant from the region knows
	// its offices and practice.
	ConsultantNationality = 0.10

	ExperienceCountry  = 1.0
	ExperienceRegion   = 0.5
	NationalityCountry = 1.0
	NationalityRegion  = 0.5

	// ConsultantAvailable is the part of the score that availability
	// decides (see above).
	ConsultantAvailable = 0.5
)

// scoreScale is the resolution of scores: the database ranks on
// round(score × scoreScale), an integer, so that a cursor's score names
// the same rank on the next page whatever floating-point arithmetic the
// database used.
const scoreScale = 1_000_000
