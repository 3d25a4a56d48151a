package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
)

// commentFixture stores a few responses with comments in two agencies.
func commentFixture(t *testing.T) (*DB, []*survey.Response, int64, int64) {
	t.Helper()
	db := openTest(t)
	ctx := context.Background()
	a := mustAgency(t, db, &survey.Agency{Code: "H17", Name: survey.Text{"vi": "a"}, Kind: survey.KindOther})
	b := mustAgency(t, db, &survey.Agency{Code: "H18", Name: survey.Text{"vi": "b"}, Kind: survey.KindOther})
	c := &survey.Counter{IdleSeconds: 45, IdleWarning: 20, AgencyID: a.ID, Code: "Q1", Name: survey.Text{"vi": "Quầy 1", "en": "Counter 1"}, Active: true}
	if err := db.CreateCounter(ctx, c, survey.CLI, time.Now()); err != nil {
		t.Fatal(err)
	}
	u := &survey.User{Username: "lanhdao", DisplayName: "Lãnh đạo", Role: survey.RoleAdmin}
	if err := db.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 10, 10, 2, 0, 0, 0, time.UTC)
	texts := []string{"ĐẤT ĐAI chậm", "", "Cán bộ tận tình", "=1+1", "Đất đai ổn"}
	var rs []*survey.Response
	for i, txt := range texts {
		at := base.Add(time.Duration(i) * time.Hour)
		answered := at.Add(-time.Minute)
		r := &survey.Response{UID: fmt.Sprintf("0190f0f0-0000-7000-8000-%012d", i), SurveyID: "nhanh", SurveyVersion: "v1",
			AgencyID: a.ID, CounterID: c.ID, Channel: survey.ChannelKiosk, ReceivedAt: at, AnsweredAt: &answered, Month: "2026-10",
			Lang: "vi", Answers: survey.NewAnswers(map[string]json.RawMessage{"HL": json.RawMessage(fmt.Sprint(1 + i))}), Comment: txt,
			ContentHash: []byte{byte(i)}}
		if i == 4 {
			r.AgencyID, r.CounterID = b.ID, 0 // another agency
		}
		if i == 3 {
			r.Flags, r.Excluded = []string{"clock"}, true // the server's time counts
		}
		rs = append(rs, r)
	}
	if err := db.InsertResponses(ctx, rs); err != nil {
		t.Fatal(err)
	}
	return db, rs, a.ID, u.ID
}

func TestCommentsFilterSearchAndMark(t *testing.T) {
	db, rs, agency, user := commentFixture(t)
	ctx := context.Background()
	q := CommentQuery{Agencies: []int64{agency}, Survey: "nhanh", From: "2026-10", To: "2026-10"}
	list, total, err := db.Comments(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if total != 3 || len(list) != 3 || list[0].Text != "=1+1" || list[2].Text != "ĐẤT ĐAI chậm" {
		t.Fatalf("comments newest first, in scope, non-empty: %d %+v", total, list)
	}
	if !list[0].At.Equal(rs[3].ReceivedAt) || !list[2].At.Equal(*rs[0].AnsweredAt) {
		t.Errorf("clock rule: %v %v", list[0].At, list[2].At)
	}
	if list[2].CounterCode != "Q1" || list[2].CounterName.In("en") != "Counter 1" || !list[0].Excluded {
		t.Errorf("row fields: %+v", list[2])
	}
	for search, want := range map[string]int{"đất đai": 1, "  TẬN  ": 1, "x": 0} {
		q.Search = search
		if _, n, _ := db.Comments(ctx, q); n != want {
			t.Errorf("search %q: %d, want %d", search, n, want)
		}
	}
	q.Search = ""
	q.Answers = []string{"HL:1", "HL:2", "HL:3"}
	if _, n, _ := db.Comments(ctx, q); n != 2 {
		t.Errorf("answers filter: %d, want 2 (HL 1 and 3 with comments)", n)
	}
	q.Answers = nil

	id := list[1].ResponseID
	if a, err := db.ResponseAgency(ctx, id); err != nil || a != agency {
		t.Errorf("ResponseAgency: %d %v", a, err)
	}
	if _, err := db.ResponseAgency(ctx, rs[1].ID); err != survey.ErrNotFound {
		t.Errorf("a response without a comment has nothing to mark: %v", err)
	}
	now := time.Date(2026, 11, 2, 3, 0, 0, 0, time.UTC)
	for range 2 {
		if err := db.MarkComment(ctx, id, survey.Actor{UserID: user, Name: "lanhdao"}, true, now); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Hour) // marking again keeps the first time
	}
	q.State = CommentsHandled
	got, n, _ := db.Comments(ctx, q)
	if n != 1 || got[0].ResponseID != id || got[0].HandledBy != "Lãnh đạo" || !got[0].HandledAt.Equal(now.Add(-2*time.Hour)) {
		t.Fatalf("handled: %d %+v", n, got)
	}
	q.State = CommentsOpen
	if _, n, _ := db.Comments(ctx, q); n != 2 {
		t.Errorf("open: %d", n)
	}
	if err := db.MarkComment(ctx, id, survey.Actor{UserID: user, Name: "lanhdao"}, false, now); err != nil {
		t.Fatal(err)
	}
	if _, n, _ := db.Comments(ctx, q); n != 3 {
		t.Errorf("open after unmark: %d", n)
	}
	// Every mark is in the audit log, with who and the state before and after.
	log, err := db.AuditLog(ctx, AuditFilter{Action: "comment."})
	if err != nil {
		t.Fatal(err)
	}
	target := "response:" + strconv.FormatInt(id, 10)
	if len(log) != 3 || log[2].Action != "comment.handle" || log[2].Before != "" || log[1].Action != "comment.handle" ||
		log[1].Before != log[1].After || log[0].Action != "comment.reopen" || log[0].After != "" || log[0].Before == "" {
		t.Fatalf("audit of the marks: %+v", log)
	}
	for _, e := range log {
		if e.Actor != "lanhdao" || e.UserID != user || e.Target != target {
			t.Errorf("audit entry %+v: want actor lanhdao, user %d, target %s", e, user, target)
		}
	}
	q.State, q.Limit, q.Offset = CommentsAll, 2, 2
	if page, n, _ := db.Comments(ctx, q); n != 3 || len(page) != 1 || page[0].Text != "ĐẤT ĐAI chậm" {
		t.Errorf("second page: %d %+v", n, page)
	}
}

func TestEachResponseStreamsTheScope(t *testing.T) {
	db, rs, agency, _ := commentFixture(t)
	var got []int64
	err := db.EachResponse(context.Background(), []int64{agency}, "nhanh", "2026-10",
		func(r *ExportRow) error {
			got = append(got, r.ID)
			if r.ID == rs[0].ID && (string(r.Answers.Value("HL")) != "1" || r.CounterCode != "Q1" || r.Version != "v1") {
				t.Errorf("row %+v", r)
			}
			return nil
		})
	if err != nil || len(got) != 4 || got[0] != rs[0].ID || got[3] != rs[3].ID {
		t.Errorf("EachResponse: %v %v", got, err)
	}
	stop := fmt.Errorf("stop")
	if err := db.EachResponse(context.Background(), []int64{agency}, "nhanh", "2026-10",
		func(*ExportRow) error { return stop }); err != stop {
		t.Errorf("callback error not returned: %v", err)
	}
}
