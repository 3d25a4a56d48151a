package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/replica"
	"github.com/sipas-vn/sipas/server/sqlite"
)

type adminHomePage struct {
	adminBase
	Counts       sqlite.AdminCounts
	Offline      []*sqlite.DeviceInfo
	OfflineHours int
	Public       bool            // the public results page is on
	Replica      *replica.Status // nil: no replica configured
}

// adminHome is GET /admin: totals, offline tablets, pending flagged
// responses, and a link to every administration page.
func (s *Server) adminHome(c echo.Context) error {
	ctx := c.Request().Context()
	now := s.Clock.Now()
	// Assignments may be dated ahead; any admin visit brings them in force.
	if _, err := s.DB.ApplyDueSurveys(ctx, now); err != nil {
		return err
	}
	counts, err := s.DB.CountForAdmin(ctx)
	if err != nil {
		return err
	}
	devices, err := s.DB.DeviceList(ctx)
	if err != nil {
		return err
	}
	public, err := s.DB.PublicResults(ctx)
	if err != nil {
		return err
	}
	p := adminHomePage{adminBase: s.base(c, "admin.home.title"), Counts: counts, OfflineHours: int(sqlite.DeviceOfflineAfter.Hours()), Public: public}
	if s.Replica != nil {
		st := s.Replica()
		p.Replica = &st
	}
	for _, d := range devices {
		if d.Offline(now, sqlite.DeviceOfflineAfter) {
			p.Offline = append(p.Offline, d)
		}
	}
	return s.render(c, http.StatusOK, "admin_home", p)
}
