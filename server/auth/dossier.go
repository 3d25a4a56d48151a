package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"strings"
)

// A one-time dossier code is 16 characters of Crockford base32: a 5-byte
// random nonce (the row's key) and a 5-byte HMAC of it. The MAC means a code
// cannot be guessed or altered without the server's key, and the check costs
// no database read; 16 uppercase characters fit a small QR in alphanumeric
// mode and can be typed from the printed receipt if the camera fails.
const (
	nonceLen = 5
	macLen   = 5
	// CodeLen is the length of a code without separators.
	CodeLen = 16
)

// crockford leaves out I, L, O and U so that a typed code is hard to misread.
var crockford = base32.NewEncoding("0123456789ABCDEFGHJKMNPQRSTVWXYZ").WithPadding(base32.NoPadding)

// ErrBadCode is returned for a code that is malformed or whose MAC does not match.
var ErrBadCode = errors.New("malformed or forged dossier code")

// CodeLengthError is ErrBadCode for a code of the wrong length, so the
// person typing it can be told what is wrong.
type CodeLengthError struct{ Got int }

func (e *CodeLengthError) Error() string { return ErrBadCode.Error() + ": wrong length" }

// Is makes a length error an ErrBadCode too.
func (e *CodeLengthError) Is(target error) bool { return target == ErrBadCode }

// Codes makes and checks one-time dossier codes with a server secret.
type Codes struct{ key []byte }

// NewCodes returns a signer using key (at least 32 random bytes, kept in the database).
func NewCodes(key []byte) (*Codes, error) {
	if len(key) < 32 {
		return nil, errors.New("dossier code key must be at least 32 bytes")
	}
	return &Codes{key: key}, nil
}

func (c *Codes) mac(nonce []byte) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte("sipas-dossier-v1"))
	m.Write(nonce)
	return m.Sum(nil)[:macLen]
}

// New returns a fresh code and its nonce (what the database stores).
func (c *Codes) New() (code string, nonce []byte, err error) {
	nonce = make([]byte, nonceLen)
	if _, err := rand.Read(nonce); err != nil {
		return "", nil, err
	}
	return crockford.EncodeToString(append(append([]byte{}, nonce...), c.mac(nonce)...)), nonce, nil
}

// Parse normalises a typed or scanned code (case, spaces, dashes, and the
// look-alikes O→0, I/L→1) and returns its nonce if the MAC matches.
func (c *Codes) Parse(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '.':
			return -1
		case 'o', 'O':
			return '0'
		case 'i', 'I', 'l', 'L':
			return '1'
		}
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
	if n := len([]rune(s)); n != CodeLen {
		return nil, &CodeLengthError{Got: n}
	}
	raw, err := crockford.DecodeString(s)
	if err != nil || len(raw) != nonceLen+macLen {
		return nil, ErrBadCode
	}
	nonce, mac := raw[:nonceLen], raw[nonceLen:]
	if !hmac.Equal(mac, c.mac(nonce)) {
		return nil, ErrBadCode
	}
	return nonce, nil
}

// Format groups a code in fours for printing: ABCD-EFGH-JKMN-PQRS.
func Format(code string) string {
	var b strings.Builder
	for i, r := range code {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteRune(r)
	}
	return b.String()
}
