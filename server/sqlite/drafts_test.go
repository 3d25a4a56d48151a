package sqlite

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// draftCounter makes the agency and counter a draft needs.
func draftCounter(t *testing.T, db *DB) int64 {
	t.Helper()
	ctx := context.Background()
	a := &survey.Agency{Code: "H92.1", Name: survey.Text{"vi": "Trung tâm"}, Kind: survey.KindProvinceCentre}
	if err := db.CreateAgency(ctx, a, survey.CLI, time.Now()); err != nil {
		t.Fatal(err)
	}
	c := &survey.Counter{IdleSeconds: 45, IdleWarning: 20, AgencyID: a.ID, Code: "Q-01", Number: 1, Name: survey.Text{"vi": "Quầy số 1"}, Active: true}
	if err := db.CreateCounter(ctx, c, survey.CLI, time.Now()); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func TestDraftLifecycle(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	counter := draftCounter(t, db)
	t0 := time.Date(2026, 10, 5, 2, 0, 0, 0, time.UTC)

	d := &survey.Draft{SurveyID: "nhanh", SurveyVersion: "v1", CounterID: counter, Token: "CODE", Lang: "vi", Client: "10.0.0.1"}
	if err := db.CreateDraft(ctx, d, t0); err != nil {
		t.Fatal(err)
	}
	if len(d.ID) < 20 {
		t.Fatalf("draft id %q is too short to be unguessable", d.ID)
	}
	d.Answers = map[string]json.RawMessage{"HL": json.RawMessage("2"), "LYDO": json.RawMessage("null")}
	d.Comment, d.Lang = "Chờ lâu", "en"
	if err := db.SaveDraft(ctx, d, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, err := db.Draft(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Answers["HL"]) != "2" || got.Comment != "Chờ lâu" || got.Lang != "en" || got.Token != "CODE" ||
		!got.UpdatedAt.Equal(t0.Add(time.Minute)) || !got.CreatedAt.Equal(t0) || got.Done() {
		t.Errorf("draft read back as %+v", got)
	}

	// The finish time is fixed by the first call, so a retry sends the same answered_at.
	f1, err := db.FinishDraft(ctx, d.ID, t0.Add(2*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	f2, _ := db.FinishDraft(ctx, d.ID, t0.Add(3*time.Minute))
	if !f1.Equal(t0.Add(2*time.Minute)) || !f2.Equal(f1) {
		t.Errorf("finish times %v then %v", f1, f2)
	}

	if err := db.CloseDraft(ctx, d.ID, "uid-1", t0.Add(4*time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, _ = db.Draft(ctx, d.ID)
	if !got.Done() || *got.ResponseUID != "uid-1" || got.Token != "" {
		t.Errorf("closed draft: done=%v token=%q", got.Done(), got.Token)
	}
	// A page posted late cannot change a submitted draft.
	if err := db.SaveDraft(ctx, d, t0.Add(5*time.Minute)); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("saving a done draft: %v, want not found", err)
	}
	if _, err := db.Draft(ctx, "nope"); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("unknown draft: %v", err)
	}
}

func TestStaleDraftsAndPurge(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	counter := draftCounter(t, db)
	t0 := time.Date(2026, 10, 5, 2, 0, 0, 0, time.UTC)
	mk := func(at time.Time) *survey.Draft {
		d := &survey.Draft{SurveyID: "nhanh", SurveyVersion: "v1", CounterID: counter, Lang: "vi"}
		if err := db.CreateDraft(ctx, d, at); err != nil {
			t.Fatal(err)
		}
		return d
	}
	// Times with and without a fraction: stored text must still order them.
	old := mk(t0.Add(500 * time.Millisecond))
	older := mk(t0)
	fresh := mk(t0.Add(3 * time.Hour))
	done := mk(t0)
	db.CloseDraft(ctx, done.ID, "", t0.Add(time.Second))

	stale, err := db.StaleDrafts(ctx, t0.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) != 2 || stale[0].ID != older.ID || stale[1].ID != old.ID {
		t.Errorf("stale drafts = %d, want the two old open ones, oldest first", len(stale))
	}
	if stale, _ := db.StaleDrafts(ctx, t0.Add(600*time.Millisecond)); len(stale) != 2 {
		t.Errorf("sub-second cut-off: %d stale, want 2", len(stale))
	}

	n, err := db.PurgeDrafts(ctx, t0.Add(time.Hour))
	if err != nil || n != 1 {
		t.Errorf("purged %d (%v), want only the done draft", n, err)
	}
	for _, d := range []*survey.Draft{old, older, fresh} {
		if _, err := db.Draft(ctx, d.ID); err != nil {
			t.Errorf("open draft %s purged: %v", d.ID, err)
		}
	}
}
