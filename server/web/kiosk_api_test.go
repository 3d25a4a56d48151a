package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/app"
	"github.com/sipas-vn/sipas/server/auth"
	"github.com/sipas-vn/sipas/server/survey"
	"github.com/sipas-vn/sipas/server/web"
)

// pairFrom posts a pairing code from a client address.
func pairFrom(s *web.Server, code, addr string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/api/v1/kiosk/pair", strings.NewReader(`{"code":"`+code+`","app_version":"t"}`))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = addr + ":4000"
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

// TestPairingGuessesAreCappedAcrossAddresses: six-digit codes must not be
// guessable by spreading the guesses over many addresses; past the global
// cap even a right code waits, from any address.
func TestPairingGuessesAreCappedAcrossAddresses(t *testing.T) {
	s := newTestServer(t)
	place(t, s)
	code, _, err := s.DB.CreatePairingCode(context.Background(), 1, survey.CLI, s.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	wrong := "000000"
	if wrong == code {
		wrong = "000001"
	}
	for i := range 10 {
		if rec := pairFrom(s, wrong, fmt.Sprintf("198.51.100.%d", i+1)); rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("guess %d: %d", i, rec.Code)
		}
	}
	for _, c := range []string{wrong, code} {
		if rec := pairFrom(s, c, "203.0.113.200"); rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
			t.Errorf("code %s from a fresh address after 10 guesses elsewhere: %d, want 429", c, rec.Code)
		}
	}
	s.Clock.(*testClock).Add(time.Minute)
	if rec := pairFrom(s, code, "203.0.113.200"); rec.Code != http.StatusCreated {
		t.Errorf("the right code a minute later: %d", rec.Code)
	}
}

// TestKioskConfigCarriesOnlyAStretchedPIN: the config a tablet keeps
// offline holds a PBKDF2 verifier of at least 600,000 iterations, never the
// plain SHA-256 that let a six-digit PIN fall in under a second.
func TestKioskConfigCarriesOnlyAStretchedPIN(t *testing.T) {
	s := newApp(t, app.Config{}, app.Options{StaffPINIterations: auth.StaffPINIterations}).Web // as deployed
	place(t, s)
	code, pin, err := s.DB.CreatePairingCode(context.Background(), 1, survey.CLI, s.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	rec := pairFrom(s, code, "192.0.2.50")
	if rec.Code != http.StatusCreated {
		t.Fatalf("pair: %d %s", rec.Code, rec.Body)
	}
	var got struct {
		Config struct {
			StaffPIN map[string]any `json:"staff_pin"`
		} `json:"config"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	sp := got.Config.StaffPIN
	salt, _ := sp["salt"].(string)
	iter, _ := sp["iterations"].(float64)
	hash, _ := sp["hash"].(string)
	plain := sha256.Sum256([]byte(salt + pin))
	want, _ := auth.StaffPINVerifier(salt, pin, int(iter))
	if sp["kdf"] != "pbkdf2-sha256" || iter < 600_000 || hash != want || strings.Contains(rec.Body.String(), hex.EncodeToString(plain[:])) {
		t.Errorf("staff_pin %v: want pbkdf2-sha256, ≥ 600000 iterations, verifier %s", sp, want)
	}
	if _, ok := sp["sha256"]; ok {
		t.Error("the config still carries the plain SHA-256")
	}
}
