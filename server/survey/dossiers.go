package survey

import "time"

// DossierCount is what the one-stop software reports for one counter and
// one day (Asia/Ho_Chi_Minh): dossiers received, and optionally dossiers
// handled, handled late, and handled with a complaint. Received is the
// denominator of the response rate; Handled, Late and Complaints feed the
// QĐ 766/QĐ-TTg satisfaction indicator (docs/decisions/0015).
type DossierCount struct {
	Counter    string // counter code
	Date       string // YYYY-MM-DD
	Received   int
	Handled    *int // nil: not reported
	Late       *int // of those handled, past the appointed date
	Complaints *int // of those handled, with a complaint or petition
}

// MaxDossiersADay bounds every count: a counter handling more than this in
// a day is a typing error, not a busy day.
const MaxDossiersADay = 100000

// Validate checks each field; the first field at fault is reported.
func (d DossierCount) Validate() error {
	if d.Counter == "" || len(d.Counter) > 64 {
		return FieldError("counter", "error.counter.missing", nil)
	}
	if _, err := d.Day(); err != nil {
		return FieldError("date", "error.dossiers.date", nil)
	}
	if d.Received < 0 || d.Received > MaxDossiersADay {
		return FieldError("received", "error.dossiers.count", map[string]any{"Max": MaxDossiersADay})
	}
	for _, f := range []struct {
		name string
		v    *int
	}{{"handled", d.Handled}, {"late", d.Late}, {"complaints", d.Complaints}} {
		if f.v != nil && (*f.v < 0 || *f.v > MaxDossiersADay) {
			return FieldError(f.name, "error.dossiers.count", map[string]any{"Max": MaxDossiersADay})
		}
	}
	if d.Handled == nil {
		if d.Late != nil {
			return FieldError("late", "error.dossiers.needs_handled", nil)
		}
		if d.Complaints != nil {
			return FieldError("complaints", "error.dossiers.needs_handled", nil)
		}
		return nil
	}
	if d.Late != nil && *d.Late > *d.Handled {
		return FieldError("late", "error.dossiers.over_handled", nil)
	}
	if d.Complaints != nil && *d.Complaints > *d.Handled {
		return FieldError("complaints", "error.dossiers.over_handled", nil)
	}
	return nil
}

// Day parses Date as a day in Asia/Ho_Chi_Minh.
func (d DossierCount) Day() (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02", d.Date, Zone)
	if err == nil && t.Format("2006-01-02") != d.Date {
		return t, FieldError("date", "error.dossiers.date", nil)
	}
	return t, err
}

// DossierTotals sums dossier counts and one-time codes over a scope and
// month. Days is the number of counter-days reported; zero means no counts,
// and then no rate is shown (not 0 %).
type DossierTotals struct {
	Days        int
	Received    int
	HandledDays int // counter-days that reported Handled
	Handled     int
	Late        int
	Complaints  int
	CodesIssued int
	CodesUsed   int
	Responses   int // responses counted in the scope and month
}
