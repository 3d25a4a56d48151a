package survey

import (
	"slices"
	"strings"
	"time"
)

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool {
	return r == RoleAdmin || r == RoleProvince || r == RoleAgencyHead
}

// Actor is who performs an administrative action: a signed-in user, or the
// command line (UserID 0, Name "cli"). The audit log names it.
type Actor struct {
	UserID int64
	Name   string
}

// CLI is the actor of every `sipas` subcommand.
var CLI = Actor{Name: "cli"}

// Session is a signed-in dashboard user.
type Session struct {
	User      *User
	CSRF      string
	ExpiresAt time.Time
}

// UserInfo is a user as the administration lists them: never the hash.
type UserInfo struct {
	ID          int64
	Username    string
	DisplayName string
	Role        Role
	AgencyID    int64
	Disabled    bool
	Pending     bool // no password yet: the invitation or reset link is unused
}

// CheckScope checks a role and its scope: an agency head needs an agency;
// the other roles see the whole province and carry none (the returned
// scope is then 0). Whether the agency exists is the database's to say.
func (r Role) CheckScope(agencyID int64) (int64, error) {
	if !r.Valid() {
		return 0, FieldError("role", "admin.error.role", nil)
	}
	if r != RoleAgencyHead {
		return 0, nil
	}
	if agencyID == 0 {
		return 0, FieldError("agency", "admin.error.scope_required", nil)
	}
	return agencyID, nil
}

// APIKeyScopes are the scopes a key can carry.
var APIKeyScopes = []string{"tokens", "scores", "metrics"}

// APIKey is a key for the one-stop software or a BI tool.
type APIKey struct {
	ID       int64
	Name     string
	Prefix   string
	Scopes   []string
	AgencyID int64 // 0 = whole province
	Revoked  bool
}

// HasScope reports whether the key may do scope.
func (k *APIKey) HasScope(scope string) bool {
	return slices.Contains(k.Scopes, scope)
}

// Validate checks what a new key asks for: a name and known scopes.
func (k *APIKey) Validate() error {
	if strings.TrimSpace(k.Name) == "" || len(k.Name) > 100 {
		return FieldError("name", "admin.error.name_required", nil)
	}
	if len(k.Scopes) == 0 {
		return FieldError("scopes", "admin.error.scope", nil)
	}
	for _, s := range k.Scopes {
		if !slices.Contains(APIKeyScopes, s) {
			return FieldError("scopes", "admin.error.scope", nil)
		}
	}
	return nil
}
