package auth

import (
	"strings"
	"testing"
)

// TestOIDCRole: the role claim wins; without it the highest role the
// groups map to; without either, a refusal that names the claims.
func TestOIDCRole(t *testing.T) {
	o := &OIDC{cfg: OIDCConfig{
		RoleClaim: DefaultRoleClaim, GroupsClaim: "groups",
		GroupRoles: map[string]string{"members": RoleMember, "editors": RoleEditor, "admins": RoleAdmin},
	}}
	for _, tt := range []struct {
		name   string
		claims map[string]any
		want   string // a role, or the refusal's words
	}{
		{"role claim", map[string]any{"sscgraph_role": "editor"}, RoleEditor},
		{"role claim over groups", map[string]any{"sscgraph_role": "MEMBER", "groups": []any{"admins"}}, RoleMember},
		{"highest group", map[string]any{"groups": []any{"members", "other", "admins", "editors"}}, RoleAdmin},
		{"one group as a string", map[string]any{"groups": "editors"}, RoleEditor},
		{"no known group", map[string]any{"groups": []any{"staff"}}, "none of its groups (claim groups) maps to a role"},
		{"nothing", map[string]any{}, "it gives no role"},
		{"bad role", map[string]any{"sscgraph_role": "ROOT"}, "must be MEMBER, EDITOR or ADMIN"},
		{"role not a string", map[string]any{"sscgraph_role": 3.0}, "must be MEMBER, EDITOR or ADMIN"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := o.role(tt.claims)
			if err != nil {
				got = err.Error()
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
