package collect

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sipas-vn/sipas/server/survey"
)

// DefaultTokenTTL is how long a one-time dossier code stays valid: results
// are often collected weeks after the dossier is filed.
const DefaultTokenTTL = 30 * 24 * time.Hour

// IssuedToken is a new one-time dossier code.
type IssuedToken struct {
	Code      string
	Dossier   string
	Counter   *survey.Counter
	ExpiresAt time.Time
}

// IssueToken makes a one-time code for a dossier handled at a counter,
// optionally by an officer. It is printed on the receipt as a QR code.
func (s *Service) IssueToken(ctx context.Context, counterCode, dossier, officerCode string, ttl time.Duration) (*IssuedToken, error) {
	dossier = strings.TrimSpace(dossier)
	if dossier == "" || utf8.RuneCountInString(dossier) > 64 || strings.IndexFunc(dossier, unicode.IsControl) >= 0 {
		return nil, survey.FieldError("dossier", "error.dossier.number", nil)
	}
	if ttl == 0 {
		ttl = DefaultTokenTTL
	}
	if ttl < time.Minute || ttl > 366*24*time.Hour {
		return nil, survey.FieldError("ttl", "error.dossier.ttl", nil)
	}
	counter, err := s.db.CounterByCode(ctx, counterCode)
	if errors.Is(err, survey.ErrNotFound) {
		return nil, survey.FieldError("counter", "error.counter.unknown", map[string]any{"Code": counterCode})
	}
	if err != nil {
		return nil, err
	}
	t := &survey.DossierToken{Dossier: dossier, CounterID: counter.ID}
	if officerCode != "" {
		o, err := s.db.OfficerByCode(ctx, officerCode)
		if err != nil || o.AgencyID != counter.AgencyID {
			return nil, survey.FieldError("officer", "error.officer.unknown", map[string]any{"Code": officerCode})
		}
		t.OfficerID = o.ID
	}
	code, nonce, err := s.codes.New()
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	t.IssuedAt, t.ExpiresAt = now, now.Add(ttl)
	if err := s.db.CreateDossierToken(ctx, nonce, t); err != nil {
		return nil, err
	}
	return &IssuedToken{Code: code, Dossier: dossier, Counter: counter, ExpiresAt: t.ExpiresAt}, nil
}
