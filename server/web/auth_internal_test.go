package web

import "testing"

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{"/dashboard?month=2026-10": "/dashboard?month=2026-10", "//evil.example": "/dashboard",
		"https://evil.example": "/dashboard", `/\evil`: "/dashboard", "": "/dashboard",
		// Browsers drop tabs and newlines from a Location, which makes these "//evil.example".
		"/\t/evil.example": "/dashboard", "/\n/evil.example": "/dashboard", "/\r\n/evil.example": "/dashboard",
		"/\x00/evil.example": "/dashboard", "/\x7f/evil.example": "/dashboard", "/\u0085/evil.example": "/dashboard",
		"/%2F/evil.example": "/dashboard", "/admin/agencies?q=a%2Fb": "/admin/agencies?q=a%2Fb"} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
