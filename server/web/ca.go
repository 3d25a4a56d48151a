package web

import (
	"crypto/sha256"
	"encoding/pem"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/i18n"
	"github.com/sipas-vn/sipas/server/qr"
)

// With SIPAS_TLS=internal the server signs its own certificate, and each
// tablet installs the server's CA once (docs/operations.md). These routes
// hand it out: over the plain-HTTP address too, since a tablet cannot yet
// trust the HTTPS one.

// caPage is the onboarding page, /ca.
type caPage struct {
	PageURL     string // this page, as the QR code carries it
	Fingerprint string // SHA-256 of the CA certificate, to compare on the tablet
	KioskURL    string
}

// PageTitle titles the onboarding page.
func (caPage) PageTitle(l *i18n.Localizer) string { return l.T("ca.title") }

// caURL is where a tablet finds the onboarding page: the plain-HTTP address
// when there is one, else the HTTPS one (the browser then warns once).
func (s *Server) caURL() string {
	if s.PlainURL != "" {
		return s.PlainURL + "/ca"
	}
	return s.BaseURL + "/ca"
}

// caOnboarding shows how to install the CA on Android and iPad, with a QR
// code of its own address for the tablet's camera.
func (s *Server) caOnboarding(c echo.Context) error {
	if s.CA == nil {
		return echo.ErrNotFound
	}
	sum := sha256.Sum256(s.CA)
	hex := strings.ToUpper(fmt.Sprintf("% x", sum[:]))
	return s.render(c, http.StatusOK, "ca", caPage{PageURL: s.caURL(), Fingerprint: strings.ReplaceAll(hex, " ", ":"), KioskURL: s.BaseURL + "/kiosk/"})
}

// caCert serves the CA certificate: DER as .crt (what Android and iPadOS
// install from a download), PEM as .pem (for curl and desktop browsers).
func (s *Server) caCert(c echo.Context) error {
	if s.CA == nil {
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-cache")
	if strings.HasSuffix(c.Request().URL.Path, ".pem") {
		h.Set("Content-Disposition", `attachment; filename="sipas-ca.pem"`)
		return c.Blob(http.StatusOK, "application/x-pem-file", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.CA}))
	}
	h.Set("Content-Disposition", `attachment; filename="sipas-ca.crt"`)
	return c.Blob(http.StatusOK, "application/x-x509-ca-cert", s.CA)
}

// caQR is the QR code of the onboarding page, shown there and on the admin
// counter page so that a tablet's camera can open it.
func (s *Server) caQR(c echo.Context) error {
	if s.CA == nil {
		return echo.ErrNotFound
	}
	return s.qrImage(c, qr.ShortURL(s.caURL()), c.Param("format"))
}
