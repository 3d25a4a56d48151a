package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/sipas-vn/sipas/server/collect"
	"github.com/sipas-vn/sipas/server/survey"
)

const (
	// formAbandonAfter is how long a draft sits untouched before the sweeper
	// sends what it holds as a partial response.
	formAbandonAfter = 2 * time.Hour
	// formKeepDone is how long a sent draft still answers a reload, the back
	// button or a repeated post with the thank-you page.
	formKeepDone = 24 * time.Hour
)

// formResponseID derives the response's UUID from the draft's ID: however
// often the last page is posted, or the sweeper retries, the response is
// stored once (a repeat is a duplicate, not a second row).
func formResponseID(draftID string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("urn:sipas:form-draft:"+draftID)).String()
}

// formSubmit sends a finished form and shows the thank-you page, or the
// page a problem belongs to.
func (s *Server) formSubmit(c echo.Context, fc *formCtx, i int) error {
	ctx := c.Request().Context()
	d := fc.draft
	at, err := s.DB.FinishDraft(ctx, d.ID, s.Clock.Now())
	if err != nil {
		return err
	}
	uid, err := s.submitDraft(ctx, fc.def, fc.counter, d, false, at)
	var de *survey.Error
	if err != nil && !errors.As(err, &de) {
		return err
	}
	switch {
	case err == nil, errors.Is(err, collect.ErrConflict):
		// A conflict on our own derived id: the sweeper sent this draft meanwhile.
		if err := s.DB.CloseDraft(ctx, d.ID, uid, s.Clock.Now()); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/f/"+d.ID+"/done")
	case de.Code == survey.CodeRateLimited:
		if sec, ok := de.Data["Seconds"]; ok {
			c.Response().Header().Set("Retry-After", fmt.Sprint(sec))
		}
		return s.formNotice(c, "limited", http.StatusTooManyRequests, fc.caption, fc.url(i))
	case errors.Is(err, collect.ErrDossierUsed), errors.Is(err, collect.ErrDossierExpired):
		if err := s.DB.CloseDraft(ctx, d.ID, "", s.Clock.Now()); err != nil {
			return err
		}
		kind := "used"
		if errors.Is(err, collect.ErrDossierExpired) {
			kind = "expired"
		}
		return s.formNotice(c, kind, http.StatusOK, fc.caption, "")
	case de.Code == survey.CodeInvalid:
		if j := formStepOfField(fc.def, fc.steps, de.Field); j >= 0 {
			return s.formShow(c, fc, j, d.Answers, d.Comment, []*survey.Error{de}, http.StatusUnprocessableEntity)
		}
	}
	return err
}

// submitDraft sends a draft through the one submission path, as the channel
// "qr": by its dossier code, or else by its counter. It returns the
// response's id, "" when the draft holds nothing to store.
func (s *Server) submitDraft(ctx context.Context, def *survey.Definition, counter *survey.Counter, d *survey.Draft,
	partial bool, answeredAt time.Time) (string, error) {
	answers := formKeepVisible(def, d.Answers)
	if !formAnswered(answers, d.Comment) {
		return "", nil
	}
	if len(answers) == 0 {
		answers = formWithNA(def, answers)
	}
	req := &collect.Request{ID: formResponseID(d.ID), Survey: def.ID, Version: def.Version,
		Channel: string(survey.ChannelQR), Token: d.Token, Lang: d.Lang, Partial: partial,
		AnsweredAt: answeredAt.UTC().Format(time.RFC3339Nano), Answers: survey.NewAnswers(answers), Comment: d.Comment}
	if d.Token == "" {
		req.Counter = counter.Code
	}
	// The form is the server's own: its time of the last page is the server's
	// clock, so it counts (an anonymous client's answered_at would not).
	_, err := s.Collect.Submit(ctx, collect.Submission{Request: req, Client: d.Client, AnsweredAt: answeredAt})
	return req.ID, err
}

// SweepDrafts sends the phone forms abandoned for more than two hours with
// at least one answer as partial responses (each item stands alone in the
// formula, as on the kiosk), closes abandoned ones that say nothing, and
// purges drafts sent more than a day ago. The serve command runs it from a
// ticker; it may run alongside requests: a draft finished meanwhile is still
// stored once. A draft whose poster is rate limited waits for a later sweep.
func (s *Server) SweepDrafts(ctx context.Context) error {
	now := s.Clock.Now()
	stale, err := s.DB.StaleDrafts(ctx, now.Add(-formAbandonAfter))
	if err != nil {
		return err
	}
	var errs []error
	for _, d := range stale {
		if err := s.sweepDraft(ctx, d); err != nil {
			errs = append(errs, err)
		}
	}
	if _, err := s.DB.PurgeDrafts(ctx, now.Add(-formKeepDone)); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (s *Server) sweepDraft(ctx context.Context, d *survey.Draft) error {
	now := s.Clock.Now()
	def, ok := s.Surveys.Get(d.SurveyID)
	if !ok {
		s.Logger.Warn("form draft of a questionnaire no longer served; dropped", "survey", d.SurveyID)
		return s.DB.CloseDraft(ctx, d.ID, "", now)
	}
	counter, err := s.DB.Counter(ctx, d.CounterID)
	if err != nil {
		return err
	}
	// A draft whose last page was posted is complete: it failed to send
	// (rate limit, crash) and is retried exactly as it was first sent.
	partial, at := d.FinishedAt == nil, d.UpdatedAt
	if !partial {
		at = *d.FinishedAt
	}
	uid, err := s.submitDraft(ctx, def, counter, d, partial, at)
	var de *survey.Error
	errors.As(err, &de)
	switch {
	case err == nil, errors.Is(err, collect.ErrConflict):
		return s.DB.CloseDraft(ctx, d.ID, uid, now)
	case de == nil:
		return err
	case de.Code == survey.CodeRateLimited:
		return nil
	case de.Code == survey.CodeInternal || de.Code == survey.CodeUnavailable:
		return err
	}
	// Refused for good (a used or expired code, answers that no longer fit).
	s.Logger.Warn("form draft refused by the submission path; dropped", "survey", d.SurveyID, "counter", counter.Code,
		"reason", de.Message)
	return s.DB.CloseDraft(ctx, d.ID, "", now)
}
