package sqlite

import (
	"context"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
	surveydefs "github.com/sipas-vn/sipas/survey-defs"
)

var admin = survey.Actor{UserID: 0, Name: "cli"}

func TestAuditLogIsAppendOnly(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	if err := db.Audit(ctx, admin, adminNow, "test.action", "x", nil, map[string]int{"a": 1}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE audit_log SET actor = 'someone else'`, `DELETE FROM audit_log`} {
		if _, err := db.Writer().ExecContext(ctx, q); err == nil {
			t.Errorf("%s was allowed", q)
		}
	}
	log, err := db.AuditLog(ctx, AuditFilter{Actor: "cli", Action: "test.", From: "2026-11-27", To: "2026-11-27"})
	if err != nil || len(log) != 1 || log[0].After != `{"a":1}` || log[0].Before != "" {
		t.Fatalf("log: %+v %v", log, err)
	}
	// Day bounds are Asia/Ho_Chi_Minh days: 09:00 ICT on the 27th is not on the 28th.
	if log, _ := db.AuditLog(ctx, AuditFilter{From: "2026-11-28"}); len(log) != 0 {
		t.Errorf("from filter: %+v", log)
	}
	if log, _ := db.AuditLog(ctx, AuditFilter{Action: "test"}); len(log) != 0 {
		t.Errorf("an exact action must not match a prefix")
	}
}

func TestMoveCloseMergeKeepTheTreeSound(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	p := mustAgency(t, db, &survey.Agency{Code: "P", Name: survey.Text{"vi": "P"}, Kind: survey.KindProvincePC})
	a := mustAgency(t, db, &survey.Agency{Code: "A", Name: survey.Text{"vi": "A"}, Kind: survey.KindCommunePC, ParentID: p.ID})
	b := mustAgency(t, db, &survey.Agency{Code: "B", Name: survey.Text{"vi": "B"}, Kind: survey.KindCommunePC, ParentID: p.ID})
	if err := db.MoveAgency(ctx, p.ID, a.ID, admin, adminNow); survey.ErrorCode(err) != survey.CodeInvalid {
		t.Errorf("moving a root under its child: %v", err)
	}
	if err := db.MoveAgency(ctx, a.ID, a.ID, admin, adminNow); survey.ErrorCode(err) != survey.CodeInvalid {
		t.Errorf("moving an agency under itself: %v", err)
	}
	if err := db.MoveAgency(ctx, b.ID, a.ID, admin, adminNow); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Agency(ctx, b.ID); got.ParentID != a.ID {
		t.Errorf("B's parent = %d", got.ParentID)
	}
	if err := db.CloseAgency(ctx, b.ID, "2026-13-01", admin, adminNow); survey.ErrorCode(err) != survey.CodeInvalid {
		t.Errorf("bad date accepted: %v", err)
	}
	// Merging A into its own child B would make a cycle; merging B into P is fine.
	if err := db.MergeAgency(ctx, a.ID, b.ID, "2025-06-30", admin, adminNow); survey.ErrorCode(err) != survey.CodeInvalid {
		t.Errorf("merge into own subtree: %v", err)
	}
	c := mustAgency(t, db, &survey.Agency{Code: "C", Name: survey.Text{"vi": "C"}, Kind: survey.KindCommunePC})
	if err := db.MergeAgency(ctx, c.ID, a.ID, "2025-06-30", admin, adminNow); err != nil {
		t.Fatal(err)
	}
	ids, _ := db.Subtree(ctx, a.ID)
	if !reflect.DeepEqual(ids, []int64{a.ID, b.ID, c.ID}) {
		t.Errorf("A's subtree after the merge = %v", ids)
	}
	if got, _ := db.Agency(ctx, c.ID); got.ValidTo != "2025-06-30" || got.SuccessorID != a.ID {
		t.Errorf("merged: %+v", got)
	}
	if err := db.MergeAgency(ctx, b.ID, c.ID, "2025-07-01", admin, adminNow); survey.ErrorCode(err) != survey.CodeInvalid {
		t.Errorf("merge into a closed agency: %v", err)
	}
	log, _ := db.AuditLog(ctx, AuditFilter{Action: "agency.", To: "2026-11-27"}) // move and merge, not the creations (today)
	if len(log) != 2 || log[0].Action != "agency.merge" || log[1].Action != "agency.move" {
		t.Errorf("audit: %+v", log)
	}
}

func TestLastAdminAndInvitations(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	tok, err := db.InviteUser(ctx, &survey.UserInfo{Username: "quantri", Role: survey.RoleAdmin}, admin, adminNow)
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.InvitedUser(ctx, tok, adminNow.Add(InvitationTTL-time.Second))
	if err != nil || u.Username != "quantri" || !u.Pending {
		t.Fatalf("invited user: %+v %v", u, err)
	}
	if _, err := db.InvitedUser(ctx, tok, adminNow.Add(InvitationTTL)); err == nil {
		t.Error("an invitation is valid after 7 days")
	}
	if _, err := db.AcceptInvitation(ctx, tok, "hash", adminNow.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AcceptInvitation(ctx, tok, "hash2", adminNow.Add(2*time.Hour)); err == nil {
		t.Error("an invitation was used twice")
	}
	if err := db.SetUserDisabled(ctx, u.ID, true, admin, adminNow); survey.ErrorCode(err) != survey.CodeConflict {
		t.Errorf("disabling the last admin: %v", err)
	}
	if err := db.SetUserRole(ctx, u.ID, survey.RoleProvince, 0, admin, adminNow); survey.ErrorCode(err) != survey.CodeConflict {
		t.Errorf("demoting the last admin: %v", err)
	}
	if _, err := db.InviteUser(ctx, &survey.UserInfo{Username: "lanhdao", Role: survey.RoleAgencyHead}, admin, adminNow); survey.ErrorCode(err) != survey.CodeInvalid {
		t.Errorf("agency head without an agency: %v", err)
	}
	if _, err := db.InviteUser(ctx, &survey.UserInfo{Username: "QUANTRI", Role: survey.RoleProvince}, admin, adminNow); survey.ErrorCode(err) != survey.CodeInvalid {
		t.Errorf("duplicate username: %v", err)
	}
	if _, err := db.InviteUser(ctx, &survey.UserInfo{Username: "quantri2", Role: survey.RoleAdmin}, admin, adminNow); err != nil {
		t.Fatal(err)
	}
	if err := db.SetUserRole(ctx, u.ID, survey.RoleProvince, 0, admin, adminNow); err != nil {
		t.Errorf("demoting one of two admins: %v", err)
	}
	// A reset clears the password and replaces the link.
	tok2, err := db.ResetUser(ctx, u.ID, admin, adminNow)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := db.User(ctx, u.ID); !got.Pending {
		t.Error("reset kept the password")
	}
	if _, err := db.InvitedUser(ctx, tok2, adminNow); err != nil {
		t.Errorf("reset link: %v", err)
	}
}

func TestSurveyAssignmentHistoryKeepsCurrentInStep(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	cat, _ := survey.Load(surveydefs.FS)
	db.RegisterSurveys(ctx, cat.All())
	p := mustAgency(t, db, &survey.Agency{Code: "P", Name: survey.Text{"vi": "P"}, Kind: survey.KindProvincePC, SurveyID: "sipas-dv-2023"})
	a := mustAgency(t, db, &survey.Agency{Code: "A", Name: survey.Text{"vi": "A"}, Kind: survey.KindCommunePC, ParentID: p.ID})
	if err := db.AssignSurvey(ctx, a.ID, "nhanh", "2026-11-01", admin, adminNow); err != nil {
		t.Fatal(err)
	}
	if err := db.AssignSurvey(ctx, a.ID, "", "2027-01-01", admin, adminNow); err != nil { // back to inheriting, later
		t.Fatal(err)
	}
	if sid, _ := db.SurveyFor(ctx, a.ID); sid != "nhanh" {
		t.Errorf("today A uses %q", sid)
	}
	if n, _ := db.ApplyDueSurveys(ctx, time.Date(2027, 1, 1, 0, 0, 0, 0, survey.Zone)); n != 1 {
		t.Errorf("%d agencies changed on 1 January", n)
	}
	if sid, _ := db.SurveyFor(ctx, a.ID); sid != "sipas-dv-2023" {
		t.Errorf("from 2027 A inherits %q", sid)
	}
	h, _ := db.SurveyAssignments(ctx, a.ID)
	if len(h) != 2 || h[0].FromDate != "2027-01-01" || h[1].SurveyID != "nhanh" {
		t.Errorf("history %+v", h)
	}
	if err := db.AssignSurvey(ctx, a.ID, "no-such", "2026-11-01", admin, adminNow); survey.ErrorCode(err) != survey.CodeInvalid {
		t.Errorf("unknown questionnaire: %v", err)
	}
}

// TestFlagDecisionKeepsRollupsEqualToRebuild decides on flagged responses
// both counted and not yet counted by the worker, then compares the counts
// with a rebuild from the raw rows.
func TestFlagDecisionKeepsRollupsEqualToRebuild(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	cat, agencies, counters := rollupFixture(t, db, 3)
	rng := rand.New(rand.NewPCG(3, 5))
	rs := randomResponses(t, rng, cat, agencies, counters, 300, 0)
	for i, r := range rs { // every fifth flagged; half of those excluded
		r.Flags, r.Excluded = nil, false
		if i%5 == 0 {
			r.Flags, r.Excluded = []string{"burst"}, i%10 == 0
		}
	}
	if err := db.InsertResponses(ctx, rs); err != nil {
		t.Fatal(err)
	}
	ru := db.NewRollup(cat)
	if _, err := ru.Step(ctx, 200); err != nil { // the first 200 are counted, the rest not yet
		t.Fatal(err)
	}
	flagged, err := db.FlaggedResponses(ctx, true, 1000)
	if err != nil || len(flagged) != 60 {
		t.Fatalf("%d flagged pending: %v", len(flagged), err)
	}
	for i, f := range flagged {
		include := i%3 != 0 // a mix of include and keep-excluded, on both sides of the worker
		if err := ru.DecideFlag(ctx, f.ID, include, "kiểm tra camera", survey.Actor{Name: "quantri"}, adminNow); err != nil {
			t.Fatal(err)
		}
	}
	if err := ru.DecideFlag(ctx, flagged[0].ID, true, "  ", admin, adminNow); survey.ErrorCode(err) != survey.CodeInvalid {
		t.Errorf("a decision without a reason: %v", err)
	}
	if n, _ := db.CountPendingFlags(ctx); n != 0 {
		t.Errorf("%d still pending", n)
	}
	if _, err := ru.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	var zero int
	db.Reader().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM rollup_answers WHERE n = 0) + (SELECT count(*) FROM rollup_scales
		WHERE na = 0 AND v0 = 0 AND v1 = 0 AND v2 = 0 AND v3 = 0 AND v4 = 0 AND v5 = 0 AND v6 = 0 AND v7 = 0 AND v8 = 0 AND v9 = 0 AND v10 = 0)`).Scan(&zero)
	if zero != 0 {
		t.Errorf("%d rollup rows left at zero", zero)
	}
	decA, decR := snapshot(t, db)
	if _, err := ru.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	rebA, rebR := snapshot(t, db)
	if !reflect.DeepEqual(decA, rebA) || !reflect.DeepEqual(decR, rebR) {
		t.Fatalf("after decisions the counts differ from a rebuild: %d/%d answer rows, %d/%d response rows", len(decA), len(rebA), len(decR), len(rebR))
	}
	var included int
	db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM responses WHERE flags <> '' AND excluded = 0`).Scan(&included)
	if included != 40 {
		t.Errorf("%d flagged responses included, want 40", included)
	}
	f, _ := db.FlaggedResponseByID(ctx, flagged[1].ID)
	if len(f.Decisions) != 1 || f.Decisions[0].Actor != "quantri" || f.Decisions[0].Reason != "kiểm tra camera" {
		t.Errorf("decision record: %+v", f.Decisions)
	}
}
