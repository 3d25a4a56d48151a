package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/qr"
	"github.com/sipas-vn/sipas/server/survey"
)

type tokenRequest struct {
	Counter string `json:"counter"`
	Dossier string `json:"dossier"`
	Officer string `json:"officer,omitempty"`
	TTL     string `json:"ttl,omitempty"` // Go duration, e.g. "720h"; default 30 days
}

type tokenResponse struct {
	Code      string    `json:"code"`
	URL       string    `json:"url"`
	QRPNG     string    `json:"qr_png"`
	QRSVG     string    `json:"qr_svg"`
	Dossier   string    `json:"dossier"`
	Counter   string    `json:"counter"`
	ExpiresAt time.Time `json:"expires_at"`
}

// apiKey authenticates a bearer API key with the given scope.
func (s *Server) apiKey(c echo.Context, scope string) (*survey.APIKey, error) {
	tok := bearer(c)
	if !strings.HasPrefix(tok, "sk_") {
		return nil, survey.Errorf(survey.CodeUnauthorized, "error.unauthorized", nil)
	}
	now := s.Clock.Now()
	k, err := s.DB.APIKeyBySecret(c.Request().Context(), tok, now)
	if errors.Is(err, survey.ErrNotFound) {
		return nil, s.authFailed(c, now)
	}
	if err != nil {
		return nil, err
	}
	if k.Revoked || !k.HasScope(scope) {
		return nil, survey.Errorf(survey.CodeForbidden, "error.forbidden", nil)
	}
	return k, nil
}

// issueToken is POST /api/v1/tokens: the one-stop software asks for a
// one-time code to print on a dossier's receipt.
func (s *Server) issueToken(c echo.Context) error {
	k, err := s.apiKey(c, "tokens")
	if err != nil {
		return err
	}
	var req tokenRequest
	if err := decodeJSON(c, &req, 4<<10); err != nil {
		return err
	}
	var ttl time.Duration
	if req.TTL != "" {
		if ttl, err = time.ParseDuration(req.TTL); err != nil {
			return survey.FieldError("ttl", "error.dossier.ttl", nil)
		}
	}
	ctx := c.Request().Context()
	if err := s.keyReachesCounter(c, k, req.Counter); err != nil {
		return err
	}
	t, err := s.Collect.IssueToken(ctx, req.Counter, req.Dossier, req.Officer, ttl)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, tokenResponse{
		Code: t.Code, URL: s.tokenURL(t.Code), Dossier: t.Dossier, Counter: t.Counter.Code, ExpiresAt: t.ExpiresAt.UTC(),
		QRPNG: s.BaseURL + "/t/" + t.Code + "/qr.png", QRSVG: s.BaseURL + "/t/" + t.Code + "/qr.svg",
	})
}

// keyReachesCounter refuses a key bound to an agency a counter outside its
// subtree. An unknown counter passes: the caller reports it as invalid.
func (s *Server) keyReachesCounter(c echo.Context, k *survey.APIKey, code string) error {
	if k.AgencyID == 0 {
		return nil
	}
	ctx := c.Request().Context()
	counter, err := s.DB.CounterByCode(ctx, code)
	if errors.Is(err, survey.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	ids, err := s.DB.Subtree(ctx, k.AgencyID)
	if err != nil {
		return err
	}
	if !slices.Contains(ids, counter.AgencyID) {
		return survey.Errorf(survey.CodeForbidden, "error.forbidden", nil)
	}
	return nil
}

// tokenURL is where a one-time code leads: <base URL>/t/<code>.
func (s *Server) tokenURL(code string) string { return s.BaseURL + "/t/" + code }

// tokenQR draws the QR of a one-time code, PNG or SVG, for printing. The
// code's MAC is checked so the endpoint cannot be used to draw arbitrary codes.
func (s *Server) tokenQR(c echo.Context) error {
	code := c.Param("code")
	if _, err := s.Codes.Parse(code); err != nil {
		return survey.Errorf(survey.CodeNotFound, "error.dossier.malformed", nil)
	}
	return s.qrImage(c, qr.ShortURL(s.tokenURL(strings.ToUpper(code))), c.Param("format"))
}

// counterQR draws the QR of a counter's poster link /q/<counter>.
func (s *Server) counterQR(c echo.Context) error {
	counter, err := s.DB.CounterByCode(c.Request().Context(), c.Param("counter"))
	if err != nil {
		return err
	}
	return s.qrImage(c, qr.ShortURL(s.BaseURL+"/q/"+counter.Code), c.Param("format"))
}

func (s *Server) qrImage(c echo.Context, content, format string) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=86400")
	switch format {
	case "qr.png":
		b, err := qr.PNG(content, 512)
		if err != nil {
			return err
		}
		return c.Blob(http.StatusOK, "image/png", b)
	case "qr.svg":
		l := s.I18n.Localizer(s.I18n.Negotiate(c.Request()))
		b, err := qr.SVG(content, l.T("qr.alt"))
		if err != nil {
			return err
		}
		return c.Blob(http.StatusOK, "image/svg+xml", b)
	}
	return echo.ErrNotFound
}
