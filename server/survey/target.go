package survey

// Target is what a province plans for an agency in a year (issue 14, part
// 2): its headline index and, optionally, its response rate. Both are
// percentages. A target set on an agency holds for its whole subtree unless
// a body below sets its own (EffectiveTarget).
type Target struct {
	AgencyID     int64
	Year         int
	Index        float64  // 0–100, the agency's headline index
	ResponseRate *float64 // 0–100; nil = none planned
}

// Years a target may be set for: from the first SIPAS survey (2017) to a
// plan a few years ahead; anything else is a typing mistake.
const (
	FirstTargetYear = 2017
	LastTargetYear  = 2100
)

// Validate checks a target's own fields.
func (t *Target) Validate() error {
	if t.Year < FirstTargetYear || t.Year > LastTargetYear {
		return FieldError("year", "error.target.year", map[string]any{"Year": t.Year, "First": FirstTargetYear, "Last": LastTargetYear})
	}
	if !(t.Index >= 0 && t.Index <= 100) { // also false for NaN
		return FieldError("index", "error.target.index", nil)
	}
	if r := t.ResponseRate; r != nil && !(*r >= 0 && *r <= 100) {
		return FieldError("response_rate", "error.target.response_rate", nil)
	}
	return nil
}

// EffectiveTarget returns the target that holds for agency id in a year:
// its own, or else the nearest ancestor's (own holds one year's targets by
// agency ID). from is the agency that set it; ok is false when neither the
// agency nor any ancestor has one.
func EffectiveTarget(t *Tree, id int64, own map[int64]Target) (target Target, from *Agency, ok bool) {
	seen := map[int64]bool{}
	for a := t.Agency(id); a != nil && !seen[a.ID]; a = t.Agency(a.ParentID) {
		seen[a.ID] = true // a cycle cannot be stored, but a loop here would hang a page
		if tg, has := own[a.ID]; has {
			return tg, a, true
		}
	}
	return Target{}, nil, false
}
