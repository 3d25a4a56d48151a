package i18n

import (
	"math"
	"testing"
	"time"
)

func TestRoundHalfUp(t *testing.T) {
	tests := []struct {
		v        float64
		decimals int
		want     float64
	}{
		{84.445, 2, 84.45}, // stored as 84.44499999999999…
		{0.005, 2, 0.01},
		{99.995, 2, 100},
		{100, 2, 100},
		{1.005, 2, 1.01},
		{2.675, 2, 2.68},
		{100.49999999999999, 0, 101}, // 1.005*100: binary noise, decimally a half
		{84.444, 2, 84.44},
		{2.5, 0, 3},
		{-2.5, 0, -3},
		{-84.445, 2, -84.45},
		{0.0004, 2, 0},
		{12345.6789, -1, 12346}, // negative decimals count as 0
		{0, 2, 0},
		{0.1 + 0.2, 1, 0.3},
	}
	for _, tt := range tests {
		if got := RoundHalfUp(tt.v, tt.decimals); got != tt.want {
			t.Errorf("RoundHalfUp(%v, %d) = %v, want %v", tt.v, tt.decimals, got, tt.want)
		}
	}
	if got := RoundHalfUp(math.NaN(), 2); !math.IsNaN(got) {
		t.Errorf("RoundHalfUp(NaN) = %v", got)
	}
	if got := RoundHalfUp(-0.001, 2); got != 0 || math.Signbit(got) {
		t.Errorf("RoundHalfUp(-0.001, 2) = %v, want +0", got)
	}
}

func TestPercent(t *testing.T) {
	b := newTestBundle(t)
	tests := []struct {
		v        float64
		decimals int
		vi, en   string
	}{
		{84.445, 2, "84,45%", "84.45%"},
		{84.45, 2, "84,45%", "84.45%"},
		{0.005, 2, "0,01%", "0.01%"},
		{99.995, 2, "100,00%", "100.00%"},
		{100, 2, "100,00%", "100.00%"},
		{100, 0, "100%", "100%"},
		{25, 0, "25%", "25%"},
		{80.14, 1, "80,1%", "80.1%"},
		{0, 1, "0,0%", "0.0%"},
	}
	for _, tt := range tests {
		if got := b.Localizer("vi").Percent(tt.v, tt.decimals); got != tt.vi {
			t.Errorf("vi Percent(%v, %d) = %q, want %q", tt.v, tt.decimals, got, tt.vi)
		}
		if got := b.Localizer("en").Percent(tt.v, tt.decimals); got != tt.en {
			t.Errorf("en Percent(%v, %d) = %q, want %q", tt.v, tt.decimals, got, tt.en)
		}
	}
}

func TestNumber(t *testing.T) {
	b := newTestBundle(t)
	tests := []struct {
		v        float64
		decimals int
		vi, en   string
	}{
		{1630, 0, "1.630", "1,630"},
		{4.12, 2, "4,12", "4.12"},
		{4.125, 2, "4,13", "4.13"},
		{2.3, 2, "2,30", "2.30"},
		{999.5, 0, "1.000", "1,000"},
		{1234567.891, 1, "1.234.567,9", "1,234,567.9"},
		{123, 0, "123", "123"},
		{-1630.5, 1, "-1.630,5", "-1,630.5"},
		{-2.3, 2, "-2,30", "-2.30"},
		{-0.001, 2, "0,00", "0.00"},
		{0.5, 0, "1", "1"},
		{1e6, 0, "1.000.000", "1,000,000"},
		{math.NaN(), 2, "NaN", "NaN"},
	}
	for _, tt := range tests {
		if got := b.Localizer("vi").Number(tt.v, tt.decimals); got != tt.vi {
			t.Errorf("vi Number(%v, %d) = %q, want %q", tt.v, tt.decimals, got, tt.vi)
		}
		if got := b.Localizer("en").Number(tt.v, tt.decimals); got != tt.en {
			t.Errorf("en Number(%v, %d) = %q, want %q", tt.v, tt.decimals, got, tt.en)
		}
	}
}

func TestInt(t *testing.T) {
	b := newTestBundle(t)
	tests := []struct {
		n      int
		vi, en string
	}{
		{0, "0", "0"},
		{412, "412", "412"},
		{1000, "1.000", "1,000"},
		{1630, "1.630", "1,630"},
		{123456, "123.456", "123,456"},
		{1234567, "1.234.567", "1,234,567"},
		{-1630, "-1.630", "-1,630"},
		{-100, "-100", "-100"},
		{math.MinInt64, "-9.223.372.036.854.775.808", "-9,223,372,036,854,775,808"},
	}
	for _, tt := range tests {
		if got := b.Localizer("vi").Int(tt.n); got != tt.vi {
			t.Errorf("vi Int(%d) = %q, want %q", tt.n, got, tt.vi)
		}
		if got := b.Localizer("en").Int(tt.n); got != tt.en {
			t.Errorf("en Int(%d) = %q, want %q", tt.n, got, tt.en)
		}
	}
}

func TestDateAndDateTimeInHoChiMinhTime(t *testing.T) {
	b := newTestBundle(t)
	tests := []struct {
		at             string
		date, dateTime string
	}{
		{"2026-10-31T17:30:00Z", "01/11/2026", "00:30 01/11/2026"}, // already 1 Nov in Viet Nam
		{"2026-10-31T16:59:59Z", "31/10/2026", "23:59 31/10/2026"},
		{"2026-11-01T00:00:00Z", "01/11/2026", "07:00 01/11/2026"},
		{"2026-11-27T10:00:00+07:00", "27/11/2026", "10:00 27/11/2026"},
		{"2026-12-31T20:15:00Z", "01/01/2027", "03:15 01/01/2027"},
	}
	for _, tt := range tests {
		at, err := time.Parse(time.RFC3339, tt.at)
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range Supported {
			l := b.Localizer(lang)
			if got := l.Date(at); got != tt.date {
				t.Errorf("%s Date(%s) = %q, want %q", lang, tt.at, got, tt.date)
			}
			if got := l.DateTime(at); got != tt.dateTime {
				t.Errorf("%s DateTime(%s) = %q, want %q", lang, tt.at, got, tt.dateTime)
			}
		}
	}
}

func TestMonth(t *testing.T) {
	b := newTestBundle(t)
	tests := []struct {
		ym, vi, en string
	}{
		{"2026-10", "Tháng 10/2026", "October 2026"},
		{"2026-09", "Tháng 9/2026", "September 2026"},
		{"2027-01", "Tháng 1/2027", "January 2027"},
		{"2026-13", "2026-13", "2026-13"},
		{"2026-00", "2026-00", "2026-00"},
		{"2026-1", "2026-1", "2026-1"},
		{"2026-10-01", "2026-10-01", "2026-10-01"},
		{" 2026-10", " 2026-10", " 2026-10"},
		{"", "", ""},
		{"abc", "abc", "abc"},
	}
	for _, tt := range tests {
		if got := b.Localizer("vi").Month(tt.ym); got != tt.vi {
			t.Errorf("vi Month(%q) = %q, want %q", tt.ym, got, tt.vi)
		}
		if got := b.Localizer("en").Month(tt.ym); got != tt.en {
			t.Errorf("en Month(%q) = %q, want %q", tt.ym, got, tt.en)
		}
	}
}
