package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/sqlite"
	"github.com/sipas-vn/sipas/server/survey"
	"github.com/sipas-vn/sipas/server/web"
)

func TestAdminInviteResetAndLastAdmin(t *testing.T) {
	s, a := adminSetup(t)
	ctx := context.Background()
	anon := &adminClient{t: t, s: s}
	if rec := a.post("/admin/users", url.Values{"username": {"lanhdao"}, "role": {"agency_head"}}); rec.Code != 422 || !strings.Contains(rec.Body.String(), `href="#agency"`) {
		t.Errorf("agency head without an agency: %d", rec.Code)
	}
	if rec := a.post("/admin/users", url.Values{"username": {"QUANTRI"}, "role": {"province"}}); rec.Code != 422 {
		t.Errorf("duplicate username: %d", rec.Code)
	}
	rec := a.post("/admin/users", url.Values{"username": {"lanhdao"}, "display_name": {"Lãnh đạo"}, "role": {"agency_head"}, "agency": {"H17"}})
	if rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("invite: %d %v", rec.Code, rec.Header())
	}
	link := inviteLink(t, rec.Body.String())
	if rec := get(t, s, link); rec.Code != 200 || !strings.Contains(rec.Body.String(), "lanhdao") {
		t.Fatalf("invite page: %d", rec.Code)
	}
	for _, bad := range []url.Values{{"password": {"ngắn quá"}, "password_again": {"ngắn quá"}},
		{"password": {"đủ dài nhưng khác"}, "password_again": {"đủ dài mà khác nữa"}}} {
		if rec := anon.post(link, bad); rec.Code != 422 || !strings.Contains(rec.Body.String(), "error-summary") {
			t.Errorf("bad password %v: %d", bad, rec.Code)
		}
	}
	if rec := anon.post(link, url.Values{"password": {"một câu đủ dài"}, "password_again": {"một câu đủ dài"}}); rec.Code != 200 {
		t.Fatalf("set password: %d", rec.Code)
	}
	if rec := anon.post(link, url.Values{"password": {"câu khác đủ dài"}, "password_again": {"câu khác đủ dài"}}); rec.Code != 404 {
		t.Errorf("a used link: %d, want 404", rec.Code)
	}
	head := signedIn(t, s, "lanhdao", "một câu đủ dài")
	if rec := head.get("/admin"); rec.Code != 403 {
		t.Errorf("the new agency head on /admin: %d", rec.Code)
	}
	u, _ := s.DB.UserByUsername(ctx, "lanhdao")
	// A reset clears the password and signs the user out; its link expires after 7 days.
	rec = a.post("/admin/users/"+itoa(u.ID)+"/reset", nil)
	reset := inviteLink(t, rec.Body.String())
	if ck, _ := signIn(t, s, "lanhdao", "một câu đủ dài"); ck != nil {
		t.Error("the old password still works after a reset")
	}
	if rec := head.get("/dashboard"); rec.Code != http.StatusSeeOther {
		t.Errorf("the session survived the reset: %d", rec.Code)
	}
	s.Clock.(*testClock).Set(s.Clock.Now().Add(7*24*time.Hour + time.Second))
	if rec := get(t, s, reset); rec.Code != 404 || !strings.Contains(rec.Body.String(), "hết hạn") {
		t.Errorf("an expired link: %d", rec.Code)
	}
	// The last admin can be neither disabled nor demoted, by themselves or anyone.
	me, _ := s.DB.UserByUsername(ctx, "quantri")
	a = signedIn(t, s, "quantri", adminPassword) // the clock moved past the session
	for _, p := range []string{"/disable", "/role"} {
		rec := a.post("/admin/users/"+itoa(me.ID)+p, url.Values{"role": {"province"}})
		if rec.Code != 422 || !strings.Contains(rec.Body.String(), "người quản trị cuối cùng") {
			t.Errorf("last admin %s: %d", p, rec.Code)
		}
	}
	if rec := a.post("/admin/users/"+itoa(u.ID)+"/disable", nil); rec.Code != 303 {
		t.Errorf("disable: %d", rec.Code)
	}
	if rec := a.post("/admin/users/"+itoa(u.ID)+"/role", url.Values{"role": {"province"}}); rec.Code != 303 {
		t.Errorf("role: %d", rec.Code)
	}
	log, _ := s.DB.AuditLog(ctx, sqlite.AuditFilter{Action: "user."})
	got := []string{}
	for _, e := range log {
		got = append(got, e.Action)
		if strings.Contains(e.Before+e.After, "$2a$") {
			t.Errorf("a password hash in the audit log: %s", e.After)
		}
	}
	if want := []string{"user.role", "user.disable", "user.reset", "user.password", "user.invite"}; !reflect.DeepEqual(got, want) {
		t.Errorf("audit %v, want %v", got, want)
	}
}

var pairingRE = regexp.MustCompile(`<p class="secret"><code>(\d{6})</code></p>`)

func TestAdminPairingCodeExpiresAndIsSingleUse(t *testing.T) {
	s, a := adminSetup(t)
	code := func() string {
		rec := a.post("/admin/counters/1/pair", nil)
		m := pairingRE.FindAllStringSubmatch(rec.Body.String(), -1)
		if rec.Code != 200 || len(m) != 2 || rec.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("pairing page: %d %v", rec.Code, m)
		}
		return m[0][1] // the code; m[1] is the staff PIN
	}
	clock := s.Clock.(*testClock)
	c1 := code()
	clock.Set(clock.Now().Add(10*time.Minute + time.Second))
	if rec := post(t, s, "/api/v1/kiosk/pair", `{"code":"`+c1+`","app_version":"t"}`); rec.Code != 422 || !strings.Contains(rec.Body.String(), "hết hạn") {
		t.Errorf("expired code: %d %s", rec.Code, rec.Body.String())
	}
	a = signedIn(t, s, "quantri", adminPassword)
	c2 := code()
	clock.Set(clock.Now().Add(9 * time.Minute))
	if rec := post(t, s, "/api/v1/kiosk/pair", `{"code":"`+c2+`","app_version":"t"}`); rec.Code != 201 {
		t.Fatalf("fresh code: %d %s", rec.Code, rec.Body.String())
	}
	if rec := post(t, s, "/api/v1/kiosk/pair", `{"code":"`+c2+`","app_version":"t"}`); rec.Code != 422 {
		t.Errorf("reused code: %d", rec.Code)
	}
	// The device list shows the new tablet; a day and a bit later it is offline on the home page.
	if rec := a.get("/admin/devices"); !strings.Contains(rec.Body.String(), "CT-01") {
		t.Errorf("device list lacks the tablet")
	}
	clock.Set(clock.Now().Add(sqlite.DeviceOfflineAfter + time.Minute))
	a = signedIn(t, s, "quantri", adminPassword)
	if rec := a.get("/admin"); !strings.Contains(rec.Body.String(), "Quầy số 1 – Đất đai") {
		t.Errorf("the offline tablet is not on the home page")
	}
	if rec := a.post("/admin/devices/1/revoke", nil); rec.Code != 303 {
		t.Errorf("revoke: %d", rec.Code)
	}
	if rec := a.post("/admin/devices/1/revoke", nil); rec.Code != 404 {
		t.Errorf("revoke twice: %d", rec.Code)
	}
	log, _ := s.DB.AuditLog(context.Background(), sqlite.AuditFilter{Action: "device."})
	if len(log) != 3 || strings.Contains(log[2].After, c1) {
		t.Errorf("device audit: %+v", log)
	}
}

var keyRE = regexp.MustCompile(`<code>(sk_[A-Za-z0-9_-]+)</code>`)

func TestAdminAPIKeysAreScopedAndRevocable(t *testing.T) {
	s, a := adminSetup(t)
	a.post("/admin/agencies", url.Values{"code": {"H18"}, "name_vi": {"Tỉnh khác"}, "kind": {"ubnd_tinh"}})
	newKey := func(form url.Values) string {
		rec := a.post("/admin/apikeys", form)
		m := keyRE.FindStringSubmatch(rec.Body.String())
		if rec.Code != 200 || m == nil {
			t.Fatalf("create key %v: %d", form, rec.Code)
		}
		return m[1]
	}
	if rec := a.post("/admin/apikeys", url.Values{"name": {"x"}}); rec.Code != 422 || !strings.Contains(rec.Body.String(), `href="#scope-tokens"`) {
		t.Errorf("no scope: %d", rec.Code)
	}
	scores := newKey(url.Values{"name": {"BI tỉnh H18"}, "scopes": {"scores"}, "agency": {"H18"}})
	tokens := newKey(url.Values{"name": {"Một cửa"}, "scopes": {"tokens"}, "agency": {"H17"}})
	if rec := post(t, s, "/api/v1/tokens", `{"counter":"CT-01","dossier":"HS-1"}`, "Authorization", "Bearer "+scores); rec.Code != 403 {
		t.Errorf("a scores key issued a token: %d", rec.Code)
	}
	if rec := get(t, s, "/api/v1/scores?agency=H17&month=2026-11", "Authorization", "Bearer "+scores); rec.Code != 403 {
		t.Errorf("an H18 key read H17: %d", rec.Code)
	}
	if rec := get(t, s, "/api/v1/scores?agency=H18&month=2026-11", "Authorization", "Bearer "+scores); rec.Code != 200 {
		t.Errorf("an H18 key reading H18: %d %s", rec.Code, rec.Body.String())
	}
	if rec := post(t, s, "/api/v1/tokens", `{"counter":"CT-01","dossier":"HS-1"}`, "Authorization", "Bearer "+tokens); rec.Code != 201 {
		t.Errorf("tokens key: %d %s", rec.Code, rec.Body.String())
	}
	page := a.get("/admin/apikeys").Body.String()
	if strings.Contains(page, tokens) || strings.Count(page, "27/11/2026") < 3 {
		t.Errorf("key list shows a secret or lacks the last use:\n%s", page)
	}
	keys, _ := s.DB.APIKeys(context.Background())
	if rec := a.post("/admin/apikeys/"+itoa(keys[0].ID)+"/revoke", nil); rec.Code != 303 {
		t.Fatalf("revoke: %d", rec.Code)
	}
	if rec := post(t, s, "/api/v1/tokens", `{"counter":"CT-01","dossier":"HS-2"}`, "Authorization", "Bearer "+tokens); rec.Code != 403 {
		t.Errorf("a revoked key: %d", rec.Code)
	}
}

func TestAdminFlagDecisionKeepsRollupsRight(t *testing.T) {
	s, a := adminSetup(t)
	ctx := context.Background()
	ids := flagged(t, s, 4)
	ru := s.DB.NewRollup(s.Surveys)
	if _, err := ru.CatchUp(ctx); err != nil { // counted before the decisions
		t.Fatal(err)
	}
	if rec := a.get("/admin/flags"); !strings.Contains(rec.Body.String(), "ngoài giờ làm việc") {
		t.Errorf("flag list lacks the reason")
	}
	if rec := a.post("/admin/flags/"+itoa(ids[0]), url.Values{"decision": {"include"}}); rec.Code != 422 || !strings.Contains(rec.Body.String(), `href="#reason"`) {
		t.Errorf("no reason: %d", rec.Code)
	}
	if rec := a.post("/admin/flags/"+itoa(ids[0]), url.Values{"reason": {"x"}}); rec.Code != 422 || !strings.Contains(rec.Body.String(), `href="#decision-include"`) {
		t.Errorf("no decision: %d", rec.Code)
	}
	for i, id := range ids[:3] {
		d := map[bool]string{true: "include", false: "exclude"}[i != 1]
		if rec := a.post("/admin/flags/"+itoa(id), url.Values{"decision": {d}, "reason": {"đã xem camera"}}); rec.Code != 303 {
			t.Fatalf("decide %d: %d %s", id, rec.Code, rec.Body.String())
		}
	}
	var included, excluded int64
	s.DB.Reader().QueryRowContext(ctx, `SELECT COALESCE(sum(responses), 0) FROM rollup_responses WHERE excluded = 0`).Scan(&included)
	s.DB.Reader().QueryRowContext(ctx, `SELECT COALESCE(sum(responses), 0) FROM rollup_responses WHERE excluded = 1`).Scan(&excluded)
	if included != 2 || excluded != 2 {
		t.Errorf("after decisions: %d included, %d excluded; want 2 and 2", included, excluded)
	}
	before := rollupRows(t, s)
	if _, err := ru.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if after := rollupRows(t, s); !reflect.DeepEqual(before, after) {
		t.Errorf("rollups differ from a rebuild:\n%v\n%v", before, after)
	}
	page := a.get("/admin/flags/" + itoa(ids[0])).Body.String()
	if !strings.Contains(page, "quantri") || !strings.Contains(page, "đã xem camera") {
		t.Errorf("the review page lacks who and why")
	}
	if n, _ := s.DB.CountPendingFlags(ctx); n != 1 {
		t.Errorf("%d pending, want 1", n)
	}
}

// rollupRows dumps the rollup tables as comparable lines.
func rollupRows(t *testing.T, s *web.Server) []string {
	t.Helper()
	var out []string
	for _, q := range []string{`SELECT month||agency_id||question||value||channel||excluded||n FROM rollup_answers ORDER BY 1`,
		`SELECT month||agency_id||question||channel||excluded||na||'/'||v0||'/'||v1||'/'||v2||'/'||v3||'/'||v4||'/'||v5||'/'||v6||'/'||v7||'/'||v8||'/'||v9||'/'||v10
			FROM rollup_scales ORDER BY 1`,
		`SELECT day||agency_id||channel||excluded||responses||partial||unsatisfied||with_comment FROM rollup_responses ORDER BY 1`,
		`SELECT month||agency_id||node||channel||excluded||n||'/'||t||'/'||v||'/'||tt||'/'||tv||'/'||vv FROM rollup_moments ORDER BY 1`,
		`SELECT month||agency_id||question||excluded||valid||satisfied||mn||mt||mv||mtt||mtv||mvv FROM rollup_items ORDER BY 1`} {
		rows, err := s.DB.Reader().QueryContext(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var l string
			rows.Scan(&l)
			out = append(out, l)
		}
		rows.Close()
	}
	return out
}

func TestAdminPaperFormGoesThroughSubmit(t *testing.T) {
	s, a := adminSetup(t)
	ctx := context.Background()
	if rec := a.get("/admin/paper?counter=CT-01"); rec.Code != 200 || !strings.Contains(rec.Body.String(), `name="a_HL"`) {
		t.Fatalf("paper form: %d", rec.Code)
	}
	if rec := a.post("/admin/paper", url.Values{"counter": {"CT-01"}, "survey": {"nhanh"}}); rec.Code != 422 || !strings.Contains(rec.Body.String(), `href="#q-HL"`) {
		t.Errorf("empty form: %d %s", rec.Code, rec.Body.String())
	}
	if rec := a.post("/admin/paper", url.Values{"counter": {"CT-01"}, "survey": {"nhanh"}, "a_HL": {"9"}}); rec.Code != 422 || !strings.Contains(rec.Body.String(), `href="#q-HL"`) {
		t.Errorf("off-scale answer: %d", rec.Code)
	}
	rec, next := a.follow("/admin/paper", url.Values{"counter": {"CT-01"}, "survey": {"nhanh"}, "a_HL": {"4"}, "answered_on": {"2026-11-20"}, "officer": {"CB01"}})
	if rec.Code != 303 || !strings.Contains(next.Body.String(), "Đã lưu phiếu giấy") {
		t.Fatalf("paper form: %d %s", rec.Code, rec.Body.String())
	}
	var channel string
	var enteredBy, officer int64
	var answered string
	s.DB.Reader().QueryRowContext(ctx, `SELECT channel, entered_by, officer_id, datetime(answered_at / 1000000000, 'unixepoch') FROM responses`).Scan(&channel, &enteredBy, &officer, &answered)
	me, _ := s.DB.UserByUsername(ctx, "quantri")
	if channel != "paper" || enteredBy != me.ID || officer == 0 || !strings.HasPrefix(answered, "2026-11-20") {
		t.Errorf("stored: %s entered by %d, officer %d, answered %s", channel, enteredBy, officer, answered)
	}
	if log, _ := s.DB.AuditLog(ctx, sqlite.AuditFilter{Action: "response.paper"}); len(log) != 1 {
		t.Errorf("paper audit: %+v", log)
	}
}

func TestAdminAuditLogFiltersAndExports(t *testing.T) {
	s, a := adminSetup(t)
	a.post("/admin/agencies", url.Values{"code": {"H20"}, "name_vi": {"A"}, "kind": {"so"}})
	if rec := a.post("/admin/counters/1", url.Values{"number": {"2"}, "name_vi": {"Quầy 2"}, "idle_seconds": {"50"}, "idle_warning": {"15"}, "active": {"1"}}); rec.Code != 303 {
		t.Fatalf("counter update: %d %s", rec.Code, rec.Body.String())
	}
	if err := s.DB.Audit(context.Background(), survey.CLI, time.Date(2026, 10, 1, 8, 0, 0, 0, survey.Zone), "agency.import", "agency:X", nil, nil); err != nil {
		t.Fatal(err)
	}
	page := a.get("/admin/audit?action=counter.update&lang=vi").Body.String()
	if !strings.Contains(page, "counter:CT-01") || strings.Contains(page, "agency:H20") {
		t.Errorf("action filter:\n%s", page)
	}
	// In words: the action, what changed as before → after, the time in ICT
	// as dd/mm/yyyy HH:MM; no raw JSON.
	for _, want := range []string{"Sửa quầy", `<strong>Số quầy:</strong> <del><span class="visually-hidden">Trước: </span>1</del> → <ins><span class="visually-hidden">Sau: </span>2</ins>`,
		"Quầy số 1 – Đất đai</del> → <ins><span class=\"visually-hidden\">Sau: </span>Quầy 2</ins>", "27/11/2026 09:00", `<option value="counter.update" selected>Sửa quầy</option>`} {
		if !strings.Contains(page, want) {
			t.Errorf("audit page lacks %q", want)
		}
	}
	if strings.Contains(page, "&#34;") || strings.Contains(page, "T09:00") {
		t.Errorf("audit page shows raw JSON or an ISO time:\n%s", page)
	}
	for _, q := range []string{"from=01/11/2026&to=30/11/2026", "from=2026-11-01&to=2026-11-30"} {
		page = a.get("/admin/audit?actor=quantri&" + q).Body.String()
		if strings.Contains(page, "agency:X") || !strings.Contains(page, "agency:H20") || !strings.Contains(page, `value="01/11/2026"`) {
			t.Errorf("date and actor filter %s", q)
		}
	}
	// A day that is not one is said so on its field; the rest still filters.
	rec := a.get("/admin/audit?from=31/02/2026&lang=vi")
	if page := rec.Body.String(); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(page, "“31/02/2026” không phải một ngày") || !strings.Contains(page, `href="#from"`) {
		t.Errorf("bad day: %d", rec.Code)
	}
	rec = a.get("/admin/audit.csv?actor=cli&action=agency.import")
	if rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), "id,at,actor,action,target,before,after\n") ||
		strings.Count(rec.Body.String(), "\n") != 2 || !strings.Contains(rec.Body.String(), ",cli,agency.import,agency:X,") {
		t.Errorf("csv: %d %s", rec.Code, rec.Body.String())
	}
	if _, err := s.DB.Writer().ExecContext(context.Background(), `DELETE FROM audit_log`); err == nil {
		t.Error("the audit log could be deleted")
	}
}

// TestRevokedTabletStopsAtOnce: a lost tablet revoked on the admin page is
// refused on its very next request, not after the device cache expires.
func TestRevokedTabletStopsAtOnce(t *testing.T) {
	s, a := adminSetup(t)
	d, token, _, err := s.DB.AddDevice(context.Background(), 1, s.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	bearer := "Bearer " + token
	if rec := get(t, s, "/api/v1/kiosk/config", "Authorization", bearer); rec.Code != http.StatusOK {
		t.Fatalf("config of the paired tablet: %d", rec.Code) // and the tablet is cached now
	}
	if rec := a.post("/admin/devices/"+itoa(d.ID)+"/revoke", nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("revoke: %d", rec.Code)
	}
	for _, p := range []string{"/api/v1/kiosk/config", "/api/v1/kiosk/heartbeat"} {
		req := httptest.NewRequest(http.MethodGet, p, nil)
		if p == "/api/v1/kiosk/heartbeat" {
			req = httptest.NewRequest(http.MethodPost, p, strings.NewReader(`{}`))
		}
		req.Header.Set("Authorization", bearer)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden {
			t.Errorf("%s right after the revocation: %d, want 403", p, rec.Code)
		}
	}
}
