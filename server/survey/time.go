package survey

import "time"

// Zone is Asia/Ho_Chi_Minh: UTC+7 all year, no daylight saving. Months, days
// and "today" are always taken in it (SIPAS.md). A fixed zone avoids depending
// on the host's tz database, which minimal images lack.
var Zone = time.FixedZone("ICT", 7*60*60)

// Month returns t's month in Asia/Ho_Chi_Minh as "YYYY-MM".
func Month(t time.Time) string { return t.In(Zone).Format("2006-01") }

// Day returns t's day in Asia/Ho_Chi_Minh as "YYYY-MM-DD".
func Day(t time.Time) string { return t.In(Zone).Format("2006-01-02") }

// ParseMonth parses "YYYY-MM" and returns the first instant of that month in
// Asia/Ho_Chi_Minh.
func ParseMonth(s string) (time.Time, error) {
	return time.ParseInLocation("2006-01", s, Zone)
}

// Clock tells the time; tests inject a fixed or stepping one.
type Clock interface{ Now() time.Time }

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }
