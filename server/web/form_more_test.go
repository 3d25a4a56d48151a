package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
	"github.com/sipas-vn/sipas/server/web"
)

func TestOverlongCommentShowsTheErrorAndKeepsTheAnswers(t *testing.T) {
	env := newFormEnv(t, 5)
	loc := env.post(t, "/q/"+formQuick, url.Values{"HL": {"1"}})
	long := strings.Repeat("ờ", 1001)
	rec := env.do(t, http.MethodPost, loc, url.Values{"action": {"next"}, "LYDO": {"phien_ha"}, "comment": {long}})
	b := rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("status %d\n%s", rec.Code, formText(b))
	}
	main := b[strings.Index(b, `<main id="main"`):]
	for _, want := range []string{
		`<div class="f-error-summary"`, "Có thông tin cần kiểm tra lại",
		`<a href="#comment">Ý kiến khác tối đa 1.000 ký tự. Ông/Bà vui lòng rút gọn.</a>`,
		`<span class="f-vh">Lỗi:</span> Ý kiến khác tối đa 1.000 ký tự. Ông/Bà vui lòng rút gọn.`,
		`value="phien_ha" checked`, long + "</textarea>",
	} {
		if !strings.Contains(main, want) {
			t.Errorf("error page lacks %.80q", want)
		}
	}
	if first := strings.Index(main, "<div"); first != strings.Index(main, `<div class="f-error-summary"`) {
		t.Error("the error summary is not the first thing in <main>")
	}
	if title := formTitleOf(b); !strings.HasPrefix(title, "Lỗi: ") {
		t.Errorf("title %q lacks the error prefix", title)
	}
	if rs := env.responses(t); len(rs) != 0 {
		t.Errorf("%d responses stored from a page with errors", len(rs))
	}
	// Shortened, it goes through, with the answers of both pages.
	if loc := env.post(t, loc, url.Values{"LYDO": {"phien_ha"}, "comment": {long[:30]}}); !strings.HasSuffix(loc, "/done") {
		t.Fatalf("led to %s", loc)
	}
	if rs := env.responses(t); len(rs) != 1 || answersOf(rs[0]) != `{"HL":1,"LYDO":["phien_ha"]}` {
		t.Errorf("stored %v", rs)
	}
}

func TestForgedAnswerIsReportedOnItsField(t *testing.T) {
	env := newFormEnv(t, 5)
	loc := env.post(t, "/q/"+formSIPAS, url.Values{})
	rec := env.do(t, http.MethodPost, loc, url.Values{"TC1": {"4"}, "TC2": {"9"}})
	b := rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(b, `<a href="#q-TC2">`) ||
		!strings.Contains(b, `id="q-TC1-4" name="TC1" type="radio" value="4" checked`) {
		t.Errorf("forged value: %d\n%s", rec.Code, formText(b))
	}
}

func TestLanguageSwitchKeepsTheAnswers(t *testing.T) {
	env := newFormEnv(t, 5)
	p1 := env.post(t, "/q/"+formSIPAS, url.Values{})
	p2 := env.post(t, p1, url.Values{"TC1": {"4"}, "TC4": {"na"}})
	rec := env.do(t, http.MethodGet, p1+"?lang=en", nil)
	b := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(b, "Part 1 of 5: Access to services") || !strings.Contains(b, `<html lang="en">`) ||
		!strings.Contains(b, `value="4" checked`) || !strings.Contains(b, `id="q-TC4-na" name="TC4" type="radio" value="na" checked`) ||
		!strings.Contains(b, "Very satisfied") {
		t.Fatalf("English page 1 lost the answers or the language:\n%s", formText(b))
	}
	cookie := rec.Header().Get("Set-Cookie")
	if !strings.HasPrefix(cookie, "lang=en") || !strings.Contains(cookie, "HttpOnly") {
		t.Errorf("language not remembered: %q", cookie)
	}
	// The pages after the next post stay in English and still hold the answers.
	p2b := env.post(t, p1, url.Values{"TC1": {"4"}, "TC4": {"na"}}, "Cookie", "lang=en")
	if p2b != p2 {
		t.Errorf("next page %s, want %s", p2b, p2)
	}
	if b := env.page(t, p2, "Cookie", "lang=en"); !strings.Contains(b, "Part 2 of 5: Administrative procedures") {
		t.Errorf("page 2 is not in English:\n%s", formText(b))
	}
	env.walk(t, p2, url.Values{"TT1": {"5"}}, "Cookie", "lang=en")
	rs := env.responses(t)
	if len(rs) != 1 || rs[0].Lang != "en" || answersOf(rs[0]) != `{"TC1":4,"TC4":null,"TT1":5}` {
		t.Errorf("stored %d responses: %s", len(rs), answersOf(rs[0]))
	}
}

func TestLastPagePostedTwiceStoresOneResponse(t *testing.T) {
	env := newFormEnv(t, 5)
	loc := env.post(t, "/q/"+formQuick, url.Values{"HL": {"2"}})
	last := url.Values{"LYDO": {"cho_lau"}, "comment": {"Lâu."}}
	var wg sync.WaitGroup
	locs := make([]string, 3)
	for i := range locs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := env.do(t, http.MethodPost, loc, last)
			locs[i] = rec.Header().Get("Location")
		}()
	}
	wg.Wait()
	again := env.post(t, loc, last) // the impatient second tap, after the first has gone through
	for _, l := range append(locs, again) {
		if !strings.HasSuffix(l, "/done") {
			t.Errorf("a repeated post led to %q", l)
		}
	}
	if rs := env.responses(t); len(rs) != 1 || answersOf(rs[0]) != `{"HL":2,"LYDO":["cho_lau"]}` {
		t.Fatalf("%d responses after posting the last page 4 times", len(rs))
	}
}

func TestPosterRateLimitShowsAPolitePage(t *testing.T) {
	env := newFormEnv(t, 1)
	env.post(t, "/q/"+formQuick, url.Values{"HL": {"4"}})
	rec := env.do(t, http.MethodPost, "/q/"+formQuick, url.Values{"HL": {"5"}})
	b := rec.Body.String()
	if rec.Code != http.StatusTooManyRequests || !strings.Contains(b, "Ông/Bà vừa gửi đánh giá. Xin thử lại sau ít phút.") ||
		rec.Header().Get("Retry-After") == "" {
		t.Fatalf("rate limited: %d\n%s", rec.Code, formText(b))
	}
	// The answer waits in the draft; a little later the same page goes through.
	back := b[strings.Index(b, `class="f-back-link" href="`)+len(`class="f-back-link" href="`):]
	back = back[:strings.Index(back, `"`)]
	env.clock.Add(2 * time.Minute)
	if loc := env.post(t, back, url.Values{"HL": {"5"}}); !strings.HasSuffix(loc, "/done") {
		t.Fatalf("retry led to %s", loc)
	}
	if rs := env.responses(t); len(rs) != 2 {
		t.Errorf("%d responses, want 2", len(rs))
	}
}

func TestSweepSendsAbandonedDraftsAsPartial(t *testing.T) {
	env := newFormEnv(t, 5)
	ctx := context.Background()
	// Abandoned after the first element: sent as partial.
	p1 := env.post(t, "/q/"+formSIPAS, url.Values{})
	env.post(t, p1, url.Values{"TC1": {"2"}, "TC2": {"na"}})
	answeredAt := env.clock.Now()
	// Abandoned on the start page: nothing to send.
	empty := env.post(t, "/q/"+formSIPAS, url.Values{})
	env.clock.Add(time.Hour)
	// Still being filled in: left alone.
	recent := env.post(t, "/q/"+formQuick, url.Values{"HL": {"1"}})
	env.clock.Add(61 * time.Minute)

	if err := env.s.SweepDrafts(ctx); err != nil {
		t.Fatal(err)
	}
	rs := env.responses(t)
	if len(rs) != 1 {
		t.Fatalf("%d responses after the sweep, want 1", len(rs))
	}
	r := rs[0]
	if !r.Partial || answersOf(r) != `{"TC1":2,"TC2":null}` || r.Channel != "qr" || !r.AnsweredAt.Equal(answeredAt) {
		t.Errorf("swept response: partial=%v %s at %v", r.Partial, answersOf(r), r.AnsweredAt)
	}
	draftOf := func(path string) *survey.Draft {
		d, err := env.s.DB.Draft(ctx, strings.Split(path, "/")[2])
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if d := draftOf(p1); !d.Done() || *d.ResponseUID != r.UID {
		t.Errorf("swept draft not closed with its response")
	}
	if d := draftOf(empty); !d.Done() || *d.ResponseUID != "" {
		t.Errorf("empty draft not closed")
	}
	if d := draftOf(recent); d.Done() {
		t.Errorf("a draft in progress was swept")
	}
	// The citizen comes back: thanks, nothing more stored; a second sweep changes nothing.
	if rec := env.do(t, http.MethodPost, p1, url.Values{"TC1": {"5"}}); rec.Header().Get("Location") == "" ||
		!strings.HasSuffix(rec.Header().Get("Location"), "/done") {
		t.Errorf("late post: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if err := env.s.SweepDrafts(ctx); err != nil {
		t.Fatal(err)
	}
	if rs := env.responses(t); len(rs) != 1 {
		t.Errorf("%d responses after a second sweep", len(rs))
	}
	// A day later the sent drafts are purged.
	env.clock.Add(25 * time.Hour)
	if err := env.s.SweepDrafts(ctx); err != nil {
		t.Fatal(err)
	}
	if rec := env.do(t, http.MethodGet, p1, nil); rec.Code != http.StatusNotFound ||
		!strings.Contains(rec.Body.String(), "Ông/Bà vui lòng quét lại mã QR") {
		t.Errorf("purged draft: %d", rec.Code)
	}
	if rs := env.responses(t); len(rs) != 2 {
		t.Errorf("%d responses: the quick draft abandoned after HL=1 should be sent by now", len(rs))
	}
}

func TestEveryFormPageInBothLanguages(t *testing.T) {
	env := newFormEnv(t, 50)
	tok, err := env.s.Collect.IssueToken(context.Background(), formND61, "HS-9", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"vi", "en"} {
		q := "?lang=" + lang
		paths := []string{"/q/" + formSIPAS + q, "/q/" + formQuick + q, "/t/" + tok.Code + q, "/t" + q, "/t/XYZ" + q, "/f/gone/0" + q}
		p := env.post(t, "/q/"+formSIPAS, url.Values{})
		for i := 1; i <= 9; i++ {
			paths = append(paths, strings.TrimSuffix(p, "1")+itoa(int64(i))+q)
		}
		followup := env.post(t, "/q/"+formQuick, url.Values{"HL": {"1"}})
		done := env.post(t, env.post(t, "/q/"+formQuick, url.Values{"HL": {"2"}}), url.Values{})
		paths = append(paths, followup+q, done+q)
		for _, path := range paths {
			rec := env.do(t, http.MethodGet, path, nil)
			b := rec.Body.String()
			if rec.Code >= 500 || !strings.Contains(b, `<html lang="`+lang+`">`) {
				t.Errorf("%s: %d", path, rec.Code)
			}
			// An untranslated message comes back as its ID.
			if text := formText(b); strings.Contains(text, "form.") || strings.Contains(text, "error.") {
				t.Errorf("%s shows a message ID:\n%s", path, text)
			}
			if strings.Contains(b, " style=") || strings.Contains(b, "<script>") {
				t.Errorf("%s has inline style or script, which the CSP forbids", path)
			}
		}
	}
}

// TestOpenDraftsPerAddressAreLimited: every first page posted keeps a draft
// for hours, so one address may hold only so many open; forms already
// started go on, and other addresses are not affected.
func TestOpenDraftsPerAddressAreLimited(t *testing.T) {
	env := newFormEnv(t, 1000)
	ctx := context.Background()
	c, err := env.s.DB.CounterByCode(ctx, formQuick)
	if err != nil {
		t.Fatal(err)
	}
	var started *survey.Draft
	for range web.MaxOpenDrafts {
		started = &survey.Draft{SurveyID: "nhanh", SurveyVersion: "v", CounterID: c.ID, Lang: "vi", Client: "198.51.100.7"}
		if err := env.s.DB.CreateDraft(ctx, started, env.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	rec := env.do(t, http.MethodPost, "/q/"+formQuick, url.Values{"HL": {"4"}})
	if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), "quá nhiều phiếu đánh giá chưa gửi") {
		t.Errorf("a new form from an address with %d open: %d\n%s", web.MaxOpenDrafts, rec.Code, formText(rec.Body.String()))
	}
	if loc := env.post(t, "/f/"+started.ID+"/0", url.Values{"HL": {"4"}}); loc == "" {
		t.Error("a form already started does not go on")
	}
	req := httptest.NewRequest(http.MethodPost, "/q/"+formQuick, strings.NewReader("HL=4"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = "198.51.100.8:40000"
	other := httptest.NewRecorder()
	env.s.Handler().ServeHTTP(other, req)
	if other.Code != http.StatusSeeOther {
		t.Errorf("another address: %d", other.Code)
	}
}
