package auth

import (
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// StaffPINIterations is the PBKDF2-HMAC-SHA256 work of a staff PIN: OWASP's
// figure for that function. A tablet's config carries the verifier, and a
// six-digit PIN has only a million values; each guess must cost this much
// (docs/decisions/0010).
const StaffPINIterations = 600_000

// StaffPINVerifier is what a tablet checks a staff PIN against, offline:
// hex PBKDF2-HMAC-SHA256(password: hex SHA-256(salt + PIN), salt, iterations,
// 32 bytes). The inner SHA-256 is what tablets paired before stored, so
// their verifiers are stretched without knowing the PIN (StretchStaffPIN).
func StaffPINVerifier(salt, pin string, iterations int) (string, error) {
	inner := sha256.Sum256([]byte(salt + pin))
	return StretchStaffPIN(hex.EncodeToString(inner[:]), salt, iterations)
}

// StretchStaffPIN derives the verifier from the inner form, hex SHA-256(salt + PIN).
func StretchStaffPIN(inner, salt string, iterations int) (string, error) {
	key, err := pbkdf2.Key(sha256.New, inner, []byte(salt), iterations, sha256.Size)
	if err != nil {
		return "", fmt.Errorf("stretch staff PIN: %w", err)
	}
	return hex.EncodeToString(key), nil
}
