package alert

import (
	"fmt"
	"strings"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// WorkingHours are the hours a tablet is expected to be on, in
// Asia/Ho_Chi_Minh: a set of weekdays and one daily span. A tablet switched
// off over a weekend or a night is not silent.
type WorkingHours struct {
	Days       [7]bool // by time.Weekday
	Start, End int     // minutes after midnight, Start < End
}

// DefaultWorkingHours is Monday to Friday, 07:30–17:00 ICT.
func DefaultWorkingHours() WorkingHours {
	w, _ := ParseWorkingHours("mon-fri 07:30-17:00")
	return w
}

var weekdays = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// ParseWorkingHours reads "mon-fri 07:30-17:00": a day or a range of days
// (several separated by commas, e.g. "mon-fri,sat"), a space, and the span.
func ParseWorkingHours(s string) (WorkingHours, error) {
	var w WorkingHours
	days, span, ok := strings.Cut(strings.ToLower(strings.TrimSpace(s)), " ")
	if !ok {
		return w, fmt.Errorf("%q is not days and hours such as mon-fri 07:30-17:00", s)
	}
	for _, part := range strings.Split(days, ",") {
		from, to, isRange := strings.Cut(part, "-")
		if !isRange {
			to = from
		}
		a, b := dayIndex(from), dayIndex(to)
		if a < 0 || b < 0 {
			return w, fmt.Errorf("%q: unknown day in %q (use mon, tue, wed, thu, fri, sat, sun)", s, part)
		}
		for d := a; ; d = (d + 1) % 7 {
			w.Days[d] = true
			if d == b {
				break
			}
		}
	}
	var h1, m1, h2, m2 int
	if n, err := fmt.Sscanf(strings.TrimSpace(span), "%d:%d-%d:%d", &h1, &m1, &h2, &m2); err != nil || n != 4 ||
		h1 < 0 || h2 > 24 || m1 < 0 || m1 > 59 || m2 < 0 || m2 > 59 || h1*60+m1 >= h2*60+m2 || h2*60+m2 > 24*60 {
		return w, fmt.Errorf("%q: the hours are not start-end such as 07:30-17:00", s)
	}
	w.Start, w.End = h1*60+m1, h2*60+m2
	return w, nil
}

func dayIndex(s string) int {
	for i, d := range weekdays {
		if strings.TrimSpace(s) == d {
			return i
		}
	}
	return -1
}

// Between is the working time from from to to.
func (w WorkingHours) Between(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	from, to = from.In(survey.Zone), to.In(survey.Zone)
	var total time.Duration
	day := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, survey.Zone)
	for ; day.Before(to); day = day.AddDate(0, 0, 1) {
		if !w.Days[day.Weekday()] {
			continue
		}
		s := day.Add(time.Duration(w.Start) * time.Minute)
		e := day.Add(time.Duration(w.End) * time.Minute)
		if s.Before(from) {
			s = from
		}
		if e.After(to) {
			e = to
		}
		if e.After(s) {
			total += e.Sub(s)
		}
	}
	return total
}
