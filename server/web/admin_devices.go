package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

type adminDevicesPage struct {
	adminBase
	Devices      []*sqlite.DeviceInfo
	Now          time.Time
	OfflineAfter time.Duration
	OfflineHours int
}

// Offline reports whether a listed device counts as offline now.
func (p adminDevicesPage) Offline(d *sqlite.DeviceInfo) bool { return d.Offline(p.Now, p.OfflineAfter) }

// adminDevices is GET /admin/devices: every tablet with its counter, last
// contact, pending outbox, app version and missing sequence numbers.
func (s *Server) adminDevices(c echo.Context) error {
	devices, err := s.DB.DeviceList(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "admin_devices", adminDevicesPage{adminBase: s.base(c, "admin.devices.title"),
		Devices: devices, Now: s.Clock.Now(), OfflineAfter: sqlite.DeviceOfflineAfter, OfflineHours: int(sqlite.DeviceOfflineAfter.Hours())})
}

// adminDeviceRevoke is POST /admin/devices/:id/revoke.
func (s *Server) adminDeviceRevoke(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := s.DB.RevokeDevice(c.Request().Context(), id, s.actor(c), s.Clock.Now()); err != nil {
		return err
	}
	s.devices.forget(id) // a lost tablet stops now, not in deviceTTL
	return s.done(c, "/admin/devices", "admin.flash.device_revoked", itoa(id))
}

type adminSurveysPage struct {
	adminBase
	Surveys  []*survey.Definition
	Versions map[string][]sqlite.SurveyVersion
}

// adminSurveys is GET /admin/surveys: the questionnaires and every stored
// version of each; assignments are made on each agency's page.
func (s *Server) adminSurveys(c echo.Context) error {
	p := adminSurveysPage{adminBase: s.base(c, "admin.surveys.title"), Surveys: s.Surveys.All(), Versions: map[string][]sqlite.SurveyVersion{}}
	for _, d := range p.Surveys {
		v, err := s.DB.SurveyVersions(c.Request().Context(), d.ID)
		if err != nil {
			return err
		}
		p.Versions[d.ID] = v
	}
	return s.render(c, http.StatusOK, "admin_surveys", p)
}
