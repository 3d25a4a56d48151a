package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sipas-vn/sipas/server/survey"
	"github.com/sipas-vn/sipas/server/web"
)

// place seeds one agency with one counter and returns the counter.
func place(t *testing.T, s *web.Server) *survey.Counter {
	t.Helper()
	ctx := context.Background()
	a := &survey.Agency{Code: "H17", Name: survey.Text{"vi": "UBND TP Cần Thơ"}, Kind: survey.KindProvincePC, SurveyID: "nhanh"}
	if err := s.DB.CreateAgency(ctx, a, survey.CLI, time.Now()); err != nil {
		t.Fatal(err)
	}
	c := &survey.Counter{IdleSeconds: 45, IdleWarning: 20, AgencyID: a.ID, Code: "CT-01", Number: 1, Name: survey.Text{"vi": "Quầy số 1 – Đất đai"}, Active: true}
	if err := s.DB.CreateCounter(ctx, c, survey.CLI, time.Now()); err != nil {
		t.Fatal(err)
	}
	o := &survey.Officer{AgencyID: a.ID, Code: "CB01", Name: "Nguyễn Văn An", Active: true}
	if err := s.DB.CreateOfficer(ctx, o, survey.CLI, time.Now()); err != nil {
		t.Fatal(err)
	}
	return c
}

func post(t *testing.T, s *web.Server, path, body string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = "192.0.2.10:5555"
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

// body builds a submission; fields override the defaults (nil deletes one).
func body(t *testing.T, s *web.Server, fields map[string]any) string {
	t.Helper()
	d, _ := s.Surveys.Get("nhanh")
	m := map[string]any{
		"id": uuid.Must(uuid.NewV7()).String(), "survey": "nhanh", "version": d.Version, "channel": "qr",
		"counter": "CT-01", "lang": "vi", "answered_at": "2026-11-27T08:59:00+07:00",
		"answers": map[string]any{"HL": 4},
	}
	for k, v := range fields {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func errBody(t *testing.T, rec *httptest.ResponseRecorder) web.APIErrorBody {
	t.Helper()
	var e web.APIError
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
		t.Fatalf("error body %q: %v", rec.Body, err)
	}
	return e.Error
}

func TestSubmitAnswersEveryStatusOfTheContract(t *testing.T) {
	s := newTestServer(t)
	place(t, s)
	ctx := context.Background()
	dev, token, _, err := s.DB.AddDevice(ctx, 1, s.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	revoked, revokedToken, _, _ := s.DB.AddDevice(ctx, 1, s.Clock.Now())
	s.DB.RevokeDevice(ctx, revoked.ID, survey.CLI, s.Clock.Now())
	id := uuid.Must(uuid.NewV7()).String()
	first := body(t, s, map[string]any{"id": id})
	long := strings.Repeat("ý", 1001)

	cases := []struct {
		name   string
		body   string
		header []string
		status int
		code   string
		field  string
	}{
		{"accepted", first, nil, 201, "", ""},
		{"retry of the same response", first, nil, 200, "", ""},
		{"same id, other content", body(t, s, map[string]any{"id": id, "answers": map[string]any{"HL": 2}}), nil, 409, "conflict", "id"},
		{"unknown item", body(t, s, map[string]any{"answers": map[string]any{"XX9": 4}}), nil, 422, "invalid", "answers.XX9"},
		{"off the scale", body(t, s, map[string]any{"answers": map[string]any{"HL": 7}}), nil, 422, "invalid", "answers.HL"},
		{"wrong type", body(t, s, map[string]any{"answers": map[string]any{"HL": "bốn"}}), nil, 422, "invalid", "answers.HL"},
		{"unknown option", body(t, s, map[string]any{"answers": map[string]any{"HL": 2, "LYDO": []string{"nope"}}}), nil, 422, "invalid", "answers.LYDO"},
		{"follow-up not shown", body(t, s, map[string]any{"answers": map[string]any{"HL": 5, "LYDO": []string{"cho_lau"}}}), nil, 422, "invalid", "answers.LYDO"},
		{"no answers", body(t, s, map[string]any{"answers": map[string]any{}}), nil, 422, "invalid", "answers"},
		{"comment too long", body(t, s, map[string]any{"comment": long}), nil, 422, "invalid", "comment"},
		{"unknown survey", body(t, s, map[string]any{"survey": "khac"}), nil, 422, "invalid", "survey"},
		{"unknown version", body(t, s, map[string]any{"version": "0000000000000000"}), nil, 422, "invalid", "version"},
		{"unknown counter", body(t, s, map[string]any{"counter": "NOPE"}), nil, 422, "invalid", "counter"},
		{"no counter", body(t, s, map[string]any{"counter": nil}), nil, 422, "invalid", "counter"},
		{"bad id", body(t, s, map[string]any{"id": "123"}), nil, 422, "invalid", "id"},
		{"bad channel", body(t, s, map[string]any{"channel": "fax"}), nil, 422, "invalid", "channel"},
		{"bad time", body(t, s, map[string]any{"answered_at": "hôm qua"}), nil, 422, "invalid", "answered_at"},
		{"unknown officer", body(t, s, map[string]any{"officer": "CB99"}), nil, 422, "invalid", "officer"},
		{"malformed JSON", `{"id": `, nil, 400, "malformed", ""},
		{"unknown field", strings.Replace(first, `"lang"`, `"language"`, 1), nil, 400, "malformed", ""},
		{"trailing data", first + "{}", nil, 400, "malformed", ""},
		{"kiosk without a device", body(t, s, map[string]any{"channel": "kiosk"}), nil, 401, "unauthorized", ""},
		{"bad device token", body(t, s, map[string]any{"channel": "kiosk"}), []string{"Authorization", "Bearer nope"}, 401, "unauthorized", ""},
		{"revoked device", body(t, s, map[string]any{"channel": "kiosk"}), []string{"Authorization", "Bearer " + revokedToken}, 403, "forbidden", ""},
		{"paper without a user", body(t, s, map[string]any{"channel": "paper"}), nil, 403, "forbidden", ""},
		{"kiosk with its token", body(t, s, map[string]any{"channel": "kiosk", "counter": nil, "seq": 1}), []string{"Authorization", "Bearer " + token}, 201, "", ""},
		{"device sending as qr", body(t, s, map[string]any{"channel": "qr"}), []string{"Authorization", "Bearer " + token}, 422, "invalid", "channel"},
		{"oversized body", body(t, s, map[string]any{"comment": strings.Repeat("x", 70<<10)}), nil, 413, "too_large", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := post(t, s, "/api/v1/responses", tc.body, append([]string{"Accept-Language", "vi"}, tc.header...)...)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.code == "" {
				var ok map[string]string
				json.Unmarshal(rec.Body.Bytes(), &ok)
				if ok["status"] != "accepted" || ok["id"] == "" {
					t.Errorf("body %s", rec.Body)
				}
				return
			}
			e := errBody(t, rec)
			if e.Code != tc.code || e.Field != tc.field || e.Message == "" || strings.HasPrefix(e.Message, "error.") {
				t.Errorf("error %+v, want code %s field %q and a translated message", e, tc.code, tc.field)
			}
		})
	}
	if dev.ID == 0 {
		t.Fatal("no device")
	}
	// Only the two accepted responses are stored.
	if n, _ := s.DB.CountResponses(ctx); n != 2 {
		t.Errorf("%d rows stored, want 2", n)
	}
	d, _ := s.DB.Device(ctx, dev.ID)
	if d.LastSeq != 1 || d.SeqCount != 1 {
		t.Errorf("device seq %d/%d, want 1/1", d.LastSeq, d.SeqCount)
	}
}

func TestMessagesAreLocalized(t *testing.T) {
	s := newTestServer(t)
	place(t, s)
	b := body(t, s, map[string]any{"comment": strings.Repeat("a", 1001)})
	vi := errBody(t, post(t, s, "/api/v1/responses", b, "Accept-Language", "vi"))
	en := errBody(t, post(t, s, "/api/v1/responses", b, "Accept-Language", "en"))
	if !strings.Contains(vi.Message, "1.000 ký tự") || !strings.Contains(en.Message, "1,000") || vi.Message == en.Message {
		t.Errorf("vi %q / en %q", vi.Message, en.Message)
	}
}

func TestMonthFollowsTheCitizensTimeInHoChiMinh(t *testing.T) {
	s := newTestServer(t)
	c := place(t, s)
	ctx := context.Background()
	// A tablet paired in September: its own clock counts, under the clock rule.
	_, token, _, err := s.DB.AddDevice(ctx, c.ID, time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	s.Clock.(*testClock).Set(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	cases := []struct {
		answered string
		month    string
		flag     bool
	}{
		{"2026-10-31T17:30:00Z", "2026-11", false}, // 00:30 on 1 November in Asia/Ho_Chi_Minh
		{"2026-10-31T16:59:59Z", "2026-10", false}, // still 31 October there
		{"2025-01-01T00:00:00Z", "2026-11", true},  // a tablet clock years off: the server's time counts
		{"2026-12-25T00:00:00Z", "2026-11", true},  // in the future
	}
	for i, tc := range cases {
		id := uuid.Must(uuid.NewV7()).String()
		rec := post(t, s, "/api/v1/responses", body(t, s, map[string]any{"id": id, "answered_at": tc.answered,
			"channel": "kiosk", "counter": nil, "seq": i + 1}), "Authorization", "Bearer "+token)
		if rec.Code != 201 {
			t.Fatalf("%s: %d %s", tc.answered, rec.Code, rec.Body)
		}
		r, err := s.DB.ResponseByUID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		hasClock := strings.Contains(strings.Join(r.Flags, ","), "clock")
		if r.Month != tc.month || hasClock != tc.flag {
			t.Errorf("%s: month %s flags %v, want %s clock=%v", tc.answered, r.Month, r.Flags, tc.month, tc.flag)
		}
	}
}

func TestOneTimeCodeWorksOnce(t *testing.T) {
	s := newTestServer(t)
	place(t, s)
	ctx := context.Background()
	k, key, _ := s.DB.CreateAPIKey(ctx, "một cửa", []string{"tokens"}, 0, survey.CLI, s.Clock.Now())
	_, scoresKey, _ := s.DB.CreateAPIKey(ctx, "bi", []string{"scores"}, 0, survey.CLI, s.Clock.Now())
	if k == nil {
		t.Fatal("no key")
	}
	if rec := post(t, s, "/api/v1/tokens", `{"counter":"CT-01","dossier":"HS-001"}`, "Authorization", "Bearer "+scoresKey); rec.Code != 403 {
		t.Errorf("key without the tokens scope: %d", rec.Code)
	}
	if rec := post(t, s, "/api/v1/tokens", `{"counter":"CT-01","dossier":"HS-001"}`); rec.Code != 401 {
		t.Errorf("no key: %d", rec.Code)
	}
	if rec := post(t, s, "/api/v1/tokens", `{"counter":"CT-01","dossier":""}`, "Authorization", "Bearer "+key); rec.Code != 422 {
		t.Errorf("empty dossier: %d", rec.Code)
	}
	rec := post(t, s, "/api/v1/tokens", `{"counter":"CT-01","dossier":"HS-001","officer":"CB01"}`, "Authorization", "Bearer "+key)
	if rec.Code != 201 {
		t.Fatalf("issue: %d %s", rec.Code, rec.Body)
	}
	var tok web.TokenResponse
	json.Unmarshal(rec.Body.Bytes(), &tok)
	if len(tok.Code) != 16 || tok.URL != "http://example.test/t/"+tok.Code {
		t.Fatalf("token %+v", tok)
	}
	for _, f := range []string{"qr.png", "qr.svg"} {
		if rec := get(t, s, "/T/"+tok.Code+"/"+f); rec.Code != 200 {
			t.Errorf("%s: %d", f, rec.Code)
		}
	}
	first := body(t, s, map[string]any{"token": tok.Code, "counter": nil})
	if rec := post(t, s, "/api/v1/responses", first); rec.Code != 201 {
		t.Fatalf("first use: %d %s", rec.Code, rec.Body)
	}
	if rec := post(t, s, "/api/v1/responses", first); rec.Code != 200 {
		t.Errorf("retry of the first use: %d", rec.Code)
	}
	second := body(t, s, map[string]any{"token": tok.Code, "counter": nil})
	rec = post(t, s, "/api/v1/responses", second)
	if rec.Code != 409 || !strings.Contains(errBody(t, rec).Message, "đã được đánh giá") {
		t.Errorf("second use: %d %s", rec.Code, rec.Body)
	}
	forged := body(t, s, map[string]any{"token": "AAAAAAAAAAAAAAAA", "counter": nil})
	if rec := post(t, s, "/api/v1/responses", forged); rec.Code != 422 || errBody(t, rec).Field != "token" {
		t.Errorf("forged code: %d %s", rec.Code, rec.Body)
	}
	var r map[string]any
	json.Unmarshal([]byte(first), &r)
	stored, _ := s.DB.ResponseByUID(ctx, r["id"].(string))
	if stored.Dossier != "HS-001" || stored.OfficerID == 0 {
		t.Errorf("stored response lacks dossier or officer: %+v", stored)
	}
}

func TestPosterRateLimitButNeverForTablets(t *testing.T) {
	s := newTestServer(t)
	place(t, s)
	for i := range 5 {
		if rec := post(t, s, "/api/v1/responses", body(t, s, nil)); rec.Code != 201 {
			t.Fatalf("poster response %d: %d", i, rec.Code)
		}
	}
	rec := post(t, s, "/api/v1/responses", body(t, s, nil))
	if rec.Code != 429 || rec.Header().Get("Retry-After") == "" {
		t.Errorf("sixth poster response: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	// A tablet flushing a day offline: hundreds at once, all accepted.
	_, token, _, _ := s.DB.AddDevice(context.Background(), 1, s.Clock.Now())
	for i := range 300 {
		b := body(t, s, map[string]any{"channel": "kiosk", "counter": nil, "seq": i + 1,
			"answered_at": s.Clock.Now().Add(-time.Duration(300-i) * time.Minute).Format(time.RFC3339)})
		if rec := post(t, s, "/api/v1/responses", b, "Authorization", "Bearer "+token); rec.Code != 201 {
			t.Fatalf("tablet response %d: %d %s", i, rec.Code, rec.Body)
		}
	}
}

func TestConcurrentRetriesStoreEachResponseOnce(t *testing.T) {
	s := newTestServer(t)
	place(t, s)
	ctx := context.Background()
	_, token, _, _ := s.DB.AddDevice(ctx, 1, s.Clock.Now())
	const ids, tries = 200, 4
	bodies := make([]string, ids)
	for i := range bodies {
		bodies[i] = body(t, s, map[string]any{"channel": "kiosk", "counter": nil, "seq": i + 1})
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < ids*tries; i += 16 {
				req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/responses", bytes.NewBufferString(bodies[i%ids]))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				mu.Lock()
				codes[resp.StatusCode]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if codes[201] != ids || codes[200] != ids*(tries-1) || len(codes) != 2 {
		t.Errorf("status counts %v, want %d×201 and %d×200", codes, ids, ids*(tries-1))
	}
	uids, _ := s.DB.ResponseUIDs(ctx)
	if len(uids) != ids {
		t.Errorf("%d rows, want %d", len(uids), ids)
	}
	seen := map[string]bool{}
	for _, u := range uids {
		if seen[u] {
			t.Errorf("uid %s twice", u)
		}
		seen[u] = true
	}
	if err := s.DB.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
	var flagged int
	for _, u := range uids {
		r, _ := s.DB.ResponseByUID(ctx, u)
		if len(r.Flags) > 0 {
			flagged++
		}
	}
	// All 200 answered at the same instant on one tablet: the repeat rule flags all but the first.
	if flagged < ids-5 {
		t.Errorf("only %d of %d identical, simultaneous responses flagged", flagged, ids)
	}
	_ = fmt.Sprint
}

func TestFailedAuthNeverBlocksAPairedTablet(t *testing.T) {
	s := newTestServer(t)
	place(t, s)
	_, token, _, _ := s.DB.AddDevice(context.Background(), 1, s.Clock.Now())
	var last int
	for range 12 {
		last = post(t, s, "/api/v1/responses", body(t, s, map[string]any{"channel": "kiosk", "counter": nil}), "Authorization", "Bearer wrong").Code
	}
	if last != 429 {
		t.Errorf("12th wrong token: %d, want 429", last)
	}
	ok := post(t, s, "/api/v1/responses", body(t, s, map[string]any{"channel": "kiosk", "counter": nil, "seq": 1}), "Authorization", "Bearer "+token)
	if ok.Code != 201 {
		t.Errorf("paired tablet behind the same address: %d %s", ok.Code, ok.Body)
	}
}

func TestForwardedForIsOnlyBelievedFromALocalProxy(t *testing.T) {
	s := newTestServer(t)
	place(t, s)
	// A client that is not a local proxy cannot dodge the poster limit by naming new addresses.
	codes := map[int]int{}
	for i := range 8 {
		rec := post(t, s, "/api/v1/responses", body(t, s, nil), "X-Forwarded-For", "203.0.113."+strconv.Itoa(i))
		codes[rec.Code]++
	}
	if codes[429] == 0 {
		t.Errorf("X-Forwarded-For from a remote client was believed: %v", codes)
	}
}
