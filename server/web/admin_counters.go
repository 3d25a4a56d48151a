package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
)

type adminCounterPage struct {
	adminBase
	Counter  *survey.Counter
	Agency   *survey.Agency
	Devices  []*survey.Device
	Officers []*survey.Officer // of the agency, to show who works here
	Values   map[string]string
	Now      time.Time
	CAURL    string // with the internal CA: the tablets' certificate page, shown as a QR code
}

// adminSecretPage shows a secret once: a pairing code and staff PIN, an
// API key, or an invitation link. It is the answer to the POST itself (no
// redirect), so the secret never sits in a URL, a cookie or the history.
type adminSecretPage struct {
	adminBase
	Kind    string // pairing | apikey | invite
	Secret  string
	PIN     string
	Link    string
	Expires time.Time
	Back    string
}

func (s *Server) counterPage(c echo.Context) (*adminCounterPage, error) {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return nil, err
	}
	ct, err := s.DB.Counter(ctx, id)
	if err != nil {
		return nil, err
	}
	a, err := s.DB.Agency(ctx, ct.AgencyID)
	if err != nil {
		return nil, err
	}
	p := &adminCounterPage{adminBase: s.base(c, "admin.counter.title"), Counter: ct, Agency: a, Now: s.Clock.Now()}
	if p.Devices, err = s.DB.Devices(ctx, ct.ID); err != nil {
		return nil, err
	}
	officers, err := s.DB.Officers(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	for _, o := range officers {
		if o.CounterID == ct.ID {
			p.Officers = append(p.Officers, o)
		}
	}
	if s.CA != nil {
		p.CAURL = s.caURL()
	}
	p.Values = map[string]string{"number": strconv.Itoa(ct.Number), "name_vi": ct.Name["vi"], "name_en": ct.Name["en"],
		"idle_seconds": strconv.Itoa(ct.IdleSeconds), "idle_warning": strconv.Itoa(ct.IdleWarning)}
	if ct.Active {
		p.Values["active"] = "1"
	}
	return p, nil
}

// adminCounter is GET /admin/counters/:id: edit, idle settings, tablets, poster.
func (s *Server) adminCounter(c echo.Context) error {
	p, err := s.counterPage(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "admin_counter", p)
}

// adminCounterUpdate is POST /admin/counters/:id.
func (s *Server) adminCounterUpdate(c echo.Context) error {
	p, err := s.counterPage(c)
	if err != nil {
		return err
	}
	v := map[string]string{}
	for _, f := range []string{"number", "name_vi", "name_en", "idle_seconds", "idle_warning", "active"} {
		v[f] = strings.TrimSpace(c.FormValue(f))
	}
	ct := &survey.Counter{ID: p.Counter.ID, Name: survey.Text{"vi": v["name_vi"], "en": v["name_en"]}, Active: v["active"] == "1"}
	if ct.Number, err = formInt(v["number"], "number", true); err == nil {
		if ct.IdleSeconds, err = formInt(v["idle_seconds"], "idle_seconds", false); err == nil {
			if ct.IdleWarning, err = formInt(v["idle_warning"], "idle_warning", false); err == nil {
				err = s.DB.UpdateCounter(c.Request().Context(), ct, s.actor(c), s.Clock.Now())
			}
		}
	}
	if err == nil {
		return s.done(c, "/admin/counters/"+itoa(ct.ID), "admin.flash.saved", p.Counter.Code)
	}
	if p.Errors, err = s.formErrors(c, err, "", "name_vi"); err != nil {
		return err
	}
	p.Values = v
	return s.render(c, http.StatusUnprocessableEntity, "admin_counter", p)
}

// adminCounterPair is POST /admin/counters/:id/pair: a single-use pairing
// code valid for 10 minutes and the staff PIN, shown on this answer only.
func (s *Server) adminCounterPair(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	now := s.Clock.Now()
	code, pin, err := s.DB.CreatePairingCode(c.Request().Context(), id, s.actor(c), now)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "admin_secret", adminSecretPage{adminBase: s.base(c, "admin.secret.pairing_title"),
		Kind: "pairing", Secret: code, PIN: pin, Link: s.BaseURL + "/kiosk/", Expires: now.Add(sqlite.PairingTTL), Back: "/admin/counters/" + itoa(id)})
}

type adminOfficerPage struct {
	adminBase
	Officer  *survey.Officer
	Agency   *survey.Agency
	Counters []*survey.Counter
	Values   map[string]string
}

func (s *Server) officerPage(c echo.Context) (*adminOfficerPage, error) {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return nil, err
	}
	o, err := s.DB.Officer(ctx, id)
	if err != nil {
		return nil, err
	}
	a, err := s.DB.Agency(ctx, o.AgencyID)
	if err != nil {
		return nil, err
	}
	p := &adminOfficerPage{adminBase: s.base(c, "admin.officer.title"), Officer: o, Agency: a}
	if p.Counters, err = s.DB.Counters(ctx, a.ID); err != nil {
		return nil, err
	}
	p.Values = map[string]string{"name": o.Name, "title": o.Title, "counter": itoa(o.CounterID)}
	if o.Active {
		p.Values["active"] = "1"
	}
	return p, nil
}

// adminOfficer is GET /admin/officers/:id.
func (s *Server) adminOfficer(c echo.Context) error {
	p, err := s.officerPage(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "admin_officer", p)
}

// adminOfficerUpdate is POST /admin/officers/:id: name, title, counter, active.
func (s *Server) adminOfficerUpdate(c echo.Context) error {
	p, err := s.officerPage(c)
	if err != nil {
		return err
	}
	v := map[string]string{}
	for _, f := range []string{"name", "title", "counter", "active"} {
		v[f] = strings.TrimSpace(c.FormValue(f))
	}
	o := &survey.Officer{ID: p.Officer.ID, Name: v["name"], Title: v["title"], Active: v["active"] == "1"}
	o.CounterID, _ = strconv.ParseInt(v["counter"], 10, 64)
	err = s.DB.UpdateOfficer(c.Request().Context(), o, s.actor(c), s.Clock.Now())
	if err == nil {
		return s.done(c, "/admin/agencies/"+p.Agency.Code, "admin.flash.saved", p.Officer.Code)
	}
	if p.Errors, err = s.formErrors(c, err, "", "name"); err != nil {
		return err
	}
	p.Values = v
	return s.render(c, http.StatusUnprocessableEntity, "admin_officer", p)
}
