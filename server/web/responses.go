package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/collect"
	"github.com/sipas-vn/sipas/server/survey"
)

// submitResponse is POST /api/v1/responses: the one way answers come in over
// the API. It answers 201 only after the response is committed to disk.
func (s *Server) submitResponse(c echo.Context) error {
	if err := jsonContent(c); err != nil {
		return err
	}
	dev, err := s.device(c, false)
	if err != nil {
		return err
	}
	if dev == nil {
		if err := s.sameSite(c); err != nil {
			return err
		}
	}
	body, err := readBody(c, collect.MaxBody)
	if err != nil {
		return err
	}
	req, err := collect.DecodeRequest(body)
	if err != nil {
		return err
	}
	st, err := s.Collect.Submit(c.Request().Context(), collect.Submission{
		Request: req, Device: dev, Client: c.RealIP(),
	})
	if err != nil {
		return err
	}
	code := http.StatusCreated
	if st == collect.Duplicate {
		code = http.StatusOK
	}
	// The id was parsed as a UUID on the way in: nothing in it to escape. Written
	// by hand, as encoding/json of a map was a fortieth of a submission.
	return c.Blob(code, echo.MIMEApplicationJSON, []byte(`{"id":"`+strings.ToLower(req.ID)+`","status":"accepted"}`))
}

// jsonContent refuses a body not declared as JSON (415). A page on any site
// may make a browser post text/plain or a form without asking the server
// first (no CORS preflight); application/json it may not.
func jsonContent(c echo.Context) error {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	if ct == echo.MIMEApplicationJSON || ct == echo.MIMEApplicationJSONCharsetUTF8 { // as tablets send it: no parsing
		return nil
	}
	mt, params, err := mime.ParseMediaType(ct)
	ok := err == nil && mt == echo.MIMEApplicationJSON
	for k, v := range params {
		ok = ok && k == "charset" && strings.EqualFold(v, "utf-8")
	}
	if !ok {
		return survey.Errorf(survey.CodeUnsupportedType, "error.unsupported_media_type", nil)
	}
	return nil
}

// sameSite refuses an anonymous request that a browser sent from another
// site's page (403): its Origin, or without one its Referer, must be this
// server, by SIPAS_BASE_URL or by the host it was asked under. Requests with
// neither (tablets' own apps, the one-stop software, curl) are not a browser's
// and pass. Tablets are not checked: a device token is not something a
// browser adds by itself.
func (s *Server) sameSite(c echo.Context) error {
	r := c.Request()
	from := r.Header.Get(echo.HeaderOrigin)
	if from == "" {
		from = r.Header.Get("Referer")
	}
	if from == "" {
		return nil
	}
	if u, err := url.Parse(from); err == nil && u.Host != "" && (u.Scheme == "http" || u.Scheme == "https") {
		if base, err := url.Parse(s.BaseURL); err == nil && u.Scheme == base.Scheme && strings.EqualFold(u.Host, base.Host) {
			return nil
		}
		if strings.EqualFold(u.Host, r.Host) {
			return nil
		}
	}
	return survey.Errorf(survey.CodeForbidden, "error.origin.foreign", nil)
}

// readBody reads at most limit bytes; a larger body is a 413.
func readBody(c echo.Context, limit int64) ([]byte, error) {
	r := http.MaxBytesReader(c.Response(), c.Request().Body, limit)
	b, err := readAll(r, c.Request().ContentLength, limit)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, survey.Errorf(survey.CodeTooLarge, "error.too_large", nil)
	}
	if err != nil {
		return nil, &survey.Error{Code: survey.CodeMalformed, Message: "error.malformed", Err: err}
	}
	return b, nil
}

// readAll is io.ReadAll into one buffer of the announced size (io.ReadAll
// starts at 512 bytes and grows twice for a usual response).
func readAll(r io.Reader, announced, limit int64) ([]byte, error) {
	if announced < 0 || announced > limit {
		announced = 512
	}
	b := make([]byte, 0, announced+1) // +1: room to read the end without growing
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// bearer returns the token of an "Authorization: Bearer" header, or "".
func bearer(c echo.Context) string {
	h := c.Request().Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// device authenticates a counter tablet by its bearer token. Without a
// token it returns nil unless required. Failed attempts are rate limited by
// client address, so tokens cannot be guessed; a paired tablet never is.
func (s *Server) device(c echo.Context, required bool) (*survey.Device, error) {
	tok := bearer(c)
	if tok == "" {
		if required {
			return nil, survey.Errorf(survey.CodeUnauthorized, "error.unauthorized", nil)
		}
		return nil, nil
	}
	now := s.Clock.Now()
	if d := s.devices.get(tok, now); d != nil {
		return d, nil
	}
	d, err := s.DB.DeviceByToken(c.Request().Context(), tok)
	if errors.Is(err, survey.ErrNotFound) {
		// Tokens are 256-bit random, so guessing is hopeless; the limit only
		// keeps a misbehaving client from hammering the database. A valid
		// token is never limited, whoever shares its address.
		return nil, s.authFailed(c, now)
	}
	if err != nil {
		return nil, err
	}
	if d.Revoked() {
		return nil, survey.Errorf(survey.CodeForbidden, "error.device.revoked", nil)
	}
	s.devices.put(tok, d, now)
	return d, nil
}

// authFailed counts a failed authentication from the client's address and
// answers 401, or 429 once the address has failed too often.
func (s *Server) authFailed(c echo.Context, now time.Time) error {
	if wait := s.AuthLimits.Allow("auth:"+c.RealIP(), now); wait > 0 {
		return survey.Errorf(survey.CodeRateLimited, "error.rate_limited", map[string]any{"Seconds": int(wait.Seconds() + 0.999)})
	}
	return survey.Errorf(survey.CodeUnauthorized, "error.unauthorized", nil)
}
