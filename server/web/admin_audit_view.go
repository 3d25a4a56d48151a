package web

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

// auditRow is one log entry as a person reads it: the action in words, the
// time in ICT, and what changed as before → after.
type auditRow struct {
	At      string
	Actor   string
	Action  string // translated; the code itself when no words exist yet
	Code    string // the action code, for the title attribute and searches
	Target  string
	Changes []auditChange
}

// auditChange is one field that changed; Before or After is "" when the
// thing was created or removed.
type auditChange struct {
	Field  string
	Before string
	After  string
}

// auditTime is how the audit page writes a moment: dd/mm/yyyy HH:MM, ICT.
func auditTime(t time.Time) string { return t.In(survey.Zone).Format("02/01/2006 15:04") }

// auditRows turns stored entries into rows for the page.
func auditRows(l *i18n.Localizer, entries []sqlite.AuditEntry) []auditRow {
	out := make([]auditRow, 0, len(entries))
	for _, e := range entries {
		out = append(out, auditRow{At: auditTime(e.At), Actor: e.Actor, Action: auditAction(l, e.Action), Code: e.Action,
			Target: e.Target, Changes: auditChanges(l, e.Before, e.After)})
	}
	return out
}

// auditAction words an action code ("device.pairing_code" → "Cấp mã ghép
// nối"); a code added elsewhere without words yet is shown as it is.
func auditAction(l *i18n.Localizer, code string) string {
	if id := "admin.audit.act." + code; l.Has(id) {
		return l.T(id)
	}
	return code
}

// auditChanges compares two stored states field by field. A state that is
// not a JSON object is shown whole, as one unnamed field.
func auditChanges(l *i18n.Localizer, before, after string) []auditChange {
	b, okB := auditObject(before)
	a, okA := auditObject(after)
	if !okB || !okA {
		return []auditChange{{Before: auditValue(l, before), After: auditValue(l, after)}}
	}
	keys := make([]string, 0, len(a)+len(b))
	for k := range b {
		keys = append(keys, k)
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []auditChange
	for _, k := range keys {
		rb, inB := b[k]
		ra, inA := a[k]
		if !inB && zeroJSON(ra) || !inA && zeroJSON(rb) {
			continue // a field at its zero value on a new or removed thing says nothing
		}
		vb, va := auditValue(l, string(rb)), auditValue(l, string(ra))
		if vb == va {
			continue
		}
		out = append(out, auditChange{Field: auditField(l, k), Before: vb, After: va})
	}
	return out
}

func zeroJSON(raw json.RawMessage) bool {
	switch string(raw) {
	case "", "null", "false", "0", `""`, "[]", "{}", `"0001-01-01T00:00:00Z"`:
		return true
	}
	return false
}

// auditObject reads a stored state; "" (nothing) is an empty object.
func auditObject(s string) (map[string]json.RawMessage, bool) {
	if s == "" {
		return map[string]json.RawMessage{}, true
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, false
	}
	return m, true
}

// auditField names a field in words where there are words for it.
func auditField(l *i18n.Localizer, key string) string {
	if id := "admin.audit.field." + strings.ToLower(key); l.Has(id) {
		return l.T(id)
	}
	return key
}

// auditValue writes one JSON value for people: text as text, a name in
// the reader's language, a moment in ICT, yes/no in words; zero values
// (never set) are left empty so that they do not show as changes.
func auditValue(l *i18n.Localizer, raw string) string {
	var v any
	if raw == "" || json.Unmarshal([]byte(raw), &v) != nil {
		return raw
	}
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return l.T("admin.audit.yes")
		}
		return l.T("admin.audit.no")
	case float64:
		if x == 0 {
			return ""
		}
		return fmt.Sprint(x)
	case string:
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
			if t.IsZero() {
				return ""
			}
			return auditTime(t)
		}
		return x
	case map[string]any:
		// A name in several languages: the reader's, else Vietnamese.
		if s, ok := x[l.Lang()].(string); ok {
			return s
		}
		if s, ok := x["vi"].(string); ok {
			return s
		}
	}
	return raw
}

// auditDay reads a day typed in a filter, dd/mm/yyyy as everywhere else (an
// ISO date from an older link works too), and returns it as the store's
// YYYY-MM-DD; ok is false for anything else.
func auditDay(s string) (day string, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	for _, layout := range []string{"02/01/2006", "2/1/2006", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, survey.Zone); err == nil {
			return t.Format("2006-01-02"), true
		}
	}
	return "", false
}

// shownDay writes a stored YYYY-MM-DD day back as dd/mm/yyyy for the filter box.
func shownDay(day string) string {
	t, err := time.Parse("2006-01-02", day)
	if err != nil {
		return day
	}
	return t.Format("02/01/2006")
}
