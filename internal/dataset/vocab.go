package dataset

// The word lists the demo generator draws from. Real places (capitals,
// languages) make titles read naturally; every person and organization name
// is built from the invented words below so that no demo record can be
// mistaken for a real one.

// cities lists, per ISO 3166-1 alpha-2 code, the capital first and then a few
// other large cities where activities plausibly take place. Countries not
// listed get the placeholder "<name> capital".
var cities = map[string][]string{
	// Africa
	"AO": {"Luanda", "Huambo"}, "BJ": {"Porto-Novo", "Cotonou"}, "BW": {"Gaborone"},
	"BF": {"Ouagadougou", "Bobo-Dioulasso"}, "BI": {"Gitega", "Bujumbura"}, "CV": {"Praia"},
	"CM": {"Yaoundé", "Douala"}, "CF": {"Bangui"}, "TD": {"N'Djamena"}, "CG": {"Brazzaville"},
	"CD": {"Kinshasa", "Lubumbashi"}, "CI": {"Yamoussoukro", "Abidjan"}, "GQ": {"Malabo"},
	"ER": {"Asmara"}, "SZ": {"Mbabane"}, "ET": {"Addis Ababa"}, "GA": {"Libreville"},
	"GM": {"Banjul"}, "GH": {"Accra", "Kumasi"}, "GN": {"Conakry"}, "GW": {"Bissau"},
	"KE": {"Nairobi", "Mombasa"}, "LS": {"Maseru"}, "LR": {"Monrovia"}, "MG": {"Antananarivo"},
	"MW": {"Lilongwe", "Blantyre"}, "ML": {"Bamako"}, "MU": {"Port Louis"}, "MZ": {"Maputo"},
	"NA": {"Windhoek"}, "NE": {"Niamey"}, "NG": {"Abuja", "Lagos"}, "RW": {"Kigali"},
	"ST": {"São Tomé"}, "SN": {"Dakar"}, "SC": {"Victoria"}, "SL": {"Freetown"},
	"ZA": {"Pretoria", "Cape Town", "Johannesburg"}, "SS": {"Juba"}, "TZ": {"Dodoma", "Dar es Salaam"},
	"TG": {"Lomé"}, "UG": {"Kampala"}, "ZM": {"Lusaka"}, "ZW": {"Harare", "Bulawayo"},
	// Arab countries
	"DZ": {"Algiers", "Oran"}, "BH": {"Manama"}, "KM": {"Moroni"}, "DJ": {"Djibouti"},
	"EG": {"Cairo", "Alexandria"}, "IQ": {"Baghdad"}, "JO": {"Amman"}, "KW": {"Kuwait City"},
	"LB": {"Beirut"}, "LY": {"Tripoli"}, "MR": {"Nouakchott"}, "MA": {"Rabat", "Casablanca"},
	"OM": {"Muscat"}, "PS": {"Ramallah"}, "QA": {"Doha"}, "SA": {"Riyadh", "Jeddah"},
	"SO": {"Mogadishu"}, "SD": {"Khartoum"}, "SY": {"Damascus"}, "TN": {"Tunis"},
	"AE": {"Abu Dhabi", "Dubai"}, "YE": {"Sana'a", "Aden"},
	// Asia and the Pacific
	"AF": {"Kabul"}, "BD": {"Dhaka", "Chattogram"}, "BT": {"Thimphu"}, "IN": {"New Delhi", "Mumbai", "Chennai"},
	"IR": {"Tehran"}, "MV": {"Malé"}, "NP": {"Kathmandu"}, "PK": {"Islamabad", "Lahore"},
	"LK": {"Colombo"}, "CN": {"Beijing", "Shanghai"}, "KP": {"Pyongyang"}, "KR": {"Seoul", "Daejeon"},
	"MN": {"Ulaanbaatar"}, "BN": {"Bandar Seri Begawan"}, "KH": {"Phnom Penh"}, "ID": {"Jakarta", "Yogyakarta"},
	"LA": {"Vientiane"}, "MY": {"Kuala Lumpur"}, "MM": {"Naypyidaw", "Yangon"}, "PH": {"Manila", "Cebu"},
	"SG": {"Singapore"}, "TH": {"Bangkok", "Chiang Mai"}, "TL": {"Dili"}, "VN": {"Hanoi", "Ho Chi Minh City"},
	"FJ": {"Suva"}, "KI": {"Tarawa"}, "MH": {"Majuro"}, "FM": {"Palikir"}, "NR": {"Yaren"},
	"PW": {"Ngerulmud"}, "PG": {"Port Moresby"}, "WS": {"Apia"}, "SB": {"Honiara"},
	"TO": {"Nuku'alofa"}, "TV": {"Funafuti"}, "VU": {"Port Vila"},
	// Latin America and the Caribbean
	"AG": {"St. John's"}, "AR": {"Buenos Aires", "Córdoba"}, "BS": {"Nassau"}, "BB": {"Bridgetown"},
	"BZ": {"Belmopan"}, "BO": {"La Paz", "Santa Cruz de la Sierra"}, "BR": {"Brasília", "São Paulo", "Rio de Janeiro"},
	"CL": {"Santiago"}, "CO": {"Bogotá", "Medellín"}, "CR": {"San José"}, "CU": {"Havana"},
	"DM": {"Roseau"}, "DO": {"Santo Domingo"}, "EC": {"Quito", "Guayaquil"}, "SV": {"San Salvador"},
	"GD": {"St. George's"}, "GT": {"Guatemala City"}, "GY": {"Georgetown"}, "HT": {"Port-au-Prince"},
	"HN": {"Tegucigalpa"}, "JM": {"Kingston"}, "MX": {"Mexico City", "Guadalajara"}, "NI": {"Managua"},
	"PA": {"Panama City"}, "PY": {"Asunción"}, "PE": {"Lima", "Cusco"}, "KN": {"Basseterre"},
	"LC": {"Castries"}, "VC": {"Kingstown"}, "SR": {"Paramaribo"}, "TT": {"Port of Spain"},
	"UY": {"Montevideo"}, "VE": {"Caracas"},
	// Certain countries in Europe and Asia
	"AL": {"Tirana"}, "BA": {"Sarajevo"}, "BG": {"Sofia"}, "HR": {"Zagreb"}, "CZ": {"Prague"},
	"EE": {"Tallinn"}, "HU": {"Budapest"}, "LV": {"Riga"}, "LT": {"Vilnius"}, "ME": {"Podgorica"},
	"MK": {"Skopje"}, "PL": {"Warsaw", "Kraków"}, "RO": {"Bucharest"}, "RS": {"Belgrade"},
	"SK": {"Bratislava"}, "SI": {"Ljubljana"}, "AM": {"Yerevan"}, "AZ": {"Baku"}, "BY": {"Minsk"},
	"GE": {"Tbilisi"}, "MD": {"Chișinău"}, "RU": {"Moscow", "Saint Petersburg"}, "UA": {"Kyiv"},
	"KZ": {"Astana", "Almaty"}, "KG": {"Bishkek"}, "TJ": {"Dushanbe"}, "TM": {"Ashgabat"},
	"UZ": {"Tashkent", "Samarkand"}, "CY": {"Nicosia"}, "IL": {"Jerusalem"}, "MT": {"Valletta"},
	"TR": {"Ankara", "Istanbul"},
	// Developed countries
	"AD": {"Andorra la Vella"}, "AT": {"Vienna"}, "BE": {"Brussels"}, "DK": {"Copenhagen"},
	"FI": {"Helsinki"}, "FR": {"Paris", "Strasbourg"}, "DE": {"Berlin", "Munich"}, "GR": {"Athens"},
	"IS": {"Reykjavík"}, "IE": {"Dublin"}, "IT": {"Rome", "Turin"}, "LI": {"Vaduz"},
	"LU": {"Luxembourg"}, "MC": {"Monaco"}, "NL": {"Amsterdam", "The Hague"}, "NO": {"Oslo"},
	"PT": {"Lisbon"}, "SM": {"San Marino"}, "ES": {"Madrid", "Alicante"}, "SE": {"Stockholm"},
	"CH": {"Bern", "Geneva"}, "GB": {"London"}, "VA": {"Vatican City"}, "CA": {"Ottawa"},
	"US": {"Washington, D.C."}, "JP": {"Tokyo"}, "AU": {"Canberra"}, "NZ": {"Wellington"},
}

// languages lists, per country, ISO 639-1 codes of the languages in use: the
// first is the working language an activity there would most likely use.
// Countries not listed fall back to their region's entry in regionLanguages.
var languages = map[string][]string{
	// French-speaking Africa and the Indian Ocean
	"BJ": {"fr"}, "BF": {"fr"}, "BI": {"fr", "sw"}, "CF": {"fr"}, "TD": {"fr", "ar"},
	"CD": {"fr", "sw"}, "CG": {"fr"}, "CI": {"fr"}, "GA": {"fr"}, "GN": {"fr"},
	"MG": {"fr"}, "ML": {"fr"}, "NE": {"fr"}, "SN": {"fr"}, "TG": {"fr"}, "CM": {"fr", "en"},
	"DJ": {"fr", "ar"}, "KM": {"fr", "ar"}, "SC": {"en", "fr"}, "MU": {"en", "fr"},
	"RW": {"en", "fr", "sw"},
	// Portuguese-speaking countries
	"AO": {"pt"}, "MZ": {"pt"}, "GW": {"pt"}, "CV": {"pt"}, "ST": {"pt"}, "BR": {"pt"},
	"TL": {"pt", "id"}, "PT": {"pt"},
	// East Africa
	"KE": {"en", "sw"}, "TZ": {"sw", "en"}, "UG": {"en", "sw"},
	// Spanish-speaking Africa
	"GQ": {"es", "fr"},
	// Maghreb: Arabic with French
	"DZ": {"ar", "fr"}, "MA": {"ar", "fr"}, "TN": {"ar", "fr"}, "MR": {"ar", "fr"}, "LB": {"ar", "fr", "en"},
	// Asia and the Pacific
	"CN": {"zh"}, "IN": {"en", "hi"}, "ID": {"id", "en"}, "NP": {"en", "hi"}, "LA": {"en", "fr"},
	"KH": {"en", "fr"}, "VN": {"en", "fr"}, "VU": {"en", "fr"}, "AF": {"en", "fa"}, "IR": {"fa", "en"},
	"KR": {"ko", "en"}, "TH": {"th", "en"},
	// The English-speaking Caribbean and Guyanas, and Haiti
	"AG": {"en"}, "BS": {"en"}, "BB": {"en"}, "BZ": {"en", "es"}, "DM": {"en"}, "GD": {"en"},
	"GY": {"en"}, "JM": {"en"}, "KN": {"en"}, "LC": {"en"}, "VC": {"en"}, "TT": {"en"},
	"SR": {"en", "nl"}, "HT": {"fr"},
	// Russian as a working language in Eastern Europe, the Caucasus and Central Asia
	"RU": {"ru"}, "BY": {"ru"}, "KZ": {"ru"}, "KG": {"ru"}, "TJ": {"ru"}, "TM": {"ru"},
	"UZ": {"ru"}, "AM": {"ru", "en"}, "AZ": {"ru", "en"}, "GE": {"en", "ru"}, "MD": {"ru", "en"},
	"UA": {"en", "ru"}, "TR": {"tr", "en"},
	// Developed countries
	"FR": {"fr"}, "BE": {"fr", "nl"}, "CH": {"fr", "de", "it"}, "LU": {"fr", "de"}, "MC": {"fr"},
	"ES": {"es"}, "AD": {"es", "fr"}, "DE": {"de", "en"}, "AT": {"de", "en"}, "LI": {"de"},
	"IT": {"it", "en"}, "SM": {"it"}, "VA": {"it"}, "JP": {"ja", "en"}, "NL": {"nl", "en"},
	"CA": {"en", "fr"}, "GR": {"en"},
}

// regionLanguages is the fallback working language (and a common second
// language) per bureau.
var regionLanguages = map[string][]string{
	"AFRICA":                  {"en", "fr"},
	"ARAB":                    {"ar", "en"},
	"ASIA_PACIFIC":            {"en"},
	"LATIN_AMERICA_CARIBBEAN": {"es", "en"},
	"EUROPE_ASIA":             {"en", "ru"},
	"DEVELOPED":               {"en"},
}

// extraLanguages are the languages a consultant may add on top of those of
// their nationality.
var extraLanguages = []string{"en", "fr", "es", "ar", "zh", "ru", "pt", "sw", "hi", "id"}

// firstNames are varied real given names; paired with an invented surname
// they make names that are obviously fictional.
var firstNames = []string{
	"Amara", "Kenji", "Lucía", "Fatima", "Oluwaseun", "Priya", "Mateo", "Aigerim",
	"Thandiwe", "Youssef", "Mei", "Dmitri", "Ana", "Kwame", "Leila", "Rahul",
	"Sofía", "Tenzin", "Chidi", "Zanele", "Omar", "Layla", "Arjun", "Siti",
	"Budi", "Camila", "Joaquín", "Elena", "Tomás", "Nadia", "Hassan", "Aisha",
	"Kofi", "Abebe", "Selam", "Mariam", "Juan", "Carmen", "Wei", "Hana",
	"Yuki", "Sione", "Mele", "Tariq", "Noor", "Farida", "Bakhyt", "Gulnara",
	"Nodira", "Ayşe", "Emre", "Inés", "Diego", "Rosa", "Paulo", "Luana",
	"Ngozi", "Sipho", "Marisol", "Andrés", "Rania", "Samir", "Anh", "Minh",
	"Sunita", "Ravi", "Malia", "Tevita", "Ingrid", "Pierre", "Claire", "Jonas",
}

// surnames are invented, placeholder-like surnames.
var surnames = []string{
	"Placeholder", "Examplar", "Fictora", "Samplova", "Mockaert", "Pretendo",
	"Imaginari", "Testerov", "Demovic", "Loremi", "Ipsumova", "Dolorsit",
	"Fabulano", "Notreal", "Madeupson", "Sampleton", "Fictivo", "Exempla",
	"Dummyfield", "Stubano", "Figmentia", "Inventada",
}

// nameMarkers open every demo organization name.
var nameMarkers = []string{"Sample", "Fictional", "Example", "Imaginary", "Placeholder", "Mock"}

// places are invented place names for demo organizations.
var places = []string{
	"Lakeshire", "Northmoor", "Eastvale", "Riverbend", "Sunhaven", "Greenport",
	"Westerly", "Highfield", "Stonebridge", "Brightwater", "Cedarfall", "Amberton",
	"Coralia", "Palmera", "Savannia", "Montaria", "Verdania", "Azulia", "Solenne",
	"Baobab Hills", "Mistral Bay", "Copperdale", "Saltmarsh", "Lowland Vale",
	"Redcliff", "Tamarind Coast", "Windward Cay", "Silverlake", "Dunmere", "Orchard Plains",
}

// orgPatterns are per-kind name patterns: {m} stands for a marker word, {p}
// for an invented place.
var orgPatterns = map[string][]string{
	"IP_OFFICE": {
		"{m} Intellectual Property Office of {p}",
		"{m} Patent and Trademark Bureau of {p}",
		"{m} Copyright Office of {p}",
	},
	"GOVERNMENT": {
		"{m} Ministry of Trade and Industry of {p}",
		"{m} Ministry of Culture of {p}",
		"{m} Agency for Innovation of {p}",
		"{m} Ministry of Agriculture of {p}",
	},
	"UNIVERSITY": {
		"{m} University of {p}",
		"{m} Institute of Technology of {p}",
		"{m} School of Law of {p}",
	},
	"RESEARCH_CENTER": {
		"{m} Institute for Innovation of {p}",
		"{m} Agricultural Research Centre of {p}",
		"{m} Centre for Health Research of {p}",
	},
	"NGO": {
		"{m} Bar Association of {p}",
		"{m} Association of Women Inventors of {p}",
		"{m} Artisans' Collective of {p}",
		"{m} Musicians' Society of {p}",
	},
	"IGO": {
		"{m} Regional Intellectual Property Organization",
		"{m} Intergovernmental Fund for Innovation",
		"{m} Commission on Technology Transfer",
		"{m} Interregional Development Bank",
	},
	"PRIVATE_SECTOR": {
		"{m} Coffee Cooperative of {p}",
		"{m} Pharmaceuticals of {p}",
		"{m} Software House of {p}",
		"{m} Textile Company of {p}",
	},
	"OTHER": {
		"{m} Chamber of Commerce of {p}",
		"{m} Foundation for the Creative Arts of {p}",
		"{m} Science Park of {p}",
	},
}

// topicWords holds the vocabulary the generator uses for a topic, keyed by
// topic code. Phrases are in sentence case; titleCase capitalizes them for
// titles. A topic missing here (the data file changed) falls back to its
// name and genericAudiences.
type topicWords struct {
	phrases   []string // what an activity is "on"
	audiences []string // who it is for
	sector    string   // for SECTOR topics: qualifies another topic ("in the tourism sector")
}

var topicVocab = map[string]topicWords{
	"PATENTS": {
		phrases:   []string{"patent drafting", "patent information and search", "patent examination", "the use of patent information"},
		audiences: []string{"patent examiners", "university researchers", "inventors", "patent agents"},
	},
	"TRADEMARKS": {
		phrases:   []string{"trademarks and branding", "trademark examination", "collective and certification marks"},
		audiences: []string{"SME managers", "trademark examiners", "business association members", "exporters"},
	},
	"INDUSTRIAL_DESIGNS": {
		phrases:   []string{"industrial design protection", "design management"},
		audiences: []string{"designers", "furniture makers", "fashion entrepreneurs"},
	},
	"GEOGRAPHICAL_INDICATIONS": {
		phrases:   []string{"geographical indications", "origin-linked products and geographical indications"},
		audiences: []string{"coffee producers", "members of agricultural cooperatives", "producer group representatives", "tea growers"},
	},
	"COPYRIGHT": {
		phrases:   []string{"copyright and related rights", "collective management of copyright", "copyright limitations and exceptions"},
		audiences: []string{"musicians", "publishers", "staff of collective management organizations", "librarians"},
	},
	"TRADITIONAL_KNOWLEDGE": {
		phrases:   []string{"traditional knowledge and genetic resources", "the protection of traditional cultural expressions", "documentation of traditional knowledge"},
		audiences: []string{"indigenous community representatives", "local community leaders", "museum curators"},
	},
	"IP_STRATEGY_POLICY": {
		phrases:   []string{"national IP strategies", "IP policy and legislation", "the use of flexibilities in the IP system"},
		audiences: []string{"policy makers", "government officials", "legislative drafters"},
	},
	"TECHNOLOGY_TRANSFER": {
		phrases:   []string{"technology transfer and licensing", "the management of university IP", "technology licensing"},
		audiences: []string{"technology transfer officers", "university researchers", "start-up founders"},
	},
	"ENFORCEMENT": {
		phrases:   []string{"the enforcement of IP rights", "border measures against counterfeiting", "IP adjudication"},
		audiences: []string{"judges", "customs officers", "police officers", "prosecutors"},
	},
	"IP_OFFICE_ADMINISTRATION": {
		phrases:   []string{"IP office automation", "quality management in IP offices", "the modernization of IP office services"},
		audiences: []string{"IP office staff", "IP office managers", "IT specialists"},
	},
	"TOURISM": {
		phrases:   []string{"IP and tourism", "branding of tourism destinations"},
		audiences: []string{"tourism operators", "hotel managers"},
		sector:    "in the tourism sector",
	},
	"CULTURAL_HERITAGE": {
		phrases:   []string{"IP and cultural heritage", "the promotion of cultural heritage"},
		audiences: []string{"museum curators", "cultural heritage managers"},
		sector:    "in the cultural heritage sector",
	},
	"AGRICULTURE_FOOD": {
		phrases:   []string{"IP in agriculture", "branding of agricultural products"},
		audiences: []string{"farmers", "food processors"},
		sector:    "in the agri-food sector",
	},
	"HANDICRAFTS": {
		phrases:   []string{"IP for handicrafts", "the protection of handicraft designs"},
		audiences: []string{"artisans", "craft entrepreneurs"},
		sector:    "in the handicraft sector",
	},
	"CREATIVE_INDUSTRIES": {
		phrases:   []string{"IP in the creative industries", "copyright for the music industry"},
		audiences: []string{"film producers", "game developers", "musicians"},
		sector:    "in the creative industries",
	},
	"HEALTH": {
		phrases:   []string{"IP and public health", "patent landscapes for medicines"},
		audiences: []string{"health officials", "pharmaceutical researchers"},
		sector:    "in the health sector",
	},
}

var genericAudiences = []string{"government officials", "SME managers", "researchers", "IP professionals"}

// tools are what a TOOL_DEVELOPMENT activity produces.
var tools = []string{"guide", "training module", "online course", "toolkit", "handbook", "database"}

// smallWords stay lower case inside titles.
var smallWords = map[string]bool{
	"a": true, "an": true, "and": true, "the": true, "of": true, "in": true,
	"on": true, "for": true, "to": true, "from": true, "with": true, "by": true, "at": true,
	"against": true, "into": true, "via": true, "or": true,
}

// theNames take the definite article inside a sentence ("in the
// Philippines").
var theNames = map[string]bool{
	"BS": true, "CF": true, "CD": true, "CG": true, "DO": true, "GM": true, "KM": true,
	"MV": true, "MH": true, "PH": true, "SB": true, "AE": true, "RU": true, "NL": true,
	"US": true, "GB": true, "FM": true, "PS": true,
}
