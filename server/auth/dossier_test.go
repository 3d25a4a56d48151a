package auth

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func testCodes(t *testing.T, seed byte) *Codes {
	t.Helper()
	c, err := NewCodes(bytes.Repeat([]byte{seed}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDossierCodeRoundTripAndNormalisation(t *testing.T) {
	c := testCodes(t, 1)
	code, nonce, err := c.New()
	if err != nil {
		t.Fatal(err)
	}
	if len(code) != CodeLen || strings.ContainsAny(code, "ILOU") {
		t.Fatalf("code %q", code)
	}
	for _, typed := range []string{code, strings.ToLower(code), Format(code), " " + Format(strings.ToLower(code)) + " "} {
		got, err := c.Parse(typed)
		if err != nil || !bytes.Equal(got, nonce) {
			t.Errorf("Parse(%q) = %x, %v; want %x", typed, got, err, nonce)
		}
	}
}

func TestDossierCodeRejectsForgeriesAndJunk(t *testing.T) {
	c := testCodes(t, 1)
	code, _, _ := c.New()
	// Alter one character: the MAC no longer matches.
	alt := []byte(code)
	if alt[3] == 'A' {
		alt[3] = 'B'
	} else {
		alt[3] = 'A'
	}
	for _, bad := range []string{"", "ABC", code + "A", string(alt), "!!!!!!!!!!!!!!!!"} {
		if _, err := c.Parse(bad); !errors.Is(err, ErrBadCode) {
			t.Errorf("Parse(%q) = %v, want ErrBadCode", bad, err)
		}
	}
	// A code of the wrong length says how long it was, to tell the person.
	for bad, n := range map[string]int{"": 0, "abc": 3, "ab-c d": 4, code + "A": 17} {
		var le *CodeLengthError
		if _, err := c.Parse(bad); !errors.As(err, &le) || le.Got != n {
			t.Errorf("Parse(%q) = %v, want a length error of %d", bad, err, n)
		}
	}
	if _, err := c.Parse(string(alt)); errors.As(err, new(*CodeLengthError)) {
		t.Errorf("a forged code of the right length is called a length error")
	}
	// A code made with another key is refused.
	if _, err := testCodes(t, 2).Parse(code); err != ErrBadCode {
		t.Errorf("code from another key accepted")
	}
	if _, err := NewCodes([]byte("short")); err == nil {
		t.Error("short key accepted")
	}
}

func FuzzDossierCodeParse(f *testing.F) {
	c, _ := NewCodes(bytes.Repeat([]byte{7}, 32))
	good, _, _ := c.New()
	for _, s := range []string{good, Format(good), "", "0000000000000000", "oooo-iiii-llll-uuuu"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		nonce, err := c.Parse(s)
		if err == nil && len(nonce) != nonceLen {
			t.Fatalf("Parse(%q) accepted with nonce length %d", s, len(nonce))
		}
	})
}
