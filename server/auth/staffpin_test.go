package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

// TestStaffPINVerifierIsStretched pins the derivation the kiosk repeats in
// JavaScript (kiosk/app/js/pin.js, checked by a browser test against the
// same answer): a known answer computed independently (Python's
// hashlib.pbkdf2_hmac), and never the plain SHA-256 of old.
func TestStaffPINVerifierIsStretched(t *testing.T) {
	if StaffPINIterations < 600_000 {
		t.Fatalf("StaffPINIterations = %d, below OWASP's 600,000 for PBKDF2-HMAC-SHA256", StaffPINIterations)
	}
	got, err := StaffPINVerifier("MB36JHve2qOXs5nW", "493817", 1000)
	if err != nil {
		t.Fatal(err)
	}
	const want = "69387a37d47a9958748022e053f1e6609e32a01460fa51b794394a7cc5ac812e"
	inner := sha256.Sum256([]byte("MB36JHve2qOXs5nW493817"))
	again, _ := StretchStaffPIN(hex.EncodeToString(inner[:]), "MB36JHve2qOXs5nW", 1000)
	if got != again || got == hex.EncodeToString(inner[:]) || len(got) != 64 {
		t.Errorf("verifier %s, stretched inner %s", got, again)
	}
	if got != want {
		t.Errorf("verifier %s, want %s", got, want)
	}
}
