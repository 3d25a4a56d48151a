package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sipas-vn/sipas/server/survey"
)

// answersOf renders stored answers as code=json pairs for comparison.
func answersOf(r *survey.Response) map[string]string {
	out := map[string]string{}
	for _, a := range r.Answers {
		out[a.Code] = string(a.Value)
	}
	return out
}

func sameAnswers(t *testing.T, what string, r *survey.Response, want map[string]string) {
	t.Helper()
	got := answersOf(r)
	if len(got) != len(want) {
		t.Errorf("%s: answers %v, want %v", what, got, want)
		return
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: answers %v, want %v", what, got, want)
			return
		}
	}
}

// scoredItems lists the item codes of a questionnaire's scored block, in order.
func scoredItems(t *testing.T, e *env, id string) []*survey.Question {
	t.Helper()
	d, ok := e.cat.Get(id)
	if !ok {
		t.Fatalf("no questionnaire %s", id)
	}
	var out []*survey.Question
	for _, a := range d.Aspects {
		for _, el := range a.Elements {
			out = append(out, el.Items...)
		}
	}
	return out
}

func TestPairTabletWithCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := newTab(t, e)
	b.open()
	b.waitScreen("pair")
	if lang := eval[string](b, `document.documentElement.lang`); lang != "vi" {
		t.Errorf("html lang %q, want vi", lang)
	}
	if title := eval[string](b, `document.title`); title != "Ghép nối máy – Đánh giá sự hài lòng" {
		t.Errorf("title %q", title)
	}

	// Too short: said in words, on the tablet.
	b.typeKeypad("12345")
	b.tap("#pair-submit")
	b.waitJS(`document.querySelector('#pair-error').textContent.includes('6 chữ số')`, 5*time.Second)

	// A wrong code: the server's localized message, in words.
	code, _ := e.pairingCode(fullCounter)
	wrong := fmt.Sprintf("%06d", (atoi(code)+1)%1000000)
	b.tap(`.keypad [data-key="clear"]`)
	b.typeKeypad(wrong)
	b.tap("#pair-submit")
	b.waitJS(`document.querySelector('#pair-error') && document.querySelector('#pair-error').textContent.length > 5`, 5*time.Second)
	msg := eval[string](b, `document.querySelector('#pair-error').textContent`)
	if strings.Contains(msg, "error.") || strings.Contains(msg, "kiosk.") {
		t.Errorf("pairing error shows a message ID: %q", msg)
	}
	if b.screenNow() != "pair" {
		t.Fatalf("a wrong code left the pairing screen")
	}

	// The right code pairs: token kept, home of the counter's questionnaire.
	b.tap(`.keypad [data-key="clear"]`)
	b.typeKeypad(code)
	b.tap("#pair-submit")
	b.waitScreen("welcome")
	if tok := eval[string](b, `localStorage.getItem('sipas.kiosk.token') || ''`); len(tok) < 20 {
		t.Errorf("token not kept: %q", tok)
	}
	top := eval[string](b, `document.querySelector('#topbar').innerText`)
	if !strings.Contains(top, "Quầy số 1 – Đất đai") || !strings.Contains(top, "Trung tâm Phục vụ hành chính công") {
		t.Errorf("top bar %q lacks the counter and agency", top)
	}
	devs, err := e.db.Devices(context.Background(), e.counter(fullCounter).ID)
	if err != nil || len(devs) != 1 {
		t.Fatalf("devices %v, %v", devs, err)
	}
	// A reload keeps the pairing.
	b.reload()
	b.waitScreen("welcome")
	if strings.Contains(b.text(), "kiosk.") {
		t.Errorf("a message ID is shown: %q", b.text())
	}
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func TestQuickRatingWithFollowUp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := newTab(t, e)
	b.pair(quickCounter)
	b.waitQuestion("HL")
	if title := eval[string](b, `document.title`); title != "Trang đầu – Đánh giá sự hài lòng" {
		t.Errorf("home title %q", title)
	}
	home := b.text()
	for _, want := range []string{"Ông/Bà có hài lòng với sự phục vụ hôm nay không?", "Chạm vào một hình để chọn. Không cần ghi tên.",
		"Không trả lời / Không áp dụng", "Cán bộ tại quầy không xem được lựa chọn của Ông/Bà.", "Rất không hài lòng", "Rất hài lòng"} {
		if !strings.Contains(home, want) {
			t.Errorf("home lacks %q", want)
		}
	}

	// Each face card is a button named by its words alone (the face and the check mark are hidden).
	names := eval[[]string](b, `[...document.querySelectorAll('#main .faces button')].map((c) =>
		c.tagName + '|' + (c.getAttribute('aria-label') || '') + '|' + c.innerText.trim() + '|' +
		[...c.querySelectorAll('svg')].every((s) => s.closest('[aria-hidden="true"]')))`)
	wantNames := []string{"Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"}
	if len(names) != len(wantNames) {
		t.Fatalf("face cards %v", names)
	}
	for i, n := range names {
		if n != "BUTTON||"+wantNames[i]+"|true" {
			t.Errorf("face card %d: %q, want a button named %q", i+1, n, wantNames[i])
		}
	}

	// 2 → follow-up repeating the choice; "Chọn lại" → 3; two reasons; send.
	b.tapValue("2")
	b.waitScreen("followup")
	if !strings.Contains(b.text(), "Ông/Bà đã chọn: Không hài lòng") {
		t.Errorf("follow-up does not repeat the choice: %q", b.text())
	}
	b.tap("#choose-again")
	b.waitQuestion("HL")
	if p := eval[string](b, `document.querySelector('#main .card[data-value="2"]').getAttribute('aria-pressed')`); p != "true" {
		t.Errorf("the earlier choice is not shown as chosen: aria-pressed %q", p)
	}
	b.tapValue("3")
	b.waitScreen("followup")
	if !strings.Contains(b.text(), "Ông/Bà đã chọn: Bình thường") {
		t.Errorf("follow-up does not repeat the new choice: %q", b.text())
	}
	b.tapValue("cho_lau")
	b.tapValue("thai_do")
	b.tapValue("huong_dan")
	b.tapValue("thai_do") // tapped again: off
	b.tap("#send")
	b.waitScreen("thanks")
	if !strings.Contains(b.text(), "Cảm ơn Ông/Bà đã đánh giá!") {
		t.Errorf("thanks text: %q", b.text())
	}
	b.tap("#done")
	b.waitQuestion("HL")

	// 5: no follow-up, straight to thanks (after the repeat guard).
	b.waitGuard()
	b.tapValue("5")
	b.waitScreen("thanks")

	rs := e.waitResponses(2, 10*time.Second)
	sameAnswers(t, "first", rs[0], map[string]string{"HL": "3", "LYDO": `["cho_lau","huong_dan"]`})
	sameAnswers(t, "second", rs[1], map[string]string{"HL": "5"})
	for i, r := range rs {
		if r.DeviceSeq != int64(i+1) || r.Partial || r.Channel != survey.ChannelKiosk || r.SurveyID != "nhanh" || r.Lang != "vi" {
			t.Errorf("response %d: seq %d partial %v channel %s survey %s lang %s", i, r.DeviceSeq, r.Partial, r.Channel, r.SurveyID, r.Lang)
		}
	}
	// The thank-you screen goes home by itself.
	b.waitJS(`document.body.dataset.screen === 'question'`, 10*time.Second)
}

func TestFullQuestionnaireThenStopAndSend(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := newTab(t, e)
	b.pair(fullCounter)
	b.waitScreen("welcome")
	if !strings.Contains(b.text(), "Bắt đầu đánh giá") {
		t.Errorf("welcome lacks the start button: %q", b.text())
	}
	b.tap("#start")

	items := scoredItems(t, e, "sipas-dv-2023")
	want := map[string]string{}
	for i, q := range items {
		b.waitQuestion(q.Code)
		if i == 2 {
			title := eval[string](b, `document.title`)
			if title != fmt.Sprintf("Câu 3/%d – Đánh giá sự hài lòng", len(items)) {
				t.Errorf("title %q", title)
			}
			top := eval[string](b, `document.querySelector('#topbar').innerText`)
			if !strings.Contains(top, fmt.Sprintf("Câu 3/%d", len(items))) || !strings.Contains(top, "Tiếp cận dịch vụ") || !strings.Contains(top, "Quay lại") {
				t.Errorf("top bar %q", top)
			}
			if !strings.Contains(b.text(), "Dừng và gửi") {
				t.Errorf("no Dừng và gửi")
			}
		}
		// The results element carries the form's note, so that a refused
		// applicant rates the result instead of taking "không áp dụng".
		if note := "(Có thể là được cấp giấy tờ hoặc bị từ chối cấp giấy tờ)"; strings.HasPrefix(q.Code, "KQ") != strings.Contains(b.text(), note) {
			t.Errorf("%s: note shown %v, want only on the results element", q.Code, !strings.HasPrefix(q.Code, "KQ"))
		}
		v := fmt.Sprint(i%5 + 1)
		if i == 6 {
			v = "na"
			want[q.Code] = "null"
		} else {
			want[q.Code] = v
		}
		b.tapValue(v)
	}
	// The optional parts: offered, clearly optional.
	b.waitScreen("more")
	b.tap("#more-yes")
	b.waitQuestion("PHIENHA_DP")
	if !strings.Contains(b.text(), "không bắt buộc") {
		t.Errorf("optional question not marked optional: %q", b.text())
	}
	b.tapValue("khong_co")
	want["PHIENHA_DP"] = `"khong_co"`
	b.waitQuestion("TIENNGOAI_DP")
	b.tap("#skip")
	b.waitQuestion("UT1")
	b.tap("#send")
	b.waitScreen("thanks")
	rs := e.waitResponses(1, 10*time.Second)
	sameAnswers(t, "full", rs[0], want)
	if rs[0].Partial || rs[0].DeviceSeq != 1 || rs[0].SurveyID != "sipas-dv-2023" {
		t.Errorf("full: partial %v seq %d survey %s", rs[0].Partial, rs[0].DeviceSeq, rs[0].SurveyID)
	}

	// Second citizen stops after two answers: "Dừng và gửi" keeps them, partial.
	b.tap("#done")
	b.waitScreen("welcome")
	b.waitGuard()
	b.tap("#start")
	b.waitQuestion(items[0].Code)
	b.tapValue("4")
	b.waitQuestion(items[1].Code)
	b.tapValue("2")
	b.waitQuestion(items[2].Code)
	b.tap("#stop")
	b.waitScreen("thanks")
	rs = e.waitResponses(2, 10*time.Second)
	sameAnswers(t, "stopped", rs[1], map[string]string{items[0].Code: "4", items[1].Code: "2"})
	if !rs[1].Partial || rs[1].DeviceSeq != 2 {
		t.Errorf("stopped: partial %v seq %d, want true 2", rs[1].Partial, rs[1].DeviceSeq)
	}
}

func TestIdleWarningThenResetToHome(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := e.db.SetCounterIdle(context.Background(), e.counter(fullCounter).ID, 2, 3); err != nil {
		t.Fatal(err)
	}
	b := newTab(t, e)
	b.pair(fullCounter)
	b.waitScreen("welcome")
	// Home never times out.
	time.Sleep(2500 * time.Millisecond)
	if eval[bool](b, `document.querySelector('#idle-dialog').open`) {
		t.Fatal("the idle warning opened on home")
	}
	items := scoredItems(t, e, "sipas-dv-2023")
	b.tap("#start")
	b.waitQuestion(items[0].Code)
	b.tapValue("4")
	b.waitQuestion(items[1].Code)
	b.tapValue("na")
	b.waitQuestion(items[2].Code)
	b.tap("#lang-en")
	b.waitJS(`document.documentElement.lang === 'en'`, 5*time.Second)

	// Warning: the question, one big button, digits, the bar, the sentence.
	b.waitJS(`document.querySelector('#idle-dialog').open`, 5*time.Second)
	txt := eval[string](b, `document.querySelector('#idle-dialog').innerText`)
	for _, want := range []string{"Do you need more time?", "Continue rating", "The screen will go back to the start in 3 seconds."} {
		if !strings.Contains(txt, want) {
			t.Errorf("warning lacks %q: %q", want, txt)
		}
	}
	if n := eval[string](b, `document.querySelector('#idle-count').textContent`); n != "3" && n != "2" {
		t.Errorf("countdown shows %q", n)
	}
	b.shot("idle-warning")
	// One tap extends.
	b.tap("#idle-continue")
	b.waitJS(`!document.querySelector('#idle-dialog').open`, 2*time.Second)
	if q := eval[string](b, `document.body.dataset.q`); q != items[2].Code {
		t.Fatalf("after continuing, on %q", q)
	}
	// Nobody answers the second warning: partial saved, Vietnamese, home.
	b.waitJS(`document.querySelector('#idle-dialog').open`, 5*time.Second)
	b.waitScreen("welcome")
	if lang := eval[string](b, `document.documentElement.lang`); lang != "vi" {
		t.Errorf("language after reset %q, want vi", lang)
	}
	if !strings.Contains(b.text(), "Bắt đầu đánh giá") {
		t.Errorf("home not in Vietnamese: %q", b.text())
	}
	rs := e.waitResponses(1, 10*time.Second)
	sameAnswers(t, "timed out", rs[0], map[string]string{items[0].Code: "4", items[1].Code: "null"})
	if !rs[0].Partial {
		t.Error("timed-out response is not partial")
	}
	// A timeout without any answer saves nothing.
	b.tap("#start")
	b.waitQuestion(items[0].Code)
	b.waitScreen("welcome")
	time.Sleep(500 * time.Millisecond)
	e.waitResponses(1, time.Second)
}

func TestOfflineResponsesArriveExactlyOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := newTab(t, e)
	b.open()
	// Short retry and heartbeat timings for the test (production: up to 60 s).
	eval[chromedp.Void](b, `localStorage.setItem('sipas.kiosk.tuning', JSON.stringify({retry_base_ms: 300, retry_cap_ms: 1500, heartbeat_ms: 1000}))`)
	b.pair(quickCounter)
	// The service worker controls the page; one online reload lets it cache the API reads too.
	b.waitJS(`navigator.serviceWorker.controller !== null`, 10*time.Second)
	b.reload()
	b.waitQuestion("HL")

	e.net.down.Store(true)
	b.tapValue("5")
	b.waitScreen("thanks")
	b.tap("#done")
	b.waitQuestion("HL")
	b.waitGuard()
	b.tapValue("4")
	b.waitScreen("thanks")
	b.tap("#done")
	// The tablet restarts while offline: the shell comes from the service worker.
	b.reload()
	b.waitQuestion("HL")
	b.tapValue("1")
	b.waitScreen("followup")
	b.tapValue("cho_lau")
	b.tap("#send")
	b.waitScreen("thanks")
	txt := strings.ToLower(b.text())
	for _, bad := range []string{"offline", "mất kết nối", "lỗi", "error"} {
		if strings.Contains(txt, bad) {
			t.Errorf("citizens see %q: %q", bad, txt)
		}
	}
	if q, _ := b.outbox(); q != 3 {
		t.Fatalf("outbox holds %d, want 3", q)
	}
	if n := len(e.responses()); n != 0 {
		t.Fatalf("%d responses arrived while offline", n)
	}

	// Back online; the server's first answer is lost on the way back.
	e.net.loseNext.Store(1)
	e.net.down.Store(false)
	rs := e.waitResponses(3, 20*time.Second)
	b.waitJS(`window.kiosk.outbox.counts().then(c => c.queued === 0)`, 10*time.Second)
	rs = e.waitResponses(3, time.Second) // and no more
	if e.net.responsePosts() < 4 {
		t.Errorf("only %d POSTs: the lost answer was not retried", e.net.responsePosts())
	}
	sameAnswers(t, "1", rs[0], map[string]string{"HL": "5"})
	sameAnswers(t, "2", rs[1], map[string]string{"HL": "4"})
	sameAnswers(t, "3", rs[2], map[string]string{"HL": "1", "LYDO": `["cho_lau"]`})
	ids := map[string]bool{}
	for i, r := range rs {
		ids[r.UID] = true
		if r.DeviceSeq != int64(i+1) {
			t.Errorf("response %d has seq %d", i, r.DeviceSeq)
		}
	}
	if len(ids) != 3 {
		t.Errorf("ids %v", ids)
	}
	// After a reload nothing is sent twice.
	b.reload()
	b.waitQuestion("HL")
	time.Sleep(1500 * time.Millisecond)
	e.waitResponses(3, time.Second)
	if q, r := b.outbox(); q != 0 || r != 0 {
		t.Errorf("outbox %d queued %d rejected after delivery", q, r)
	}
}

func TestRepeatedTapsWithinTheGuardAreIgnored(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := newTab(t, e)
	b.pair(quickCounter)
	b.waitQuestion("HL")
	// A second tap during the 0.6 s confirmation does nothing.
	b.tapValue("4")
	b.tapValue("1")
	b.waitScreen("thanks")
	// Home right after a submit ignores touches for repeat_guard_ms.
	b.tap("#done")
	b.waitQuestion("HL")
	b.tapValue("5")
	time.Sleep(800 * time.Millisecond)
	if s := b.screenNow(); s != "question" {
		t.Fatalf("a tap within the guard went on to %q", s)
	}
	if n := eval[int](b, `document.querySelectorAll('#main [aria-pressed="true"]').length`); n != 0 {
		t.Errorf("a tap within the guard selected %d cards", n)
	}
	b.waitGuard()
	b.tapValue("5")
	b.waitScreen("thanks")
	rs := e.waitResponses(2, 10*time.Second)
	sameAnswers(t, "first", rs[0], map[string]string{"HL": "4"})
	sameAnswers(t, "second", rs[1], map[string]string{"HL": "5"})
}

func TestLanguageSwitchKeepsAnswers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := newTab(t, e)
	b.pair(fullCounter)
	items := scoredItems(t, e, "sipas-dv-2023")
	b.tap("#start")
	b.waitQuestion(items[0].Code)
	b.tapValue("4")
	b.waitQuestion(items[1].Code)
	b.tapValue("2")
	b.waitQuestion(items[2].Code)
	b.tap("#lang-en")
	b.waitJS(`document.documentElement.lang === 'en'`, 5*time.Second)
	if title := eval[string](b, `document.title`); title != fmt.Sprintf("Question 3 of %d – Satisfaction rating", len(items)) {
		t.Errorf("English title %q", title)
	}
	if h := eval[string](b, `document.querySelector('h1').textContent`); h != items[2].Text["en"] {
		t.Errorf("English question %q, want %q", h, items[2].Text["en"])
	}
	if p := eval[string](b, `document.querySelector('#lang-en').getAttribute('aria-pressed')`); p != "true" {
		t.Errorf("English not marked as chosen")
	}
	if !strings.Contains(b.text(), "Stop and send") || !strings.Contains(b.text(), "Tiếng Việt") {
		t.Errorf("English screen: %q", b.text())
	}
	b.tap("#back")
	b.waitQuestion(items[1].Code)
	if p := eval[string](b, `document.querySelector('#main .card[data-value="2"]').getAttribute('aria-pressed')`); p != "true" {
		t.Errorf("answer lost on language switch")
	}
	b.tap("#lang-vi")
	b.waitJS(`document.documentElement.lang === 'vi'`, 5*time.Second)
	if p := eval[string](b, `document.querySelector('#main .card[data-value="2"]').getAttribute('aria-pressed')`); p != "true" {
		t.Errorf("answer lost on switching back")
	}
	b.tap("#lang-en")
	b.tap("#stop")
	b.waitScreen("thanks")
	rs := e.waitResponses(1, 10*time.Second)
	sameAnswers(t, "switched", rs[0], map[string]string{items[0].Code: "4", items[1].Code: "2"})
	if rs[0].Lang != "en" || !rs[0].Partial {
		t.Errorf("lang %q partial %v", rs[0].Lang, rs[0].Partial)
	}
}

func TestStaffCornerPIN(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := newTab(t, e)
	pin := b.pair(quickCounter)
	b.waitQuestion("HL")
	// A short press does nothing.
	b.longPress("#staff-trigger", time.Second)
	time.Sleep(2500 * time.Millisecond)
	if s := b.screenNow(); s != "question" {
		t.Fatalf("a 1 s press opened %q", s)
	}
	b.longPress("#staff-trigger", 3200*time.Millisecond)
	b.waitScreen("staff")
	wrong := fmt.Sprintf("%06d", (atoi(pin)+1)%1000000)
	b.typeKeypad(wrong)
	b.tap("#staff-pin-submit")
	b.waitJS(`document.querySelector('#staff-pin-error') && document.querySelector('#staff-pin-error').textContent.includes('không đúng')`, 5*time.Second)
	if eval[bool](b, `!!document.querySelector('#staff-queued')`) {
		t.Fatal("a wrong PIN opened the panel")
	}
	b.tap(`.keypad [data-key="clear"]`)
	b.typeKeypad(pin)
	b.tap("#staff-pin-submit")
	b.waitJS(`!!document.querySelector('#staff-queued')`, 5*time.Second)
	if v := eval[string](b, `document.querySelector('#staff-version').textContent`); v == "" {
		t.Error("no app version")
	}
	if q := eval[string](b, `document.querySelector('#staff-queued').textContent`); q != "0" {
		t.Errorf("queued %q", q)
	}
	if c := eval[string](b, `document.querySelector('#staff-counter').textContent`); !strings.Contains(c, "Tiếp nhận và trả kết quả") {
		t.Errorf("counter %q", c)
	}
	officer := eval[string](b, `(() => { const s = document.querySelector('#staff-officer');
		s.value = s.options[1].value; s.dispatchEvent(new Event('change')); return s.value; })()`)
	if officer == "" {
		t.Fatal("no officer to choose")
	}
	b.shot("staff-panel")
	b.tap("#staff-close")
	b.waitQuestion("HL")
	b.tapValue("4")
	b.waitScreen("thanks")
	rs := e.waitResponses(1, 10*time.Second)
	if rs[0].OfficerID == 0 {
		t.Error("the response does not carry the officer on duty")
	}
	if o, err := e.db.OfficerByCode(t.Context(), officer); err != nil || o.ID != rs[0].OfficerID {
		t.Errorf("officer %d, want %s (%v)", rs[0].OfficerID, officer, err)
	}

	// Re-pair forgets the token.
	b.tap("#done")
	b.waitQuestion("HL")
	b.longPress("#staff-trigger", 3200*time.Millisecond)
	b.waitScreen("staff")
	b.typeKeypad(pin)
	b.tap("#staff-pin-submit")
	b.waitJS(`!!document.querySelector('#staff-repair')`, 5*time.Second)
	b.tap("#staff-repair")
	b.tap("#staff-repair")
	b.waitScreen("pair")
	if tok := eval[string](b, `localStorage.getItem('sipas.kiosk.token') || ''`); tok != "" {
		t.Error("token kept after re-pairing")
	}
}

// TestIdleTimerWithInjectedClock runs the app's idle timer (js/idle.js) in
// the browser on a fake clock: 45 s quiet → warning with 20 s in digits,
// one tick a second, any touch extends (again and again), 0 → expire.
func TestIdleTimerWithInjectedClock(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := newTab(t, e)
	b.open()
	log := eval[[]string](b, `(async () => {
		const { IdleTimer, FakeClock } = await import('./js/idle.js');
		const c = new FakeClock();
		const log = [];
		const idle = new IdleTimer({ idleMs: 45000, warnMs: 20000, clock: c,
			onWarn: (s) => log.push('warn ' + s), onTick: (s) => log.push('tick ' + s),
			onResume: () => log.push('resume'), onExpire: () => log.push('expire') });
		idle.start();
		c.advance(44999); log.push('44.999 s');
		c.advance(1);                       // 45 s: warning
		c.advance(5000); log.push('touch'); idle.touch();
		c.advance(44999); log.push('44.999 s');
		c.advance(1);                       // warning again
		c.advance(19999); log.push('19.999 s');
		c.advance(1);                       // zero
		c.advance(100000); log.push('later');
		idle.stop();
		return log;
	})()`)
	ticks := func(from, to int) []string {
		var out []string
		for s := from; s >= to; s-- {
			out = append(out, fmt.Sprintf("tick %d", s))
		}
		return out
	}
	var want []string
	want = append(want, "44.999 s", "warn 20")
	want = append(want, ticks(20, 15)...)
	want = append(want, "touch", "resume", "44.999 s", "warn 20")
	want = append(want, ticks(20, 1)...)
	want = append(want, "19.999 s", "expire", "later")
	if strings.Join(log, ",") != strings.Join(want, ",") {
		t.Errorf("idle timer:\n got %v\nwant %v", log, want)
	}
}

// TestRevokedTabletAsksForPairingAgain: a revoked token sends the tablet back
// to the pairing screen; what it still held is sent after the new pairing.
func TestRevokedTabletAsksForPairingAgain(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := newTab(t, e)
	b.open()
	eval[chromedp.Void](b, `localStorage.setItem('sipas.kiosk.tuning', JSON.stringify({retry_base_ms: 300, retry_cap_ms: 1000, heartbeat_ms: 1000}))`)
	b.pair(quickCounter)
	b.waitQuestion("HL")
	devs, err := e.db.Devices(context.Background(), e.counter(quickCounter).ID)
	if err != nil || len(devs) != 1 {
		t.Fatalf("devices %v %v", devs, err)
	}
	if err := e.db.RevokeDevice(context.Background(), devs[0].ID, survey.CLI, time.Now()); err != nil {
		t.Fatal(err)
	}
	// The server notices within its device cache's lifetime (10 s).
	b.waitJS(`document.body.dataset.screen === 'pair'`, 20*time.Second)
	if tok := eval[string](b, `localStorage.getItem('sipas.kiosk.token') || ''`); tok != "" {
		t.Error("a revoked token was kept")
	}
	// Re-paired: the tablet works again and counts from 1.
	code, _ := e.pairingCode(quickCounter)
	b.typeKeypad(code)
	b.tap("#pair-submit")
	b.waitQuestion("HL")
	b.tapValue("5")
	b.waitScreen("thanks")
	rs := e.waitResponses(1, 10*time.Second)
	if rs[0].DeviceID == devs[0].ID || rs[0].DeviceSeq != 1 {
		t.Errorf("response from device %d seq %d", rs[0].DeviceID, rs[0].DeviceSeq)
	}
}

// TestKioskStateTransitions walks the tablet's state (js/state.js) through
// its paths on a fake clock: a questionnaire is never swapped under a
// citizen, a lost token waits for the citizen to finish, a card's
// confirmation and the repeat guard swallow taps, a response is finished
// once, and a new app version reloads only at a quiet home.
func TestKioskStateTransitions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := newTab(t, e)
	b.open()
	log := eval[[]string](b, `(async () => {
		const { KioskState } = await import('./js/state.js');
		const { FakeClock } = await import('./js/idle.js');
		const c = new FakeClock(1000);
		const st = new KioskState({ clock: c, newSession: (def) => ({ def, started: false }) });
		const log = [];
		const note = (what, v) => log.push(what + ': ' + v);
		note('start', st.screen);
		note('first definition', st.definition({ id: 'a', version: '1' }));
		note('home', st.home({ hasToken: true }) + ' ' + st.screen + ' ' + st.session.def.version);
		note('at rest', st.atRest());
		note('same definition', st.definition({ id: 'a', version: '1' }));
		st.session.started = true;
		note('new definition mid-way', st.definition({ id: 'a', version: '2' }) + ' in use ' + st.def.version);
		note('at rest after a tap', st.atRest());
		note('token lost mid-way', st.authLost() + ' ' + st.screen);
		note('confirm', st.confirm());
		note('confirm again', st.confirm());
		note('taps during confirmation', st.acceptsTaps());
		note('confirmed', st.confirmed());
		const s = st.finish();
		note('finish', s !== null);
		note('finish twice', st.finish());
		note('confirmed while finishing', st.confirmed());
		st.thanks();
		note('thanks', st.screen);
		note('home after the lost token', st.home({ hasToken: false, afterSubmit: true }) + ' ' + st.screen);
		st.paired();
		note('paired', st.screen + ' ' + st.def);
		st.definition({ id: 'b', version: '1' });
		note('home after pairing', st.home({ hasToken: true, afterSubmit: true, guardMs: 1500 }) + ' ' + st.session.def.id);
		note('taps in the guard', st.acceptsTaps());
		c.advance(1499);
		note('taps at 1.499 s', st.acceptsTaps());
		c.advance(1);
		note('taps at 1.5 s', st.acceptsTaps());
		st.newVersion();
		note('may reload at rest', st.mayReload());
		st.session.started = true;
		note('may reload mid-way', st.mayReload());
		note('home with a new version', st.home({ hasToken: true }));
		note('home after a submit with a new version', st.home({ hasToken: true, afterSubmit: true, guardMs: 1500 }));
		note('may reload in the guard', st.mayReload());
		st.staff();
		note('token lost in the staff corner', st.authLost());
		st.pairing();
		note('token lost on pairing', st.authLost());
		return log;
	})()`)
	want := []string{
		"start: loading",
		"first definition: first",
		"home: home survey 1",
		"at rest: true",
		"same definition: same",
		"new definition mid-way: pending in use 1",
		"at rest after a tap: false",
		"token lost mid-way: false survey",
		"confirm: true",
		"confirm again: false",
		"taps during confirmation: false",
		"confirmed: true",
		"finish: true",
		"finish twice: null",
		"confirmed while finishing: false",
		"thanks: thanks",
		"home after the lost token: pair pair",
		"paired: loading null",
		"home after pairing: home b",
		"taps in the guard: false",
		"taps at 1.499 s: false",
		"taps at 1.5 s: true",
		"may reload at rest: true",
		"may reload mid-way: false",
		"home with a new version: reload",
		"home after a submit with a new version: home",
		"may reload in the guard: false",
		"token lost in the staff corner: true",
		"token lost on pairing: false",
	}
	if strings.Join(log, "\n") != strings.Join(want, "\n") {
		t.Errorf("state transitions:\n got %q\nwant %q", log, want)
	}
}

// TestKioskShowIfSharedCases runs the tablet's show_if (js/session.js) on
// the table that server/survey's Go implementation also runs, so a citizen
// sees on the tablet exactly the follow-ups the server accepts.
func TestKioskShowIfSharedCases(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../survey/testdata/show_if_cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var table struct {
		Cases []struct {
			Name string `json:"name"`
			Met  bool   `json:"met"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(raw, &table); err != nil || len(table.Cases) < 10 {
		t.Fatalf("cases: %v (%d)", err, len(table.Cases))
	}
	e := newEnv(t)
	b := newTab(t, e)
	b.open()
	got := eval[[]bool](b, `(async (table) => {
		const { Session } = await import('./js/session.js');
		return table.cases.map((c) => {
			const s = new Session({ id: 't', version: '1', method: 'quick', aspects: [], parts: [] });
			s.answers = c.answers;
			return s.shown({ type: 'followup', q: { code: 'Q', show_if: c.show_if } });
		});
	})(`+string(raw)+`)`)
	if len(got) != len(table.Cases) {
		t.Fatalf("%d results for %d cases", len(got), len(table.Cases))
	}
	for i, c := range table.Cases {
		if got[i] != c.Met {
			t.Errorf("%s: the tablet says %v, want %v", c.Name, got[i], c.Met)
		}
	}
}
