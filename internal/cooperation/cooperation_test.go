package cooperation

import (
	"testing"

	"sscgraph/ent/match"
)

func TestCooperation(t *testing.T) {
	var (
		kenya   = Party{Country: "KE", Developing: true}
		uganda  = Party{Country: "UG", Developing: true}
		brazil  = Party{Country: "BR", Developing: true}
		japan   = Party{Country: "JP", Developing: false}
		france  = Party{Country: "FR", Developing: false}
		igo     = Party{}                              // no country
		igoFlag = Party{Country: "", Developing: true} // flag without a country is ignored
	)
	tests := []struct {
		name                   string
		provider, seeker, need Party
		want                   match.Cooperation
	}{
		// South-South.
		{"developing provider helps another developing country", brazil, kenya, kenya, match.CooperationSOUTH_SOUTH},
		{"three developing countries", brazil, kenya, uganda, match.CooperationSOUTH_SOUTH},
		{"different organizations in one developing country", kenya, kenya, kenya, match.CooperationOTHER},
		{"IGO seeker on behalf of another developing country", brazil, igo, kenya, match.CooperationSOUTH_SOUTH},
		{"one organization offers to another country", kenya, kenya, uganda, match.CooperationSOUTH_SOUTH},

		// Triangular.
		{"developed provider, seeker for a neighbour", japan, kenya, uganda, match.CooperationTRIANGULAR},
		{"IGO provider, seeker for a neighbour", igo, kenya, uganda, match.CooperationTRIANGULAR},
		{"country-less provider with stray flag", igoFlag, kenya, uganda, match.CooperationTRIANGULAR},

		// Other.
		{"developed provider, seeker's own country", japan, kenya, kenya, match.CooperationOTHER},
		{"IGO provider, seeker's own country", igo, kenya, kenya, match.CooperationOTHER},
		{"IGO provider and IGO seeker", igo, igo, kenya, match.CooperationOTHER},
		{"developed provider, IGO seeker", france, igo, kenya, match.CooperationOTHER},
		{"developed provider, developed seeker", japan, france, kenya, match.CooperationOTHER},
		{"developing provider, developed seeker", brazil, france, kenya, match.CooperationOTHER},
		{"developing provider, need for a developed country", brazil, kenya, japan, match.CooperationOTHER},
		{"one organization helping its own country", kenya, kenya, kenya, match.CooperationOTHER},
		{"developing provider, IGO seeker, provider's own country", kenya, igo, kenya, match.CooperationOTHER},
		{"all developed", japan, france, japan, match.CooperationOTHER},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Of(tt.provider, tt.seeker, tt.need); got != tt.want {
				t.Errorf("Of(%+v, %+v, %+v) = %s, want %s", tt.provider, tt.seeker, tt.need, got, tt.want)
			}
		})
	}
}
