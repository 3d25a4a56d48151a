package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// walk gets and posts every page from first to the thank-you page, sending
// the same values to each (a page reads only its own questions), and
// returns the bodies of the pages on the way.
func (env *formEnv) walk(t *testing.T, first string, values url.Values, header ...string) (pages []string, done string) {
	t.Helper()
	loc := first
	for range 20 {
		pages = append(pages, env.page(t, loc, header...))
		loc = env.post(t, loc, values, header...)
		if strings.HasSuffix(loc, "/done") {
			return pages, loc
		}
	}
	t.Fatalf("no thank-you page after 20 pages from %s", first)
	return nil, ""
}

func TestPosterSurveyEndToEndWithoutJavaScript(t *testing.T) {
	env := newFormEnv(t, 5)
	values := url.Values{"action": {"next"}, "TC1": {"4"}, "TC2": {"5"}, "TC3": {"na"}, "TT1": {"2"}, "CC5": {"1"},
		"KQ3": {"3"}, "PA1": {"4"}, "PHIENHA_DP": {"khong_co"}, "UT11": {"rat_nhieu"}, "GT": {"nu"}, "TUOI": {"tren60"},
		"comment": {"Cán bộ nhiệt tình."}}
	// QR codes carry the URL upper-cased.
	pages, done := env.walk(t, "/Q/"+formSIPAS, values)

	wantHeadings := []string{"Khảo sát sự hài lòng về sự phục vụ hành chính", "Phần 1/5: Tiếp cận dịch vụ",
		"Phần 2/5: Thủ tục hành chính", "Phần 3/5: Công chức trực tiếp giải quyết công việc",
		"Phần 4/5: Kết quả giải quyết thủ tục hành chính", "Phần 5/5: Tiếp nhận, xử lý phản ánh, kiến nghị",
		"Tính liêm chính (không bắt buộc)", "Nội dung cần ưu tiên cải thiện (không bắt buộc)",
		"Thông tin về người trả lời (không bắt buộc)", "Ý kiến khác (không bắt buộc)"}
	if len(pages) != len(wantHeadings) {
		t.Fatalf("%d pages, want %d", len(pages), len(wantHeadings))
	}
	titles := map[string]bool{}
	for i, p := range pages {
		if !strings.Contains(p, wantHeadings[i]) {
			t.Errorf("page %d lacks %q:\n%s", i, wantHeadings[i], formText(p))
		}
		title := formTitleOf(p)
		if titles[title] || !strings.HasSuffix(title, " – Đánh giá sự hài lòng") {
			t.Errorf("page %d title %q is not unique or lacks the suffix", i, title)
		}
		titles[title] = true
		// The first page keeps citizens in the form: no way back to the
		// system overview; every later page goes back with a real href.
		if back := strings.Contains(p, `class="f-back-link" href="/f/`); back != (i > 0) {
			t.Errorf("page %d: back link into the form %v, want %v", i, back, i > 0)
		}
		if strings.Contains(p, `href="/"`) || strings.Contains(p, `href="/?`) {
			t.Errorf("page %d links to the system overview", i)
		}
		// The start page announces 9 pages; each then says which one it is.
		counter := fmt.Sprintf(`<p class="f-counter" id="page-counter">Trang %d/9</p>`, i)
		if i > 0 && !strings.Contains(p, counter) {
			t.Errorf("page %d lacks %q:\n%s", i, counter, formText(p))
		}
	}
	if !strings.Contains(pages[0], "9 trang") {
		t.Errorf("start page does not announce 9 pages:\n%s", formText(pages[0]))
	}
	// The results page carries the form's note, so that a refused applicant
	// does not take "not applicable".
	if !strings.Contains(pages[4], "<p>(Có thể là được cấp giấy tờ hoặc bị từ chối cấp giấy tờ)</p>") {
		t.Errorf("results page lacks the official note:\n%s", formText(pages[4]))
	}
	if !titles["Phần 2/5 – Đánh giá sự hài lòng"] {
		t.Errorf("titles %v lack Phần 2/5", titles)
	}
	if !strings.Contains(pages[0], "Khoảng 5 phút") || !strings.Contains(pages[0], "Quầy số 1 – Đất đai") {
		t.Errorf("start page lacks the time estimate or the counter:\n%s", formText(pages[0]))
	}
	thanks := env.page(t, done)
	for _, want := range []string{"Đã gửi đánh giá", "Cảm ơn Ông/Bà. Ông/Bà có thể đóng trang này."} {
		if !strings.Contains(thanks, want) {
			t.Errorf("thank-you page lacks %q", want)
		}
	}
	if strings.Contains(formText(thanks), "%") {
		t.Error("the thank-you page shows a score")
	}

	rs := env.responses(t)
	if len(rs) != 1 {
		t.Fatalf("%d responses, want 1", len(rs))
	}
	r := rs[0]
	want := `{"CC5":1,"GT":"nu","KQ3":3,"PA1":4,"PHIENHA_DP":"khong_co","TC1":4,"TC2":5,"TC3":null,"TT1":2,"TUOI":"tren60","UT11":"rat_nhieu"}`
	if got := answersOf(r); got != want || r.Channel != "qr" || r.Partial || r.SurveyID != "sipas-dv-2023" ||
		r.Comment != "Cán bộ nhiệt tình." || r.Lang != "vi" || r.AnsweredAt == nil || r.Dossier != "" {
		t.Errorf("stored %s channel=%s partial=%v survey=%s comment=%q lang=%s", got, r.Channel, r.Partial, r.SurveyID, r.Comment, r.Lang)
	}
	c, _ := env.s.DB.CounterByCode(context.Background(), formSIPAS)
	if r.CounterID != c.ID {
		t.Errorf("counter %d, want %d", r.CounterID, c.ID)
	}
	// Back after sending: every page of the draft now thanks, and changes nothing.
	draft := strings.TrimSuffix(done, "done")
	if rec := env.do(t, http.MethodGet, draft+"3", nil); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != done {
		t.Errorf("a page of a sent draft: %d → %s", rec.Code, rec.Header().Get("Location"))
	}
}

func TestQuickRatingWithAndWithoutTheFollowUp(t *testing.T) {
	cases := []struct {
		name     string
		first    url.Values
		followup url.Values // nil: no follow-up page expected
		want     string
		comment  string
	}{
		{"satisfied goes straight to thanks", url.Values{"HL": {"5"}}, nil, `{"HL":5}`, ""},
		{"no answer / not applicable", url.Values{"HL": {"na"}}, nil, `{"HL":null}`, ""},
		{"dissatisfied says why", url.Values{"HL": {"2"}},
			url.Values{"action": {"next"}, "LYDO": {"cho_lau", "thai_do"}, "comment": {"Chờ 2 tiếng."}},
			`{"HL":2,"LYDO":["cho_lau","thai_do"]}`, "Chờ 2 tiếng."},
		{"dissatisfied skips the follow-up", url.Values{"HL": {"3"}},
			url.Values{"action": {"skip"}, "LYDO": {"tre_hen"}, "comment": {"bỏ qua"}}, `{"HL":3}`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newFormEnv(t, 5)
			first := env.page(t, "/q/"+formQuick)
			if !strings.Contains(first, "<h1>Ông/Bà có hài lòng với sự phục vụ hôm nay không?</h1>") ||
				strings.Count(first, `type="radio"`) != 6 || !strings.Contains(first, "hoặc") ||
				!strings.Contains(first, "Không trả lời / Không áp dụng") || strings.Contains(first, " checked") {
				t.Fatalf("quick page is not one question with five faces, hoặc and NA, none pre-selected:\n%s", formText(first))
			}
			loc := env.post(t, "/q/"+formQuick, tc.first)
			if tc.followup == nil {
				if !strings.HasSuffix(loc, "/done") {
					t.Fatalf("answer %v led to %s, not the thanks", tc.first, loc)
				}
			} else {
				p := env.page(t, loc)
				if !strings.Contains(p, "Điều gì khiến Ông/Bà chưa hài lòng?") || strings.Count(p, `type="checkbox"`) != 6 ||
					!strings.Contains(p, `id="comment"`) || !strings.Contains(p, "Bỏ qua") {
					t.Fatalf("follow-up page:\n%s", formText(p))
				}
				if loc = env.post(t, loc, tc.followup); !strings.HasSuffix(loc, "/done") {
					t.Fatalf("follow-up led to %s", loc)
				}
			}
			rs := env.responses(t)
			if len(rs) != 1 || answersOf(rs[0]) != tc.want || rs[0].Comment != tc.comment || rs[0].SurveyID != "nhanh" {
				t.Fatalf("stored %d responses, first %s %q", len(rs), answersOf(rs[0]), rs[0].Comment)
			}
		})
	}
}

func TestUntouchedFormStoresNothing(t *testing.T) {
	env := newFormEnv(t, 5)
	if loc := env.post(t, "/q/"+formQuick, url.Values{"action": {"next"}}); !strings.HasSuffix(loc, "/done") {
		t.Fatalf("led to %s", loc)
	}
	if rs := env.responses(t); len(rs) != 0 {
		t.Errorf("an untouched form stored %d responses", len(rs))
	}
}

func TestOneTimeCodeRatesItsDossierOnce(t *testing.T) {
	env := newFormEnv(t, 5)
	ctx := context.Background()
	tok, err := env.s.Collect.IssueToken(ctx, formND61, "HS-001", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	first := "/T/" + tok.Code
	// A second tab opened on the same receipt before the first one sends.
	other := env.post(t, first, url.Values{"action": {"next"}})
	values := url.Values{"ND1": {"2"}, "ND2": {"1"}, "ND7": {"0"}, "ND9": {"na"}, "comment": {"Nhanh gọn."}}
	pages, _ := env.walk(t, first, values)
	if len(pages) != 3 || !strings.Contains(pages[1], "<h1>Chín tiêu chí đánh giá</h1>") ||
		!strings.Contains(pages[1], "Sớm hơn hạn") || !strings.Contains(pages[1], "Không dùng dịch vụ công trực tuyến") {
		t.Fatalf("NĐ 61 pages: %d; element page:\n%s", len(pages), formText(pages[1]))
	}
	rs := env.responses(t)
	if len(rs) != 1 || rs[0].Dossier != "HS-001" || answersOf(rs[0]) != `{"ND1":2,"ND2":1,"ND7":0,"ND9":null}` || rs[0].Channel != "qr" {
		t.Fatalf("stored %d; first %+v", len(rs), rs[0])
	}

	for _, path := range []string{first, "/t/" + strings.ToLower(tok.Code)} {
		rec := env.do(t, http.MethodGet, path, nil)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Hồ sơ này đã được đánh giá. Cảm ơn Ông/Bà.") ||
			strings.Contains(rec.Body.String(), "<form") {
			t.Errorf("%s used again: %d\n%s", path, rec.Code, formText(rec.Body.String()))
		}
	}
	// The other tab finishes: the code is spent, it is told so, nothing more is stored.
	loc := env.post(t, other, values)
	rec := env.do(t, http.MethodPost, loc, values)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Hồ sơ này đã được đánh giá") {
		t.Errorf("second tab: %d\n%s", rec.Code, formText(rec.Body.String()))
	}
	if rs := env.responses(t); len(rs) != 1 {
		t.Errorf("%d responses after a second use, want 1", len(rs))
	}
}

func TestExpiredAndForgedCodes(t *testing.T) {
	env := newFormEnv(t, 5)
	tok, err := env.s.Collect.IssueToken(context.Background(), formSIPAS, "HS-002", "", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	grouped := strings.ToLower(tok.Code[:4] + "-" + tok.Code[4:8] + " " + tok.Code[8:])
	if rec := env.do(t, http.MethodGet, "/t?code="+url.QueryEscape(grouped), nil); rec.Code != http.StatusSeeOther ||
		rec.Header().Get("Location") != "/t/"+tok.Code {
		t.Errorf("typed code: %d → %q", rec.Code, rec.Header().Get("Location"))
	}
	env.clock.Add(2 * time.Hour)
	cases := []struct {
		path   string
		status int
		want   string
		errors bool
	}{
		{"/t/" + tok.Code, http.StatusOK, "Đã hết thời hạn đánh giá cho hồ sơ này. Cảm ơn Ông/Bà.", false},
		{"/T/ABCDEFGHJKMNPQRS", http.StatusNotFound, "Ông/Bà vui lòng nhập mã hồ sơ in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.", true},
		{"/t/short", http.StatusNotFound, `action="/t"`, true},
		{"/t", http.StatusOK, `name="code"`, false},
		{"/T?code=NOT-A-CODE", http.StatusUnprocessableEntity, `value="NOT-A-CODE"`, true},
		// A too-short code is told what is wrong, not only that it is wrong.
		{"/t?code=abc", http.StatusUnprocessableEntity, "Mã hồ sơ có 16 chữ và số, Ông/Bà mới nhập 3.", true},
		{"/q/NO-SUCH-COUNTER", http.StatusNotFound, "Không tìm thấy quầy này.", false},
	}
	for _, tc := range cases {
		rec := env.do(t, http.MethodGet, tc.path, nil)
		b := rec.Body.String()
		if rec.Code != tc.status || !strings.Contains(b, tc.want) {
			t.Errorf("%s: %d, want %d with %q\n%s", tc.path, rec.Code, tc.status, tc.want, formText(b))
		}
		hasSummary := strings.Contains(b, "Có thông tin cần kiểm tra lại") && strings.Contains(b, `<a href="#code">`) &&
			strings.HasPrefix(formTitleOf(b), "Lỗi: ")
		if hasSummary != tc.errors {
			t.Errorf("%s: error summary shown = %v, want %v", tc.path, hasSummary, tc.errors)
		}
	}
	if rs := env.responses(t); len(rs) != 0 {
		t.Errorf("%d responses stored", len(rs))
	}
}
