package alert

import (
	"context"
	"fmt"
	"time"

	"github.com/sipas-vn/sipas/server/report"
	"github.com/sipas-vn/sipas/server/survey"
)

// lowRatingWindow bounds how far back the low-rating rule reads on its first
// run, so switching alerts on does not replay years of comments.
const lowRatingWindow = 48 * time.Hour

// lowRatingBatch is how many commented responses are read at a time.
const lowRatingBatch = 500

// previousMonth is the last complete month before now (ICT).
func previousMonth(now time.Time) string {
	first, _ := survey.ParseMonth(survey.Month(now))
	return survey.Month(first.AddDate(0, 0, -1))
}

// quarters are the last complete quarter before now (ICT) and the one
// before it, each as its first and last month and a label "YYYY-Qn".
func quarters(now time.Time) (cur, prev quarter) {
	l := now.In(survey.Zone)
	first := time.Date(l.Year(), time.Month((int(l.Month())-1)/3*3+1), 1, 0, 0, 0, 0, survey.Zone)
	q := func(start time.Time) quarter {
		return quarter{from: survey.Month(start), to: survey.Month(start.AddDate(0, 2, 0)),
			label: fmt.Sprintf("%d-Q%d", start.Year(), (int(start.Month())-1)/3+1)}
	}
	return q(first.AddDate(0, -3, 0)), q(first.AddDate(0, -6, 0))
}

type quarter struct{ from, to, label string }

// checkIndexDrops raises an alert for every agency whose headline index
// fell below the period before by more than noise, the same verdict the
// dashboard shows (report.CompareScores): the last complete month against
// the month before, and the last complete quarter against the quarter
// before (three months pooled over respondents).
func (s *Service) checkIndexDrops(ctx context.Context, now time.Time, tree *survey.Tree) error {
	month := previousMonth(now)
	curQ, prevQ := quarters(now)
	for _, a := range tree.All() {
		if !a.ExistedIn(month) {
			continue
		}
		def, err := s.definitionFor(ctx, a)
		if err != nil {
			return err
		}
		series, err := s.reports.Series(ctx, a, def, month, 2)
		if err != nil {
			return err
		}
		if err := s.raiseDrop(ctx, tree, now, a, "month", series[1], month, series[0], series[0].Month); err != nil {
			return err
		}
		cur, err := s.reports.Period(ctx, a, def, curQ.from, curQ.to)
		if err != nil {
			return err
		}
		prev, err := s.reports.Period(ctx, a, def, prevQ.from, prevQ.to)
		if err != nil {
			return err
		}
		if err := s.raiseDrop(ctx, tree, now, a, "quarter", cur, curQ.label, prev, prevQ.label); err != nil {
			return err
		}
	}
	return nil
}

// raiseDrop raises an index_drop alert when cur fell below prev beyond noise.
func (s *Service) raiseDrop(ctx context.Context, tree *survey.Tree, now time.Time, a *survey.Agency, period string,
	cur *report.Score, curLabel string, prev *report.Score, prevLabel string) error {
	ch := report.CompareScores(cur, prev)
	if !ch.Valid || !ch.Significant || ch.Delta >= 0 {
		return nil
	}
	idx, _ := cur.Headline()
	return s.raise(ctx, tree, &survey.Alert{
		Key: fmt.Sprintf("index_drop:%s:%s", a.Code, curLabel), Rule: survey.RuleIndexDrop, AgencyID: a.ID, RaisedAt: now,
		Detail: survey.AlertDetail{AgencyCode: a.Code, AgencyName: a.Name, Period: period, Month: curLabel, Previous: prevLabel,
			Index: idx.Value, Delta: ch.Delta, Lo: ch.Lo, Hi: ch.Hi},
	})
}

func (s *Service) definitionFor(ctx context.Context, a *survey.Agency) (*survey.Definition, error) {
	id, err := s.db.SurveyFor(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	if def, ok := s.surveys.Get(id); ok {
		return def, nil
	}
	return s.surveys.Default(), nil
}

// checkSilentTablets raises an alert for every live tablet unheard for more
// than the setting in working hours; one alert per silence (the key holds
// the last time it was heard).
func (s *Service) checkSilentTablets(ctx context.Context, now time.Time, tree *survey.Tree) error {
	devices, err := s.db.Devices(ctx, 0)
	if err != nil {
		return err
	}
	counters, err := s.db.Counters(ctx, 0)
	if err != nil {
		return err
	}
	byID := map[int64]*survey.Counter{}
	for _, c := range counters {
		byID[c.ID] = c
	}
	for _, d := range devices {
		c := byID[d.CounterID]
		if d.Revoked() || c == nil || !c.Active {
			continue
		}
		last := d.CreatedAt
		if d.LastSeenAt != nil {
			last = *d.LastSeenAt
		}
		silent := s.set.Hours.Between(last, now)
		if silent <= s.set.SilentAfter {
			continue
		}
		detail := survey.AlertDetail{Device: d.Name, Counter: c.Code, LastSeen: last.UTC().Format(time.RFC3339), Hours: silent.Hours()}
		if a := tree.Agency(c.AgencyID); a != nil {
			detail.AgencyCode, detail.AgencyName = a.Code, a.Name
		}
		err := s.raise(ctx, tree, &survey.Alert{
			Key:  fmt.Sprintf("tablet_silent:%d:%s", d.ID, last.UTC().Format(time.RFC3339Nano)),
			Rule: survey.RuleTabletSilent, AgencyID: c.AgencyID, RaisedAt: now, Detail: detail,
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// checkLowRatings raises an alert for each new response that has a comment
// and a rating at or under the setting on a 1–5 scale (the SIPAS items or
// the quick question; the 2/1/0 points of NĐ 61 are not ratings).
func (s *Service) checkLowRatings(ctx context.Context, now time.Time, tree *survey.Tree) error {
	cursor, err := s.db.AlertCursor(ctx, "low_rating")
	if err != nil {
		return err
	}
	for {
		batch, err := s.db.CommentedResponses(ctx, cursor, now.Add(-lowRatingWindow), lowRatingBatch)
		if err != nil {
			return err
		}
		for _, r := range batch {
			cursor = r.ID
			def, ok := s.surveys.Get(r.SurveyID)
			if !ok {
				continue
			}
			rating, low := s.lowestRating(def, r.Answers)
			if !low {
				continue
			}
			detail := survey.AlertDetail{Response: r.ID, Rating: rating, Comment: r.Comment}
			if a := tree.Agency(r.AgencyID); a != nil {
				detail.AgencyCode, detail.AgencyName = a.Code, a.Name
			}
			if c, err := s.db.Counter(ctx, r.CounterID); err == nil {
				detail.Counter = c.Code
			}
			if err := s.raise(ctx, tree, &survey.Alert{Key: fmt.Sprintf("low_rating:%d", r.ID), Rule: survey.RuleLowRating,
				AgencyID: r.AgencyID, RaisedAt: now, Detail: detail}); err != nil {
				return err
			}
		}
		if err := s.db.SetAlertCursor(ctx, "low_rating", cursor); err != nil {
			return err
		}
		if len(batch) < lowRatingBatch {
			return nil
		}
	}
}

// lowestRating is the lowest answer on a 1–5 rating item, and whether it is
// at or under the setting.
func (s *Service) lowestRating(def *survey.Definition, answers survey.Answers) (int, bool) {
	if def.Method == survey.MethodND61 {
		return 0, false
	}
	lowest := 0
	for _, q := range def.Items() {
		if q.Scale == nil || len(q.Scale.Options) == 0 || q.Scale.Options[0].Value != 1 {
			continue
		}
		if v, ok := survey.ScaleValue(answers.Value(q.Code)); ok && v >= 1 && (lowest == 0 || v < lowest) {
			lowest = v
		}
	}
	return lowest, lowest != 0 && lowest <= s.set.LowRating
}

// Rate is an agency's response rate for a month: responses ÷ dossiers received.
type Rate struct {
	AgencyID  int64
	Responses int
	Received  int
}

// RateSource gives the response rates of a month, for rule 4, from the
// dossier counts (server/app wires them; without Deps.Rates the rule does
// not run).
type RateSource interface {
	ResponseRates(ctx context.Context, month string) ([]Rate, error)
}

// checkResponseRates raises an alert for every agency whose response rate in
// the last complete month is under the setting.
func (s *Service) checkResponseRates(ctx context.Context, now time.Time, tree *survey.Tree) error {
	month := previousMonth(now)
	rates, err := s.rates.ResponseRates(ctx, month)
	if err != nil {
		return err
	}
	for _, r := range rates {
		if r.Received <= 0 {
			continue
		}
		rate := float64(r.Responses) / float64(r.Received)
		if rate >= s.set.MinRate {
			continue
		}
		detail := survey.AlertDetail{Month: month, Rate: rate, Threshold: s.set.MinRate}
		if a := tree.Agency(r.AgencyID); a != nil {
			detail.AgencyCode, detail.AgencyName = a.Code, a.Name
		}
		if err := s.raise(ctx, tree, &survey.Alert{Key: fmt.Sprintf("response_rate:%d:%s", r.AgencyID, month),
			Rule: survey.RuleResponseRate, AgencyID: r.AgencyID, RaisedAt: now, Detail: detail}); err != nil {
			return err
		}
	}
	return nil
}
