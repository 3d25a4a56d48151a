package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/survey"
)

// dossierCountJSON is the body of POST /api/v1/dossier-counts and its
// answer: one counter's dossiers on one day. Only received is required.
type dossierCountJSON struct {
	Counter    string `json:"counter"`
	Date       string `json:"date"`
	Received   *int   `json:"received"`
	Handled    *int   `json:"handled,omitempty"`
	Late       *int   `json:"late,omitempty"`
	Complaints *int   `json:"complaints,omitempty"`
}

func (j dossierCountJSON) count() (survey.DossierCount, error) {
	d := survey.DossierCount{Counter: j.Counter, Date: j.Date, Handled: j.Handled, Late: j.Late, Complaints: j.Complaints}
	if j.Received == nil {
		if err := (survey.DossierCount{Counter: j.Counter, Date: j.Date}).Validate(); err != nil {
			return d, err
		}
		return d, survey.FieldError("received", "error.dossiers.received", nil)
	}
	d.Received = *j.Received
	return d, d.Validate()
}

// putDossierCount is POST /api/v1/dossier-counts: the one-stop software
// reports a counter's dossiers for a day; the same counter and day again
// replaces what was stored.
func (s *Server) putDossierCount(c echo.Context) error {
	k, err := s.apiKey(c, "tokens")
	if err != nil {
		return err
	}
	var req dossierCountJSON
	if err := decodeJSON(c, &req, 4<<10); err != nil {
		return err
	}
	d, err := req.count()
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := s.keyReachesCounter(c, k, d.Counter); err != nil {
		return err
	}
	if err := s.DB.PutDossierCounts(ctx, []survey.DossierCount{d}, survey.Actor{Name: "api:" + k.Name}, s.Clock.Now()); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, req)
}
