package i18n

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// format is what differs between languages when writing numbers and months.
type format struct {
	group   string // thousands separator
	decimal string // decimal separator
	month   func(m time.Month, year int) string
}

// formats follows UX.md: Vietnamese "1.630" and "84,45%", "Tháng 10/2026";
// English "1,630", "84.45%", "October 2026".
var formats = map[string]format{
	"vi": {group: ".", decimal: ",", month: func(m time.Month, y int) string {
		return fmt.Sprintf("Tháng %d/%d", int(m), y)
	}},
	"en": {group: ",", decimal: ".", month: func(m time.Month, y int) string {
		return fmt.Sprintf("%s %d", m, y)
	}},
}

// formatFor returns lang's format, or Vietnamese's for a language added to
// Supported before anyone wrote its format, since Vietnamese conventions are
// the ones officials expect.
func formatFor(lang string) format {
	if f, ok := formats[lang]; ok {
		return f
	}
	return formats["vi"]
}

// Percent formats v, already in percent units, with the given decimals and a
// "%" sign: vi "84,45%", en "84.45%". Rounding is RoundHalfUp's.
func (l *Localizer) Percent(v float64, decimals int) string {
	return l.Number(v, decimals) + "%"
}

// Number formats v with exactly the given decimals, rounded half-up, with
// thousands grouping: vi "1.630" / "4,12", en "1,630" / "4.12". A value that
// rounds to zero is written without a minus sign.
func (l *Localizer) Number(v float64, decimals int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	neg, ip, fp := roundDecimal(v, decimals)
	s := group(ip, l.format.group)
	if fp != "" {
		s += l.format.decimal + fp
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Int formats n with thousands grouping only: vi "1.630", en "1,630".
func (l *Localizer) Int(n int) string {
	s := strconv.Itoa(n)
	if digits, ok := strings.CutPrefix(s, "-"); ok {
		return "-" + group(digits, l.format.group)
	}
	return group(s, l.format.group)
}

// Date writes t's day in Asia/Ho_Chi_Minh as dd/mm/yyyy in every language,
// because that is how dates are written on Vietnamese forms and receipts.
func (l *Localizer) Date(t time.Time) string {
	return t.In(survey.Zone).Format("02/01/2006")
}

// DateTime writes t in Asia/Ho_Chi_Minh as "15:04 dd/mm/yyyy" (24-hour, time
// first, as in "Cập nhật lúc 07:00 01/11/2026").
func (l *Localizer) DateTime(t time.Time) string {
	return t.In(survey.Zone).Format("15:04 02/01/2006")
}

// Month names a "YYYY-MM" month: vi "Tháng 10/2026", en "October 2026". Input
// that is not such a month comes back unchanged, so a bad URL parameter still
// shows something recognisable instead of an empty heading.
func (l *Localizer) Month(ym string) string {
	t, err := survey.ParseMonth(ym)
	if err != nil || t.Format("2006-01") != ym {
		return ym
	}
	return l.format.month(t.Month(), t.Year())
}

// sigDigits is how many significant digits roundDecimal trusts. A float64
// holds 15–17; cutting at 15 removes binary noise such as 84.445 being stored
// as 84.44499999999999, so rounding follows the decimal number people see.
const sigDigits = 15

// RoundHalfUp rounds v to the given decimals, halves away from zero, on the
// decimal value rather than the binary one: 84.445 → 84.45, 0.005 → 0.01,
// 99.995 → 100. Scoring and display both use it so that the stored index and
// the shown one agree. NaN and infinities are returned as they are.
func RoundHalfUp(v float64, decimals int) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	neg, ip, fp := roundDecimal(v, decimals)
	s := ip
	if fp != "" {
		s += "." + fp
	}
	r, err := strconv.ParseFloat(s, 64)
	if err != nil { // cannot happen: s is digits with at most one point
		return v
	}
	if neg {
		r = -r
	}
	return r
}

// roundDecimal rounds |v| half-up to decimals places and returns the sign and
// the integer and fraction digits (fraction exactly decimals long, no
// grouping). It works on the decimal digits of v cut to sigDigits, never on
// v*10^decimals, whose multiplication would bring the binary error back.
func roundDecimal(v float64, decimals int) (neg bool, intPart, fracPart string) {
	decimals = max(decimals, 0)
	// "d.dddddddddddddde±XX": sigDigits digits, value = 0.digits × 10^(exp+1).
	e := strconv.FormatFloat(math.Abs(v), 'e', sigDigits-1, 64)
	mant, expStr, _ := strings.Cut(e, "e")
	digits := mant[:1] + mant[2:]
	exp, _ := strconv.Atoi(expStr)

	// keep = digits that remain in round(|v| × 10^decimals).
	keep := exp + 1 + decimals
	var n string
	switch {
	case keep < 0:
		n = "0"
	case keep >= len(digits):
		n = digits + strings.Repeat("0", keep-len(digits))
	default:
		n = digits[:keep]
		if digits[keep] >= '5' {
			n = increment(n)
		}
	}

	n = strings.TrimLeft(n, "0")
	if len(n) <= decimals {
		n = strings.Repeat("0", decimals-len(n)+1) + n
	}
	intPart, fracPart = n[:len(n)-decimals], n[len(n)-decimals:]
	neg = v < 0 && strings.Trim(n, "0") != ""
	return neg, intPart, fracPart
}

// increment adds one to a string of decimal digits ("" counts as 0).
func increment(n string) string {
	b := []byte(n)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < '9' {
			b[i]++
			return string(b)
		}
		b[i] = '0'
	}
	return "1" + string(b)
}

// group inserts sep between groups of three digits from the right.
func group(digits, sep string) string {
	if len(digits) <= 3 {
		return digits
	}
	var sb strings.Builder
	head := len(digits) % 3
	if head > 0 {
		sb.WriteString(digits[:head])
	}
	for i := head; i < len(digits); i += 3 {
		if sb.Len() > 0 {
			sb.WriteString(sep)
		}
		sb.WriteString(digits[i : i+3])
	}
	return sb.String()
}
