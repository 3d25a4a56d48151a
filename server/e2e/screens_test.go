package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// sizesJS measures the screen against UX.md §1 and returns the problems:
// face cards ≥ 120×120, other controls ≥ 64 px tall, ≥ 24 px between
// targets, text ≥ 22 px (18 px in the staff corner) with line-height ≥ 1.3,
// no clipped text, nothing wider than the screen, and (when fit is set)
// no scrolling: a citizen sees the whole screen at once.
const sizesJS = `((fit, staff) => {
  const out = [];
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none';
  };
  const name = (el) => (el.id ? '#' + el.id : el.tagName.toLowerCase() + '.' + el.className) + ' "' + el.textContent.trim().slice(0, 24) + '"';
  // Controls scrolled out of a long list are measured when they are in view.
  const main = document.querySelector('#main');
  const mr = main.getBoundingClientRect();
  const inView = (el) => {
    const r = el.getBoundingClientRect();
    if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) return false;
    return !main.contains(el) || (r.top >= mr.top - 0.5 && r.bottom <= mr.bottom + 0.5);
  };
  // Under an open modal dialog only the dialog can be touched.
  const modal = document.querySelector('dialog[open]');
  const ctrls = [...(modal || document).querySelectorAll('button, select, input, a[href]')].filter((el) => shown(el) && inView(el));
  for (const el of ctrls) {
    const r = el.getBoundingClientRect();
    if (el.matches('.face-card')) {
      if (r.width < 120 || r.height < 120) out.push('face card ' + name(el) + ' is ' + r.width + '×' + r.height);
    } else if (r.height < 64) {
      out.push('control ' + name(el) + ' is ' + r.height + ' px tall');
    }
  }
  for (let i = 0; i < ctrls.length; i++) {
    for (let j = i + 1; j < ctrls.length; j++) {
      const a = ctrls[i], b = ctrls[j];
      if (a.contains(b) || b.contains(a)) continue;
      const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
      const dx = Math.max(0, rb.left - ra.right, ra.left - rb.right);
      const dy = Math.max(0, rb.top - ra.bottom, ra.top - rb.bottom);
      if (Math.max(dx, dy) < 23.5) out.push(name(a) + ' and ' + name(b) + ' are ' + Math.max(dx, dy) + ' px apart');
    }
  }
  const min = staff ? 18 : 22;
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (!n.textContent.trim()) continue;
    const el = n.parentElement;
    if (!shown(el) || el.closest('[aria-hidden="true"]')) continue;
    const cs = getComputedStyle(el);
    const fs = parseFloat(cs.fontSize);
    if (fs < min) out.push('text ' + name(el) + ' is ' + fs + ' px');
    const lh = cs.lineHeight === 'normal' ? 0 : parseFloat(cs.lineHeight);
    if (lh < 1.3 * fs - 0.01) out.push('text ' + name(el) + ' has line-height ' + cs.lineHeight);
    for (let p = el; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p);
      if (['hidden', 'clip'].includes(o.overflowX) || ['hidden', 'clip'].includes(o.overflowY)) {
        out.push('text ' + name(el) + ' is inside overflow:hidden ' + name(p));
        break;
      }
    }
  }
  if (document.documentElement.scrollWidth > innerWidth) out.push('page is ' + document.documentElement.scrollWidth + ' px wide');
  if (fit && main.scrollHeight > main.clientHeight + 1) out.push('main needs scrolling: ' + main.scrollHeight + ' > ' + main.clientHeight);
  return JSON.stringify(out);
})`

// check runs axe and the size rules on the current screen and saves a screenshot.
func (b *tab) check(screen string, fit bool) {
	b.t.Helper()
	b.axe(screen)
	staff := b.screenNow() == "staff"
	s := eval[string](b, fmt.Sprintf(`%s(%v, %v)`, sizesJS, fit, staff))
	var problems []string
	if err := json.Unmarshal([]byte(s), &problems); err != nil {
		b.t.Fatal(err)
	}
	for _, p := range problems {
		b.t.Errorf("sizes on %s: %s", screen, p)
	}
	if txt := b.text(); containsID(txt) {
		b.t.Errorf("%s shows a message ID: %q", screen, txt)
	}
	b.shot(screen)
}

func containsID(s string) bool {
	for _, p := range []string{"kiosk.", "scale.", "action.", "lang."} {
		for i := 0; i+len(p) < len(s); i++ {
			if s[i:i+len(p)] == p && s[i+len(p)] >= 'a' && s[i+len(p)] <= 'z' {
				return true
			}
		}
	}
	return false
}

// TestEveryScreenPassesAxeAndSizes walks every kiosk screen at 960×600 and
// runs axe-core (wcag2a, 2aa, 21a, 21aa, 22aa) and the size rules on each.
func TestEveryScreenPassesAxeAndSizes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// A second counter of the same centre times out fast, for the idle warning;
	// its countdown is long enough for axe to run on the open warning.
	if err := e.db.SetCounterIdle(context.Background(), e.counter(idleCounter).ID, 1, 60); err != nil {
		t.Fatal(err)
	}

	// Quick rating tablet: pairing, home, follow-up, thanks, staff corner.
	q := newTab(t, e)
	q.open()
	q.waitScreen("pair")
	q.check("pair", true)
	q.typeKeypad("123")
	q.tap("#pair-submit")
	q.waitJS(`document.querySelector('#pair-error').textContent !== ''`, 5*time.Second)
	q.check("pair-error", true)
	pin := q.pair(quickCounter)
	q.waitQuestion("HL")
	q.check("quick-home", true)
	q.tapValue("2")
	q.waitScreen("followup")
	q.tapValue("cho_lau")
	q.check("quick-followup", true)
	q.tap("#send")
	q.waitScreen("thanks")
	q.waitJS(`document.querySelector('.qr img').complete && document.querySelector('.qr img').naturalWidth > 0`, 5*time.Second)
	q.check("thanks", true)
	q.tap("#done")
	q.waitQuestion("HL")
	q.waitGuard() // the repeat guard
	q.tap("#lang-en")
	q.waitJS(`document.documentElement.lang === 'en'`, 5*time.Second)
	q.check("quick-home-en", true)
	q.longPress("#staff-trigger", 3200*time.Millisecond)
	q.waitScreen("staff")
	q.check("staff-pin", true)
	q.typeKeypad(pin)
	q.tap("#staff-pin-submit")
	q.waitJS(`!!document.querySelector('#staff-queued')`, 5*time.Second)
	q.check("staff-panel", false)

	// Portrait: the same rules at 600×960.
	q.tap("#staff-close")
	q.waitQuestion("HL")
	q.do(chromedp.EmulateViewport(600, 960))
	q.check("quick-home-portrait", true)
	q.do(chromedp.EmulateViewport(960, 600))

	// Full questionnaire tablet: welcome, items, optional parts, idle warning.
	f := newTab(t, e)
	f.pair(fullCounter)
	f.waitScreen("welcome")
	f.check("welcome", true)
	items := scoredItems(t, e, "sipas-dv-2023")
	f.tap("#start")
	for i, it := range items {
		f.waitQuestion(it.Code)
		// The longest item texts must fit too, in both languages.
		f.check(fmt.Sprintf("question-%02d", i+1), true)
		if i == 0 {
			f.tap("#lang-en")
			f.waitJS(`document.documentElement.lang === 'en'`, 5*time.Second)
			f.check("question-01-en", true)
			f.tap("#lang-vi")
			f.waitJS(`document.documentElement.lang === 'vi'`, 5*time.Second)
		}
		f.tapValue("4")
	}
	f.waitScreen("more")
	f.check("more", true)
	f.tap("#more-yes")
	prev := ""
	for {
		f.waitJS(fmt.Sprintf(`document.body.dataset.screen === 'thanks' ||
			(document.body.dataset.screen === 'optional' && document.body.dataset.q !== %q)`, prev), 5*time.Second)
		if f.screenNow() == "thanks" {
			break
		}
		code := eval[string](f, `document.body.dataset.q`)
		prev = code
		// Long option lists may scroll; the rest must fit.
		n := eval[int](f, `document.querySelectorAll('#main .card').length`)
		f.check("optional-"+code, n <= 6)
		f.tap("#skip")
	}
	f.check("thanks-full", true)

	// The idle warning, on a counter that waits 1 s.
	w := newTab(t, e)
	w.pair(idleCounter)
	w.tap("#start")
	w.waitQuestion(items[0].Code)
	w.tapValue("3")
	w.waitQuestion(items[1].Code)
	w.waitJS(`document.querySelector('#idle-dialog').open`, 5*time.Second)
	w.check("idle-warning", true)
	w.tap("#idle-continue")
	w.waitJS(`!document.querySelector('#idle-dialog').open`, 2*time.Second)
	w.do(chromedp.EmulateViewport(600, 960))
	w.waitJS(`document.querySelector('#idle-dialog').open`, 5*time.Second)
	w.check("idle-warning-portrait", true)
	w.tap("#idle-continue")
	w.check("question-portrait", true)
}
