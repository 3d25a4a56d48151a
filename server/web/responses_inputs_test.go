package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sipas-vn/sipas/server/collect"
	"github.com/sipas-vn/sipas/server/web"
)

// Regression tests for inputs a client must not be able to place: an
// anonymous client's time and officer, a browser on another site, a body
// that is not JSON, and a tablet's sequence number.

// postAs sends one request from a client address to the server's own host
// (example.test, its base URL), with headers as pairs ("Host" sets the host).
func postAs(s *web.Server, addr, body string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/api/v1/responses", strings.NewReader(body))
	req.Host = "example.test"
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = addr + ":40000"
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
		} else if header[i+1] == "" {
			req.Header.Del(header[i])
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

// sipasAnswers is one and the same full answer set, as a citizen ticking
// "Rất hài lòng" everywhere would send it.
var sipasAnswers = map[string]any{"TC1": 5, "TC2": 5, "TC3": 5, "TC4": 5, "TT1": 5, "CC1": 5, "KQ1": 5}

// claimedUTC is an RFC 3339 time as stored: in UTC.
func claimedUTC(s string) string {
	t, _ := time.Parse(time.RFC3339, s)
	return t.UTC().Format(time.RFC3339)
}

// TestAnonymousAnsweredAtIsIgnored: five identical ratings from one address
// claiming times 11 minutes apart on an earlier date in a closed month are
// placed, and flagged, exactly like the same five without answered_at.
func TestAnonymousAnsweredAtIsIgnored(t *testing.T) {
	s := newTestServer(t)
	place(t, s)
	ctx := context.Background()
	clock := s.Clock.(*testClock)
	start := time.Date(2026, 12, 2, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	def, _ := s.Surveys.Get("sipas-dv-2023")
	send := func(addr string, claim bool) [][]string {
		clock.Set(start)
		var flags [][]string
		for i := range 5 {
			clock.Add(30 * time.Second) // received 30 s apart: no repeat, but five within the burst window
			fields := map[string]any{"id": uuid.Must(uuid.NewV7()).String(), "survey": def.ID, "version": def.Version,
				"answers": sipasAnswers, "answered_at": nil}
			claimed := time.Date(2026, 11, 10, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600)).Add(time.Duration(i) * 11 * time.Minute).Format(time.RFC3339)
			if claim {
				fields["answered_at"] = claimed
			}
			rec := postAs(s, addr, body(t, s, fields))
			if rec.Code != http.StatusCreated {
				t.Fatalf("%s #%d: %d %s", addr, i+1, rec.Code, rec.Body)
			}
			r, err := s.DB.ResponseByUID(ctx, fields["id"].(string))
			if err != nil {
				t.Fatal(err)
			}
			if r.Month != "2026-12" || r.AnsweredAt != nil {
				t.Errorf("%s #%d: month %s, answered_at %v; want 2026-12 at the server's time and no client time", addr, i+1, r.Month, r.AnsweredAt)
			}
			if claim && (r.ClaimedAt == nil || r.ClaimedAt.Format(time.RFC3339) != claimedUTC(claimed)) {
				t.Errorf("%s #%d: the claimed time %s is not kept for audit: %v", addr, i+1, claimed, r.ClaimedAt)
			}
			if r.Excluded != slices.Contains(r.Flags, collect.FlagBurst) {
				t.Errorf("%s #%d: flags %v, excluded %v", addr, i+1, r.Flags, r.Excluded)
			}
			flags = append(flags, r.Flags)
		}
		return flags
	}
	with, without := send("198.51.100.1", true), send("198.51.100.2", false)
	for i := range with {
		if !slices.Equal(with[i], without[i]) {
			t.Errorf("#%d: flags %v with answered_at, %v without; want the same", i+1, with[i], without[i])
		}
	}
	if !slices.Contains(with[4], collect.FlagBurst) || len(with[3]) != 0 {
		t.Errorf("flags with answered_at %v; want the fifth identical answer set flagged burst", with)
	}
	if _, err := s.DB.NewRollup(s.Surveys).CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	var days []string
	rows, err := s.DB.Reader().QueryContext(ctx, `SELECT DISTINCT day FROM rollup_responses ORDER BY day`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var d string
		rows.Scan(&d)
		days = append(days, d)
	}
	rows.Close()
	if !slices.Equal(days, []string{"2026-12-02"}) {
		t.Errorf("daily counts on %v; want only the day of receipt, 2026-12-02", days)
	}
}

// TestOfficerIsNamedOnlyByATabletOrADossierCode: an anonymous request naming
// an officer is refused on that field, whether the code exists or not, and
// only after the poster limit, so guessing codes spends its budget.
func TestOfficerIsNamedOnlyByATabletOrADossierCode(t *testing.T) {
	s := newTestServer(t)
	c := place(t, s)
	ctx := context.Background()
	for i, code := range []string{"CB01", "CB99", "CB02", "CB03", "CB04"} {
		rec := postAs(s, "203.0.113.7", body(t, s, map[string]any{"officer": code}), "Accept-Language", "en")
		e := errBody(t, rec)
		if rec.Code != http.StatusUnprocessableEntity || e.Field != "officer" || !strings.Contains(e.Message, "Only a counter tablet") {
			t.Fatalf("anonymous officer %s (#%d): %d %+v", code, i+1, rec.Code, e)
		}
	}
	if rec := postAs(s, "203.0.113.7", body(t, s, map[string]any{"officer": "CB01"})); rec.Code != http.StatusTooManyRequests {
		t.Errorf("sixth guess from one address: %d, want 429: the officer check must come after the poster limit", rec.Code)
	}
	if n, _ := s.DB.CountResponses(ctx); n != 0 {
		t.Errorf("%d responses stored from refused requests", n)
	}

	tok, err := s.Collect.IssueToken(ctx, "CT-01", "HS-7", "CB01", 0)
	if err != nil {
		t.Fatal(err)
	}
	rec := postAs(s, "203.0.113.8", body(t, s, map[string]any{"token": tok.Code, "counter": nil, "officer": "CB01"}))
	if rec.Code != http.StatusUnprocessableEntity || errBody(t, rec).Field != "officer" {
		t.Errorf("dossier code plus an officer from a phone: %d %s", rec.Code, rec.Body)
	}
	id := uuid.Must(uuid.NewV7()).String()
	if rec := postAs(s, "203.0.113.8", body(t, s, map[string]any{"id": id, "token": tok.Code, "counter": nil})); rec.Code != http.StatusCreated {
		t.Fatalf("dossier code: %d %s", rec.Code, rec.Body)
	}
	o, _ := s.DB.OfficerByCode(ctx, "CB01")
	if r, _ := s.DB.ResponseByUID(ctx, id); r.OfficerID != o.ID {
		t.Errorf("dossier code response stored officer %d, want the code's %d", r.OfficerID, o.ID)
	}

	_, token, _, err := s.DB.AddDevice(ctx, c.ID, s.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	id = uuid.Must(uuid.NewV7()).String()
	rec = postAs(s, "203.0.113.9", body(t, s, map[string]any{"id": id, "channel": "kiosk", "counter": nil, "seq": 1, "officer": "CB01"}),
		"Authorization", "Bearer "+token)
	if r, _ := s.DB.ResponseByUID(ctx, id); rec.Code != http.StatusCreated || r == nil || r.OfficerID != o.ID {
		t.Errorf("tablet naming its officer: %d %s", rec.Code, rec.Body)
	}
}

// TestResponsesAPIReadsOnlyJSON: a body not declared as JSON is a localized
// 415 with the usual error body, from anyone; a charset is allowed.
func TestResponsesAPIReadsOnlyJSON(t *testing.T) {
	s := newTestServer(t)
	c := place(t, s)
	_, token, _, err := s.DB.AddDevice(context.Background(), c.ID, s.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		ctype  string
		tablet bool
		status int
	}{
		{"", false, 415},
		{"text/plain", false, 415},
		{"text/plain;charset=UTF-8", false, 415}, // what fetch with mode no-cors sends
		{"application/x-www-form-urlencoded", false, 415},
		{"multipart/form-data; boundary=x", false, 415},
		{"application/json; charset=latin1", false, 415},
		{"application/json; v=2", false, 415},
		{"application/jsonp", false, 415},
		{"text/plain", true, 415}, // tablets too
		{"application/json", false, 201},
		{"application/json; charset=utf-8", false, 201},
		{"Application/JSON; Charset=UTF-8", false, 201},
		{"application/json", true, 201},
	}
	for i, tc := range cases {
		fields, header := map[string]any(nil), []string{"Content-Type", tc.ctype, "Accept-Language", "vi"}
		if tc.tablet {
			fields = map[string]any{"channel": "kiosk", "counter": nil, "seq": i + 1}
			header = append(header, "Authorization", "Bearer "+token)
		}
		rec := postAs(s, "192.0.2."+itoa(int64(100+i)), body(t, s, fields), header...)
		if rec.Code != tc.status {
			t.Errorf("Content-Type %q (tablet %v): %d, want %d: %s", tc.ctype, tc.tablet, rec.Code, tc.status, rec.Body)
			continue
		}
		if tc.status == 415 {
			e := errBody(t, rec)
			if e.Code != "unsupported_media_type" || !strings.Contains(e.Message, "JSON") || strings.HasPrefix(e.Message, "error.") {
				t.Errorf("Content-Type %q: error %+v", tc.ctype, e)
			}
		}
	}
	en := errBody(t, postAs(s, "192.0.2.99", body(t, s, nil), "Content-Type", "text/plain", "Accept-Language", "en"))
	if !strings.Contains(en.Message, "must be sent as JSON") {
		t.Errorf("English 415 message %q", en.Message)
	}
}

// TestResponsesFromAnotherSiteAreRefused: a page on another site cannot make
// a visitor's browser rate; the server's own origin, clients that send no
// Origin or Referer, and tablets are not refused.
func TestResponsesFromAnotherSiteAreRefused(t *testing.T) {
	s := newTestServer(t)
	c := place(t, s)
	ctx := context.Background()
	_, token, _, err := s.DB.AddDevice(ctx, c.ID, s.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		header []string
		status int
	}{
		{"another site's Origin", []string{"Origin", "https://evil.example"}, 403},
		{"an opaque Origin", []string{"Origin", "null"}, 403},
		{"another site's Referer", []string{"Referer", "https://evil.example/trang.html"}, 403},
		{"a look-alike host", []string{"Origin", "http://example.test.evil.example"}, 403},
		{"our base URL on another scheme", []string{"Origin", "https://example.test"}, 201}, // the host asked is ours
		{"Origin wins over Referer", []string{"Origin", "https://evil.example", "Referer", "http://example.test/q/CT-01"}, 403},
		{"our base URL", []string{"Origin", "http://example.test"}, 201},
		{"our own page as Referer", []string{"Referer", "http://example.test/q/CT-01"}, 201},
		{"the host it was asked under", []string{"Host", "sipas.local:8080", "Origin", "http://sipas.local:8080"}, 201},
		{"no Origin, no Referer", nil, 201},
		{"a tablet, whatever its Origin", []string{"Origin", "https://evil.example", "Authorization", "Bearer " + token}, 201},
	}
	for i, tc := range cases {
		fields := map[string]any(nil)
		if slices.Contains(tc.header, "Authorization") {
			fields = map[string]any{"channel": "kiosk", "counter": nil, "seq": i + 1}
		}
		rec := postAs(s, "192.0.2."+itoa(int64(10+i)), body(t, s, fields), append([]string{"Accept-Language", "vi"}, tc.header...)...)
		if rec.Code != tc.status {
			t.Errorf("%s: %d, want %d: %s", tc.name, rec.Code, tc.status, rec.Body)
			continue
		}
		if tc.status == 403 {
			if e := errBody(t, rec); e.Code != "forbidden" || !strings.Contains(e.Message, "trang web khác") {
				t.Errorf("%s: error %+v", tc.name, e)
			}
		}
	}
	if n, _ := s.DB.CountResponses(ctx); n != 6 {
		t.Errorf("%d responses stored, want the 6 accepted", n)
	}
}

// TestImplausibleSequenceNumbersAreFlaggedNotCounted: a tablet's seq below 1
// or more than 100,000 beyond its last is stored and flagged, counts in the
// scores, and never moves the devices page's "missing" figure.
func TestImplausibleSequenceNumbersAreFlaggedNotCounted(t *testing.T) {
	s, admin := adminSetup(t)
	ctx := context.Background()
	clock := s.Clock.(*testClock)
	c, _ := s.DB.CounterByCode(ctx, "CT-01")
	dev, token, _, err := s.DB.AddDevice(ctx, c.ID, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	send := func(seq int64) []string {
		t.Helper()
		clock.Add(11 * time.Second) // past the repeat gap and the 10 s device cache
		id := uuid.Must(uuid.NewV7()).String()
		b := body(t, s, map[string]any{"id": id, "channel": "kiosk", "counter": nil, "seq": seq, "answered_at": nil})
		if seq == 0 {
			var m map[string]any
			json.Unmarshal([]byte(b), &m)
			delete(m, "seq")
			raw, _ := json.Marshal(m)
			b = string(raw)
		}
		if rec := postAs(s, "192.0.2.50", b, "Authorization", "Bearer "+token); rec.Code != http.StatusCreated {
			t.Fatalf("seq %d: %d %s", seq, rec.Code, rec.Body)
		}
		r, err := s.DB.ResponseByUID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Excluded {
			t.Errorf("seq %d: excluded; a sequence fault is the tablet's, the answers are a citizen's", seq)
		}
		return r.Flags
	}
	missing := func() int64 {
		t.Helper()
		list, err := s.DB.DeviceList(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range list {
			if d.ID == dev.ID {
				return d.Missing
			}
		}
		t.Fatal("device not listed")
		return 0
	}
	if f := send(1); len(f) != 0 {
		t.Errorf("seq 1: %v", f)
	}
	if f := send(3); len(f) != 0 || missing() != 1 {
		t.Errorf("seq 3 after 1: flags %v, missing %d; want none and 1", f, missing())
	}
	for _, seq := range []int64{9223372036854775807, -5, 0, 3 + collect.MaxSeqJump + 1} {
		if f := send(seq); !slices.Equal(f, []string{collect.FlagSequence}) {
			t.Errorf("seq %d: flags %v, want sequence", seq, f)
		}
		if m := missing(); m != 1 {
			t.Errorf("after seq %d: %d missing, want still 1", seq, m)
		}
	}
	if f := send(3 + collect.MaxSeqJump); len(f) != 0 {
		t.Errorf("seq at the edge of the jump: %v", f)
	}
	d, _ := s.DB.Device(ctx, dev.ID)
	if d.LastSeq != 3+collect.MaxSeqJump || d.SeqCount != 3 {
		t.Errorf("device last %d, count %d", d.LastSeq, d.SeqCount)
	}
	page := admin.get("/admin/flags").Body.String()
	if strings.Count(page, "số thứ tự của máy tại quầy không hợp lý") != 4 {
		t.Errorf("the review list does not name the sequence flag four times:\n%s", page)
	}
	if devices := admin.get("/admin/devices").Body.String(); strings.Contains(devices, "922337") {
		t.Error("the devices page shows the bogus sequence number")
	}
}
