package web

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// healthz answers as long as the process serves HTTP.
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 only when the database is writable and the
// questionnaires are loaded: what a load balancer or an operator wants to know.
// A lagging replica is shown but keeps the server ready: the primary still
// stores every answer, and taking it out of service would lose more.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	checks := map[string]string{"database": "ok", "surveys": "ok"}
	status := http.StatusOK
	if err := s.DB.Ping(ctx); err != nil {
		s.Logger.Warn("readiness: database", "err", err)
		checks["database"] = "not writable"
		status = http.StatusServiceUnavailable
	}
	if s.Surveys == nil || len(s.Surveys.All()) == 0 {
		checks["surveys"] = "none loaded"
		status = http.StatusServiceUnavailable
	}
	body := map[string]any{"status": map[bool]string{true: "ready", false: "not ready"}[status == http.StatusOK], "checks": checks}
	if s.Replica != nil {
		st := s.Replica()
		checks["replica"] = "ok"
		if !st.InStep() {
			checks["replica"] = "behind"
		}
		r := map[string]any{
			"target": st.Target, "lag_seconds": st.Lag.Seconds(),
			"local_txid": st.Local, "replicated_txid": st.Replicated,
		}
		if !st.LastSync.IsZero() {
			r["last_sync"] = st.LastSync.UTC().Format(time.RFC3339)
		}
		body["replica"] = r
	}
	return c.JSON(status, body)
}

// metricsFor serves Prometheus's page to a bearer API key of scope metrics
// only (Prometheus sends it with its authorization setting): the page names
// tablets and counters and when each was last heard from.
func (s *Server) metricsFor(page http.Handler) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, err := s.apiKey(c, "metrics"); err != nil {
			return err
		}
		page.ServeHTTP(c.Response(), c.Request())
		return nil
	}
}
