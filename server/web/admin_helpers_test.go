package web_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sipas-vn/sipas/server/collect"
	"github.com/sipas-vn/sipas/server/survey"
	"github.com/sipas-vn/sipas/server/web"
)

// flagged submits n quick ratings from counter CT-01's tablet at 23:00, when
// the counter is closed, which the rules flag as odd hours and keep out of
// scores, and returns their response ids.
func flagged(t *testing.T, s *web.Server, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	clock := s.Clock.(*testClock)
	was := clock.Now()
	clock.Set(time.Date(2026, 11, 26, 23, 0, 0, 0, survey.Zone))
	defer clock.Set(was)
	c, err := s.DB.CounterByCode(ctx, "CT-01")
	if err != nil {
		t.Fatal(err)
	}
	dev, _, _, err := s.DB.AddDevice(ctx, c.ID, clock.Now().Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	d, _ := s.Surveys.Get("nhanh")
	var ids []int64
	for i := range n {
		clock.Add(time.Minute) // a minute apart: odd hours alone, not a repeat
		req := &collect.Request{ID: uuid.Must(uuid.NewV7()).String(), Survey: "nhanh", Version: d.Version, Channel: "kiosk",
			Seq: int64(i + 1), Answers: survey.NewAnswers(map[string]json.RawMessage{"HL": json.RawMessage(strconv.Itoa(1 + i%5))})}
		if _, err := s.Collect.Submit(ctx, collect.Submission{Request: req, Device: dev}); err != nil {
			t.Fatal(err)
		}
		r, err := s.DB.ResponseByUID(ctx, req.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Excluded || len(r.Flags) == 0 {
			t.Fatalf("a rating at 23:00 was not flagged: %+v", r.Flags)
		}
		ids = append(ids, r.ID)
	}
	return ids
}

var inviteRE = regexp.MustCompile(`http://example\.test(/invite/[A-Za-z0-9_-]+)`)

// inviteLink finds the one-time link on a page and returns its path.
func inviteLink(t *testing.T, body string) string {
	t.Helper()
	m := inviteRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no invitation link on the page:\n%s", body)
	}
	return m[1]
}
