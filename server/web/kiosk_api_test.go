package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// pairFrom posts a pairing code from a client address.
func pairFrom(s *Server, code, addr string) *httptest.ResponseRecorder {
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
	code, _, err := s.DB.CreatePairingCode(context.Background(), 1, s.Clock.Now(), time.Hour)
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
