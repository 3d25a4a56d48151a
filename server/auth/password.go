// Package auth holds what proves who someone is: password hashes, sessions,
// device tokens, API keys and one-time dossier codes.
package auth

import (
	"crypto/rand"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/crypto/bcrypt"
)

// DefaultCost is the bcrypt cost for stored passwords: about a quarter of a
// second on a small server, which is slow enough for an attacker holding a
// stolen database and fast enough for a handful of sign-ins a minute.
const DefaultCost = 12

// MaxPasswordBytes is bcrypt's input limit. Longer passwords are refused
// rather than silently truncated, so two different passwords never match.
const MaxPasswordBytes = 72

// ErrPasswordTooLong is returned for passwords over MaxPasswordBytes.
var ErrPasswordTooLong = errors.New("password longer than 72 bytes")

// Hasher hashes passwords with a given bcrypt cost; tests use
// bcrypt.MinCost to stay fast.
type Hasher struct {
	Cost int // 0 means DefaultCost
}

// Hash returns the bcrypt hash of pw.
func (h Hasher) Hash(pw string) (string, error) {
	if len(pw) > MaxPasswordBytes {
		return "", ErrPasswordTooLong
	}
	cost := h.Cost
	if cost == 0 {
		cost = DefaultCost
	}
	b, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(b), nil
}

// HashPassword returns the bcrypt hash of pw at DefaultCost.
func HashPassword(pw string) (string, error) { return Hasher{}.Hash(pw) }

// CheckPassword reports whether pw matches hash. An empty or malformed hash
// (a user who has not yet accepted an invitation) never matches.
func CheckPassword(hash, pw string) bool {
	if hash == "" || len(pw) > MaxPasswordBytes {
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// passwordAlphabet leaves out characters that are easy to misread when a
// password is read aloud or copied from paper: 0/O/o, 1/l/I, and 5/S, 2/Z.
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRTUVWXY346789"

// RandomPasswordLength gives about 90 bits of entropy with passwordAlphabet.
const RandomPasswordLength = 16

// RandomPassword returns a fresh password of RandomPasswordLength characters
// from an unambiguous alphabet, drawn from crypto/rand.
func RandomPassword() (string, error) {
	// Rejection sampling keeps every character equally likely: bytes at or
	// above the largest multiple of the alphabet size are thrown away.
	n := len(passwordAlphabet)
	limit := 256 - 256%n
	out := make([]byte, 0, RandomPasswordLength)
	buf := make([]byte, 2*RandomPasswordLength)
	for len(out) < RandomPasswordLength {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("random password: %w", err)
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < RandomPasswordLength {
				out = append(out, passwordAlphabet[int(b)%n])
			}
		}
	}
	return string(out), nil
}

// Passwords hashes new passwords and checks sign-ins at one bcrypt cost. A
// sign-in for a user who does not exist, is disabled or has not set a
// password yet costs the same bcrypt work as a real check, so how long the
// answer takes does not tell whether a username exists.
type Passwords struct {
	hasher Hasher
	once   sync.Once
	dummy  []byte // a hash of a random password nobody knows, made on first use
}

// NewPasswords uses bcrypt at cost (0 means DefaultCost; tests use bcrypt.MinCost).
func NewPasswords(cost int) *Passwords { return &Passwords{hasher: Hasher{Cost: cost}} }

// Hash returns the bcrypt hash of pw.
func (p *Passwords) Hash(pw string) (string, error) { return p.hasher.Hash(pw) }

// Check reports whether pw matches hash. With no hash ("" for an unknown,
// disabled or invited user) it compares pw with a hash of the same cost and
// reports false.
func (p *Passwords) Check(hash, pw string) bool {
	if hash != "" {
		return CheckPassword(hash, pw)
	}
	p.once.Do(func() {
		// Neither fails: crypto/rand does not, and the cost is one that Hash
		// uses for every stored password.
		secret, _ := RandomPassword()
		h, _ := p.hasher.Hash(secret)
		p.dummy = []byte(h)
	})
	bcrypt.CompareHashAndPassword(p.dummy, []byte(pw))
	return false
}
