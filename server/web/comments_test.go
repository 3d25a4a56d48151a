package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sipas-vn/sipas/server/survey"
	"github.com/sipas-vn/sipas/server/web"
)

var commentFormRE = regexp.MustCompile(`<form method="post" action="(/dashboard/agency/H17\.50/comments/\d+)">`)

// TestCommentsMarkRoundTrip marks a comment handled and back, through the
// real form: post with the session's CSRF token, 303 back to the list, a
// flash message once; without the token, 403 and nothing changes.
func TestCommentsMarkRoundTrip(t *testing.T) {
	f := newDashFixture(t)
	rs := f.sipasReplies("2026-10", 2)
	rs[0].comment, rs[1].comment = "Chờ lâu quá", "Cán bộ nhiệt tình"
	rs[1].at = rs[0].at.Add(time.Hour)
	f.insert(t, "H17.50", survey.DefaultID, rs)
	list := "/dashboard/agency/H17.50/comments?month=2026-10"
	body := f.get(t, "head", list).Body.String()
	m := commentFormRE.FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, "2 ý kiến") {
		t.Fatalf("no mark form on the comments page:\n%.3000s", body)
	}
	if strings.Index(body, "Cán bộ nhiệt tình") > strings.Index(body, "Chờ lâu quá") {
		t.Error("comments are not newest first")
	}
	action := m[1] // the newest: "Cán bộ nhiệt tình"

	if rec := f.post(t, "head", action, url.Values{"handled": {"1"}, "back": {list}}); rec.Code != http.StatusForbidden {
		t.Errorf("mark without CSRF: %d, want 403", rec.Code)
	}
	if rec := f.post(t, "head", action, url.Values{"csrf": {f.csrf["admin"]}, "handled": {"1"}}); rec.Code != http.StatusForbidden {
		t.Errorf("mark with another session's CSRF: %d, want 403", rec.Code)
	}
	if b := f.get(t, "head", list+"&state=handled").Body.String(); !strings.Contains(b, "0 ý kiến") {
		t.Error("a refused post marked the comment")
	}

	rec := f.post(t, "head", action, url.Values{"csrf": {f.csrf["head"]}, "handled": {"1"}, "back": {list + "&state=open"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != list+"&state=open" {
		t.Fatalf("mark: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	var flash *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == web.DashFlashCookie {
			flash = c
		}
	}
	if flash == nil {
		t.Fatal("no flash cookie after the post")
	}
	b := f.get(t, "head", list+"&state=handled", flash).Body.String()
	if !strings.Contains(b, "Đã đánh dấu ý kiến là đã xử lý.") || !strings.Contains(b, "1 ý kiến") ||
		!strings.Contains(b, "Đã xử lý – dash-head, 27/11/2026") || !strings.Contains(b, "Cán bộ nhiệt tình") {
		t.Errorf("handled list after the mark:\n%.3000s", b)
	}
	if open := f.get(t, "head", list+"&state=open").Body.String(); strings.Contains(open, "Cán bộ nhiệt tình") || !strings.Contains(open, "Chờ lâu quá") {
		t.Error("the open list still shows the handled comment")
	}
	if again := f.get(t, "head", list).Body.String(); strings.Contains(again, `class="flash"`) {
		t.Error("the flash message shows twice")
	}

	rec = f.post(t, "head", action, url.Values{"csrf": {f.csrf["head"]}, "handled": {"0"}, "back": {"https://evil.example/"}})
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/dashboard/agency/H17.50/comments") {
		t.Errorf("unmark with a foreign back link: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if b := f.get(t, "head", list+"&state=handled").Body.String(); !strings.Contains(b, "0 ý kiến") {
		t.Error("unmark did not clear the mark")
	}
}

// TestCommentsFiltersAndPages checks the search (case-insensitive beyond
// ASCII), the element filter (an item of the element rated below
// satisfied), the month range and pages of 50.
func TestCommentsFiltersAndPages(t *testing.T) {
	f := newDashFixture(t)
	rs := f.sipasReplies("2026-10", 120)
	for i := range rs {
		rs[i].comment = fmt.Sprintf("Ý kiến %03d", i)
		for k := range rs[i].answers {
			if strings.HasPrefix(k, "TT") {
				rs[i].answers[k] = json.RawMessage("5")
			}
		}
	}
	rs[7].comment = "Thủ tục ĐẤT ĐAI còn rườm rà"
	rs[7].answers["TT2"] = json.RawMessage("2")
	rs[8].comment = "thủ tục đất đai nhanh"
	f.insert(t, "H17.50", survey.DefaultID, rs)
	sep := f.sipasReplies("2026-09", 1)
	sep[0].comment = "Tháng chín: đất đai"
	f.insert(t, "H17.50", survey.DefaultID, sep)

	base := "/dashboard/agency/H17.50/comments?month=2026-10"
	count := func(path string) string {
		b := f.get(t, "head", path).Body.String()
		m := regexp.MustCompile(`<p role="status">([^<]+)</p>`).FindStringSubmatch(b)
		if m == nil {
			t.Fatalf("%s: no count", path)
		}
		return m[1]
	}
	for path, want := range map[string]string{
		base: "120 ý kiến",
		base + "&q=" + url.QueryEscape("đất đai"):                     "2 ý kiến",
		base + "&q=" + url.QueryEscape("ĐẤT ĐAI"):                     "2 ý kiến",
		base + "&element=TT":                                          "1 ý kiến",
		base + "&from=2026-09&to=2026-10&q=" + url.QueryEscape("đất"): "3 ý kiến",
	} {
		if got := count(path); got != want {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
	}
	p1 := f.get(t, "head", base).Body.String()
	p3 := f.get(t, "head", base+"&page=3").Body.String()
	if n := strings.Count(p1, "<blockquote"); n != 50 || !strings.Contains(p1, "Trang 1/3") || !strings.Contains(p1, `rel="next"`) {
		t.Errorf("page 1 shows %d comments", n)
	}
	if n := strings.Count(p3, "<blockquote"); n != 20 || strings.Contains(p3, `rel="next"`) {
		t.Errorf("page 3 shows %d comments", n)
	}
}

// TestCommentsLoseNULAndBidiControls: what a citizen typed is stored and
// shown in the order it is read, with nothing a tool would cut it at.
func TestCommentsLoseNULAndBidiControls(t *testing.T) {
	s := newTestServer(t)
	place(t, s)
	id := "0b6f1f5e-8a51-4c55-9a4e-3d4f5a6b7c90"
	rec := post(t, s, "/api/v1/responses", body(t, s, map[string]any{"id": id, "comment": "Chờ lâu\u0000 \u202equá\u202c \u2066lắm\u2069"}))
	if rec.Code != http.StatusCreated {
		t.Fatalf("submit: %d %s", rec.Code, rec.Body)
	}
	r, err := s.DB.ResponseByUID(t.Context(), id)
	if err != nil || r.Comment != "Chờ lâu quá lắm" {
		t.Errorf("stored comment %q (%v)", r.Comment, err)
	}
}
