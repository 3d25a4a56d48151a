package web

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/collect"
	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

// kioskConfig is what a paired tablet needs to run on its own, offline.
type kioskConfig struct {
	DeviceID     int64         `json:"device_id"`
	Counter      kioskPlace    `json:"counter"`
	Agency       kioskPlace    `json:"agency"`
	Survey       string        `json:"survey"`
	IdleSeconds  int           `json:"idle_seconds"`
	IdleWarning  int           `json:"idle_warning_seconds"`
	RepeatGuard  int           `json:"repeat_guard_ms"`
	ThanksSecs   int           `json:"thanks_seconds"`
	StaffPIN     kioskPIN      `json:"staff_pin"`
	Officers     []kioskPerson `json:"officers"`
	QRURL        string        `json:"qr_url"`
	ServerTime   time.Time     `json:"server_time"`
	Languages    []string      `json:"languages"`
	AppVersion   string        `json:"app_version"`
	SurveyMethod survey.Method `json:"survey_method"`
}

type kioskPlace struct {
	Code   string      `json:"code"`
	Number int         `json:"number,omitempty"`
	Name   survey.Text `json:"name"`
}

// kioskPIN lets the tablet check its staff PIN offline, at the cost of a
// slow key derivation per guess (auth.StaffPINVerifier; the tablet repeats
// it in js/pin.js): hash = PBKDF2-HMAC-SHA256(hex SHA-256(salt + PIN),
// salt, iterations).
type kioskPIN struct {
	KDF        string `json:"kdf"` // "pbkdf2-sha256"
	Salt       string `json:"salt"`
	Iterations int    `json:"iterations"`
	Hash       string `json:"hash"`
}

type kioskPerson struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

func (s *Server) kioskConfigFor(ctx context.Context, d *survey.Device) (*kioskConfig, error) {
	counter, err := s.DB.Counter(ctx, d.CounterID)
	if err != nil {
		return nil, err
	}
	agency, err := s.DB.Agency(ctx, counter.AgencyID)
	if err != nil {
		return nil, err
	}
	sid, err := s.DB.SurveyFor(ctx, agency.ID)
	if err != nil {
		return nil, err
	}
	def, ok := s.Surveys.Get(sid)
	if !ok {
		def = s.Surveys.Default()
	}
	officers, err := s.DB.Officers(ctx, agency.ID)
	if err != nil {
		return nil, err
	}
	pin, err := s.DB.StaffPIN(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	cfg := &kioskConfig{
		DeviceID: d.ID,
		Counter:  kioskPlace{Code: counter.Code, Number: counter.Number, Name: counter.Name},
		Agency:   kioskPlace{Code: agency.Code, Name: agency.Name},
		Survey:   def.ID, SurveyMethod: def.Method,
		IdleSeconds: counter.IdleSeconds, IdleWarning: counter.IdleWarning,
		RepeatGuard: 1500, ThanksSecs: 6,
		StaffPIN:   kioskPIN{KDF: "pbkdf2-sha256", Salt: pin.Salt, Iterations: pin.Iterations, Hash: pin.Verifier},
		Officers:   []kioskPerson{},
		QRURL:      s.BaseURL + "/q/" + counter.Code,
		ServerTime: s.Clock.Now().UTC(),
		Languages:  i18n.Supported,
		AppVersion: s.Version,
	}
	for _, o := range officers {
		if o.Active {
			cfg.Officers = append(cfg.Officers, kioskPerson{Code: o.Code, Name: o.Name})
		}
	}
	return cfg, nil
}

// pairAll is the limiter key of wrong pairing codes from every address.
const pairAll = "pair:*"

type pairRequest struct {
	Code       string `json:"code"`
	AppVersion string `json:"app_version"`
}

// kioskPair is POST /api/v1/kiosk/pair: a tablet spends a pairing code and
// receives its device token, shown only in this answer.
func (s *Server) kioskPair(c echo.Context) error {
	var req pairRequest
	if err := decodeJSON(c, &req, 4<<10); err != nil {
		return err
	}
	// Pairing codes are only six digits: every wrong guess counts against the
	// address and against all addresses together (many addresses must not
	// add up to many guesses), and past either limit even a right one waits.
	now := s.Clock.Now()
	keys := []string{"pair:" + c.RealIP(), pairAll}
	for _, key := range keys {
		if wait := s.AuthLimits.Hit(key, now); wait > 0 {
			return survey.Errorf(survey.CodeRateLimited, "error.rate_limited", map[string]any{"Seconds": int(wait.Seconds() + 0.999)})
		}
	}
	wrong := func() {
		for _, key := range keys {
			s.AuthLimits.Allow(key, now)
		}
	}
	if len(req.Code) != 6 {
		wrong()
		return survey.FieldError("code", "error.pairing.unknown", nil)
	}
	d, token, err := s.DB.Pair(c.Request().Context(), req.Code, now, req.AppVersion)
	if err != nil {
		if survey.ErrorCode(err) == survey.CodeInvalid {
			wrong()
		}
		return err
	}
	cfg, err := s.kioskConfigFor(c.Request().Context(), d)
	if err != nil {
		return err
	}
	s.Logger.Info("device paired", "device", d.ID, "counter", cfg.Counter.Code)
	return c.JSON(http.StatusCreated, map[string]any{"token": token, "config": cfg})
}

// kioskConfig is GET /api/v1/kiosk/config for a paired tablet.
func (s *Server) kioskConfig(c echo.Context) error {
	d, err := s.device(c, true)
	if err != nil {
		return err
	}
	cfg, err := s.kioskConfigFor(c.Request().Context(), d)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cfg)
}

type heartbeat struct {
	AppVersion string `json:"app_version"`
	Outbox     int    `json:"outbox"`
	Rejected   int    `json:"rejected"`
	LastSync   string `json:"last_sync"`
}

// kioskHeartbeat is POST /api/v1/kiosk/heartbeat: the tablet says it is
// alive and how much it still holds, for the admin's device list.
func (s *Server) kioskHeartbeat(c echo.Context) error {
	d, err := s.device(c, true)
	if err != nil {
		return err
	}
	var hb heartbeat
	if err := decodeJSON(c, &hb, 4<<10); err != nil {
		return err
	}
	rep := sqlite.DeviceReport{AppVersion: hb.AppVersion, Outbox: hb.Outbox, Rejected: hb.Rejected}
	if hb.LastSync != "" {
		t, err := time.Parse(time.RFC3339Nano, hb.LastSync)
		if err != nil {
			return survey.FieldError("last_sync", "error.response.answered_at", nil)
		}
		rep.LastSync = &t
	}
	now := s.Clock.Now()
	if err := s.DB.TouchDevice(c.Request().Context(), d.ID, now, rep); err != nil {
		return err
	}
	s.Metrics.DeviceLastSeen.WithLabelValues(itoa(d.ID), itoa(d.CounterID)).Set(float64(now.Unix()))
	return c.NoContent(http.StatusNoContent)
}

// kioskMessages is GET /api/v1/kiosk/messages?lang=: the texts the tablet
// shows, from the same go-i18n bundle as every page.
func (s *Server) kioskMessages(c echo.Context) error {
	lang := s.I18n.Localizer(c.QueryParam("lang")).Lang()
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.JSON(http.StatusOK, map[string]any{
		"lang":     lang,
		"messages": s.I18n.Raw(lang, "kiosk.", "scale.", "lang.", "action."),
	})
}

// decodeJSON reads a small JSON body strictly into v (collect.DecodeStrict).
func decodeJSON(c echo.Context, v any, limit int64) error {
	body, err := readBody(c, limit)
	if err != nil {
		return err
	}
	return collect.DecodeStrict(body, v)
}
