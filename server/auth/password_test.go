package auth

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestHashAndCheckRoundTrip(t *testing.T) {
	h := Hasher{Cost: bcrypt.MinCost}
	hash, err := h.Hash("Mật khẩu đúng 2025")
	if err != nil {
		t.Fatal(err)
	}
	if hash == "Mật khẩu đúng 2025" || !strings.HasPrefix(hash, "$2") {
		t.Fatalf("hash %q does not look like bcrypt", hash)
	}
	if !CheckPassword(hash, "Mật khẩu đúng 2025") {
		t.Error("right password rejected")
	}
	for _, wrong := range []string{"", "Mật khẩu đúng 2026", "mật khẩu đúng 2025", "Mật khẩu đúng 2025 "} {
		if CheckPassword(hash, wrong) {
			t.Errorf("wrong password %q accepted", wrong)
		}
	}
}

func TestHashIsSaltedAndCostApplies(t *testing.T) {
	h := Hasher{Cost: bcrypt.MinCost}
	a, err := h.Hash("same")
	if err != nil {
		t.Fatal(err)
	}
	b, err := h.Hash("same")
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Error("two hashes of the same password are equal: no salt")
	}
	if c, err := bcrypt.Cost([]byte(a)); err != nil || c != bcrypt.MinCost {
		t.Errorf("cost = %d, %v; want %d", c, err, bcrypt.MinCost)
	}
}

func TestHashPasswordUsesDefaultCost(t *testing.T) {
	if testing.Short() {
		t.Skip("bcrypt cost 12 takes a moment")
	}
	hash, err := HashPassword("x")
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := bcrypt.Cost([]byte(hash)); c != DefaultCost {
		t.Errorf("cost = %d, want %d", c, DefaultCost)
	}
}

func TestCheckPasswordRejectsEmptyAndMalformedHash(t *testing.T) {
	for _, hash := range []string{"", "not-a-hash", "$2a$04$short"} {
		if CheckPassword(hash, "") || CheckPassword(hash, "x") {
			t.Errorf("hash %q matched", hash)
		}
	}
}

func TestLongPasswordRefusedNotTruncated(t *testing.T) {
	long := strings.Repeat("a", MaxPasswordBytes+1)
	if _, err := (Hasher{Cost: bcrypt.MinCost}).Hash(long); err != ErrPasswordTooLong {
		t.Errorf("err = %v, want ErrPasswordTooLong", err)
	}
	hash, err := Hasher{Cost: bcrypt.MinCost}.Hash(long[:MaxPasswordBytes])
	if err != nil {
		t.Fatal(err)
	}
	if CheckPassword(hash, long) {
		t.Error("a password differing after byte 72 matched")
	}
}

func TestRandomPasswordLengthAndAlphabet(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		pw, err := RandomPassword()
		if err != nil {
			t.Fatal(err)
		}
		if len(pw) != RandomPasswordLength {
			t.Fatalf("len(%q) = %d, want %d", pw, len(pw), RandomPasswordLength)
		}
		for _, r := range pw {
			if !strings.ContainsRune(passwordAlphabet, r) {
				t.Fatalf("%q has %q, outside the alphabet", pw, r)
			}
			if strings.ContainsRune("0Oo1lI", r) {
				t.Fatalf("%q has ambiguous %q", pw, r)
			}
		}
		if seen[pw] {
			t.Fatalf("duplicate password %q", pw)
		}
		seen[pw] = true
	}
}
