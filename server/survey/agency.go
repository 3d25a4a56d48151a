package survey

import (
	"regexp"
	"strings"
	"time"
)

// AgencyKind is the kind of a body in the post-2025 two-level model (SIPAS.md).
type AgencyKind string

// Agency kinds.
const (
	KindProvincePC     AgencyKind = "ubnd_tinh"    // UBND tỉnh / thành phố
	KindDepartment     AgencyKind = "so"           // Sở and other specialised bodies
	KindProvinceCentre AgencyKind = "ttpvhcc_tinh" // Trung tâm Phục vụ hành chính công cấp tỉnh
	KindCentreBranch   AgencyKind = "chi_nhanh"    // a branch of the provincial centre
	KindCommuneCentre  AgencyKind = "ttpvhcc_xa"   // Trung tâm Phục vụ hành chính công cấp xã
	KindCommunePC      AgencyKind = "ubnd_xa"      // UBND xã / phường / đặc khu
	KindVertical       AgencyKind = "nganh_doc"    // seconded vertical agency (police, tax, social insurance)
	KindOther          AgencyKind = "khac"
)

// AgencyKinds lists every valid kind, in the order forms offer them.
var AgencyKinds = []AgencyKind{KindProvincePC, KindDepartment, KindProvinceCentre, KindCentreBranch,
	KindCommuneCentre, KindCommunePC, KindVertical, KindOther}

// Valid reports whether k is a known kind.
func (k AgencyKind) Valid() bool {
	for _, v := range AgencyKinds {
		if v == k {
			return true
		}
	}
	return false
}

// codeRE is the electronic identifier (mã định danh, QĐ 20/2020/QĐ-TTg):
// up to 35 characters of 0–9, A–Z and '.'. Codes are opaque: we never parse
// the hierarchy out of them, since the legacy QCVN 102 form runs the other way.
var codeRE = regexp.MustCompile(`^[0-9A-Z.]{1,35}$`)

// ValidAgencyCode reports whether s is a well-formed agency code.
func ValidAgencyCode(s string) bool { return codeRE.MatchString(s) }

// Agency is a node of the province's tree of bodies.
type Agency struct {
	ID          int64
	Code        string // mã định danh
	LegacyCode  string // QCVN 102:2016 form, optional
	Name        Text   // vi required
	Kind        AgencyKind
	ParentID    int64  // 0 = root
	ValidFrom   string // YYYY-MM-DD or ""
	ValidTo     string // YYYY-MM-DD or ""
	SuccessorID int64  // 0 = none; after a merger history aggregates under it
	SurveyID    string // "" = inherit from the parent
}

// Validate checks an agency's own fields (not its place in the tree).
func (a *Agency) Validate() error {
	if !ValidAgencyCode(a.Code) {
		return FieldError("code", "error.agency.code", map[string]any{"Code": a.Code})
	}
	if a.LegacyCode != "" && !ValidAgencyCode(a.LegacyCode) {
		return FieldError("legacy_code", "error.agency.code", map[string]any{"Code": a.LegacyCode})
	}
	if a.Name["vi"] == "" {
		return FieldError("name_vi", "error.agency.name", nil)
	}
	if !a.Kind.Valid() {
		return FieldError("kind", "error.agency.kind", map[string]any{"Kind": string(a.Kind)})
	}
	for field, d := range map[string]string{"valid_from": a.ValidFrom, "valid_to": a.ValidTo} {
		if d == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return FieldError(field, "error.date.malformed", map[string]any{"Value": d})
		}
	}
	if a.ValidFrom != "" && a.ValidTo != "" && a.ValidTo < a.ValidFrom {
		return FieldError("valid_to", "error.agency.dates", nil)
	}
	return nil
}

// Counter is a one-stop counter (quầy) of an agency.
type Counter struct {
	ID          int64
	AgencyID    int64
	Code        string // short and URL-safe: /q/<code>
	Number      int    // "Quầy số 3"
	Name        Text
	IdleSeconds int // quiet time before the tablet asks "Ông/Bà có cần thêm thời gian không?"
	IdleWarning int // countdown after that question, seconds
	Active      bool
}

// ValidCounterCode keeps counter codes short and URL-safe: they are printed
// in poster links (/q/<code>) and typed by people.
func ValidCounterCode(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// Validate checks a counter's fields.
func (c *Counter) Validate() error {
	if !ValidCounterCode(c.Code) {
		return FieldError("code", "admin.error.counter_code", nil)
	}
	if strings.TrimSpace(c.Name["vi"]) == "" {
		return FieldError("name_vi", "admin.error.name_required", nil)
	}
	if c.Number < 0 {
		return FieldError("number", "admin.error.number", nil)
	}
	if c.IdleSeconds < 1 || c.IdleWarning < 1 || c.IdleSeconds > 3600 || c.IdleWarning > 600 {
		return FieldError("idle_seconds", "admin.error.idle", nil)
	}
	return nil
}

// Officer is a civil servant (cán bộ, công chức, viên chức) of an agency.
type Officer struct {
	ID        int64
	AgencyID  int64
	Code      string
	Name      string
	Title     string
	CounterID int64
	Active    bool
}

// Validate checks an officer's fields; that the counter is one of the
// agency's is the database's to say.
func (o *Officer) Validate() error {
	if o.Code == "" || len(o.Code) > 32 || strings.ContainsAny(o.Code, " \t/") {
		return FieldError("code", "admin.error.officer_code", nil)
	}
	if strings.TrimSpace(o.Name) == "" {
		return FieldError("name", "admin.error.name_required", nil)
	}
	return nil
}

// Role is what a dashboard user may do.
type Role string

// Roles.
const (
	RoleAdmin      Role = "admin"       // Sở Nội vụ: sets everything up
	RoleProvince   Role = "province"    // sees every agency, read-only
	RoleAgencyHead Role = "agency_head" // sees their agency and its subtree
)

// User is a person who signs in to the dashboard or administration.
type User struct {
	ID           int64
	Username     string
	DisplayName  string
	PasswordHash string
	Role         Role
	AgencyID     int64 // scope; 0 = whole province
	Disabled     bool
}

// Device is a counter tablet paired to a counter.
type Device struct {
	ID         int64
	CounterID  int64
	Name       string
	CreatedAt  time.Time
	RevokedAt  *time.Time
	LastSeenAt *time.Time
	AppVersion string
	LastSeq    int64 // highest sequence number received
	SeqCount   int64 // distinct sequence numbers received; LastSeq - SeqCount are missing
	Outbox     int   // responses waiting on the tablet, as it last reported
	Rejected   int   // responses the tablet keeps aside after a 4xx
	LastSyncAt *time.Time
}

// Revoked reports whether the device may no longer submit.
func (d *Device) Revoked() bool { return d.RevokedAt != nil }
