package web_test

import (
	"context"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/sipas-vn/sipas/server/sqlite"
)

// Many flagged responses with the same reason are decided at once: ticked
// on the list, one decision and one reason, each response decided and
// audited on its own, the rollups still equal to a rebuild.
func TestAdminFlagsBulkDecision(t *testing.T) {
	s, a := adminSetup(t)
	ctx := context.Background()
	ids := flagged(t, s, 5)
	ru := s.DB.NewRollup(s.Surveys)
	if _, err := ru.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	// "Select all" ticks every box without JavaScript.
	page := a.get("/admin/flags?select=all&lang=vi").Body.String()
	if n := strings.Count(page, `name="id" value=`); n != 5 || strings.Count(page, " checked>") != 5 {
		t.Errorf("select all: %d boxes, %d ticked", n, strings.Count(page, " checked>"))
	}
	pick := url.Values{"id": {itoa(ids[0]), itoa(ids[1]), itoa(ids[2])}}
	with := func(extra url.Values) url.Values {
		v := url.Values{}
		for k, vs := range pick {
			v[k] = vs
		}
		for k, vs := range extra {
			v[k] = vs
		}
		return v
	}
	for _, tc := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"decision": {"include"}, "reason": {"x"}}, `href="#flagged"`},
		{with(url.Values{"reason": {"x"}}), `href="#bulk-include"`},
		{with(url.Values{"decision": {"include"}}), `href="#reason"`},
	} {
		rec := a.post("/admin/flags?lang=vi", tc.form)
		if rec.Code != 422 || !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("%v: %d, want 422 with %s", tc.form, rec.Code, tc.want)
		}
		// What was ticked stays ticked beside the error.
		if len(tc.form["id"]) > 0 && strings.Count(rec.Body.String(), " checked>") < 3 {
			t.Errorf("%v: the selection was lost", tc.form)
		}
	}
	if n, _ := s.DB.CountPendingFlags(ctx); n != 5 {
		t.Fatalf("a refused bulk post decided something: %d pending", n)
	}
	rec, next := a.follow("/admin/flags?lang=vi", with(url.Values{"decision": {"include"}, "reason": {"cùng một người dân thử máy"}}))
	if rec.Code != 303 || next == nil || !strings.Contains(next.Body.String(), "Đã lưu quyết định cho 3 phiếu.") {
		t.Fatalf("bulk decision: %d", rec.Code)
	}
	if n, _ := s.DB.CountPendingFlags(ctx); n != 2 {
		t.Errorf("%d pending after deciding 3 of 5, want 2", n)
	}
	log, err := s.DB.AuditLog(ctx, sqlite.AuditFilter{Action: "response.decide"})
	if err != nil {
		t.Fatal(err)
	}
	targets := map[string]bool{}
	for _, e := range log {
		targets[e.Target] = strings.Contains(e.After, "cùng một người dân thử máy")
	}
	for _, id := range ids[:3] {
		if !targets["response:"+itoa(id)] {
			t.Errorf("response %d has no audit entry of its own with the reason (%v)", id, targets)
		}
	}
	if len(log) != 3 {
		t.Errorf("%d audit entries, want 3", len(log))
	}
	// An unknown id spoils the whole post: nothing is half decided.
	if rec := a.post("/admin/flags", url.Values{"id": {itoa(ids[3]), "999999"}, "decision": {"exclude"}, "reason": {"x"}}); rec.Code != 404 {
		t.Errorf("unknown id: %d", rec.Code)
	}
	if n, _ := s.DB.CountPendingFlags(ctx); n != 2 {
		t.Errorf("%d pending after a refused post, want 2", n)
	}
	before := rollupRows(t, s)
	if _, err := ru.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if after := rollupRows(t, s); !reflect.DeepEqual(before, after) {
		t.Errorf("rollups differ from a rebuild:\n%v\n%v", before, after)
	}
}
