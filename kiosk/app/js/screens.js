// The screens, as DOM built from the survey definition and the messages.
// Each render function returns a view: {title, back, center, main, footer,
// langs, idle}; main.js mounts it into the header/main/footer of index.html
// and owns all state. Layout rules (sizes, wording) are in UX.md §1.

import { h, svg } from './dom.js';
import { faceMarkup } from './faces.js';
import { iconMarkup } from './icons.js';
import { optionValue } from './session.js';

/** checkBadge is the check mark shown on a selected card (never colour alone). */
function checkBadge() {
  return h('span', { class: 'check', 'aria-hidden': 'true' }, svg(iconMarkup('check', 'check-icon')));
}

/** card is a tappable option: optional face or icon, the words, the check mark. */
function card({ cls, label, face, icon, selected, value, onTap }) {
  return h('button', {
    type: 'button',
    class: ['card', cls, selected && 'selected'],
    'aria-pressed': selected ? 'true' : 'false',
    'data-value': value,
    on: { click: onTap },
  },
  face ? svg(faceMarkup(face)) : null,
  icon && iconMarkup(icon) ? svg(iconMarkup(icon, 'card-icon')) : null,
  h('span', { class: 'label', text: label }),
  checkBadge());
}

/** scaleBlock renders the answer cards of a scale question and its NA button. */
function scaleBlock(app, step) {
  const { i18n } = app;
  const q = step.q;
  const scale = q.scale || { options: [] };
  const ans = app.session.answers[q.code];
  const answered = q.code in app.session.answers;
  const opts = scale.options || [];
  const faces = h('div', { class: ['faces', `n${opts.length}`], role: 'group', 'aria-labelledby': 'q-text' },
    opts.map((o) => {
      const v = optionValue(o);
      return card({
        cls: o.face ? 'face-card' : 'face-card no-face',
        label: i18n.text(o.label),
        face: o.face,
        selected: answered && ans === v,
        value: String(v),
        onTap: (ev) => app.choose(step, v, ev.currentTarget),
      });
    }));
  const naText = i18n.text(scale.na);
  const na = naText
    ? h('button', {
      type: 'button',
      class: ['na', answered && ans === null && 'selected'],
      'aria-pressed': answered && ans === null ? 'true' : 'false',
      'data-value': 'na',
      on: { click: (ev) => app.choose(step, null, ev.currentTarget) },
    }, h('span', { class: 'label', text: naText }), checkBadge())
    : null;
  return [faces, na];
}

/**
 * questionHeading renders a question as the screen's h1; a trailing
 * parenthetical hint ("(có thể chọn nhiều ý)") is set smaller, so the
 * question itself stands out and the heading keeps to fewer lines.
 */
function questionHeading(text) {
  const m = /^(.*\S)\s+(\([^()]+\))$/.exec(text);
  if (!m) return h('h1', { id: 'q-text', class: 'question', text });
  return h('h1', { id: 'q-text', class: 'question' }, m[1], ' ', h('span', { class: 'hint', text: m[2] }));
}

/** labelOf finds the words of an answer to a scale question, for "Ông/Bà đã chọn". */
function labelOf(app, q, value) {
  if (value === null) return app.i18n.text(q.scale && q.scale.na);
  const o = ((q.scale && q.scale.options) || []).find((x) => optionValue(x) === value);
  return o ? app.i18n.text(o.label) : '';
}

function privacyNote(app) {
  return h('p', { class: 'privacy', text: app.i18n.t('kiosk.privacy') });
}

/**
 * homeFooter holds the staff corner's long-press target (the agency mark,
 * bottom left), the audio slot and the privacy footnote.
 */
function homeFooter(app) {
  // The "🔊 Nghe đọc câu hỏi" button keeps its place in the layout, but
  // stays hidden until recorded human voices exist (UX.md §1 "Audio": a
  // recorded voice, never synthetic speech). Unhide it when the recordings
  // and the audio mode (first touch reads, second chooses) are built.
  const audio = h('button', { type: 'button', class: 'audio', hidden: true },
    svg(iconMarkup('volume-2', 'icon')), h('span', { text: app.i18n.t('kiosk.audio') }));
  return h('div', { class: 'foot home-foot' },
    h('div', { id: 'staff-trigger', class: 'emblem', 'aria-hidden': 'true' }, svg(iconMarkup('landmark', 'emblem-icon'))),
    audio,
    privacyNote(app));
}

function actionButton(cls, text, onTap, id) {
  return h('button', { type: 'button', class: ['btn', cls], id, on: { click: onTap } }, h('span', { text }));
}

/** Home of the quick rating: the question itself. */
export function quickHome(app) {
  const { i18n } = app;
  const step = app.session.step;
  const main = h('div', { class: 'screen question-screen home' },
    questionHeading(i18n.text(step.q.text)),
    h('p', { class: 'subtitle', text: i18n.t('kiosk.home.subtitle') }),
    scaleBlock(app, step));
  return { title: i18n.t('kiosk.page.home'), main, footer: homeFooter(app), idle: app.session.started };
}

/** Welcome of a full questionnaire: one big start button. */
export function welcome(app) {
  const { i18n } = app;
  const def = app.session.def;
  const total = app.session.steps.filter((s) => s.type === 'question').length;
  const duration = i18n.text(def.duration);
  const size = duration
    ? i18n.t('kiosk.welcome.size', { Count: total, Duration: duration.charAt(0).toLocaleLowerCase(i18n.lang) + duration.slice(1) })
    : i18n.t('kiosk.welcome.count', { Count: total });
  const main = h('div', { class: 'screen welcome' },
    h('h1', { class: 'question', text: i18n.t('kiosk.welcome.heading') }),
    h('p', { class: 'lead', text: i18n.text(def.title) }),
    h('p', { class: 'body', text: size + ' ' + i18n.t('kiosk.welcome.how') }),
    actionButton('primary start', i18n.t('kiosk.welcome.start'), () => app.start(), 'start'));
  return { title: i18n.t('kiosk.page.welcome'), main, footer: homeFooter(app), idle: app.session.started };
}

/** One scored item of a full questionnaire. */
export function question(app) {
  const { i18n } = app;
  const step = app.session.step;
  const progress = i18n.t('kiosk.progress', { N: step.n, Total: step.total });
  const center = h('p', { class: 'kicker' },
    h('span', { class: 'progress', text: progress }),
    h('span', { class: 'sep', 'aria-hidden': 'true', text: ' · ' }),
    h('span', { class: 'element', text: i18n.text(step.element.title) }));
  // The element's note from the official form, such as the results element's
  // "(Có thể là được cấp giấy tờ hoặc bị từ chối cấp giấy tờ)".
  const note = i18n.text(step.element.intro);
  const main = h('div', { class: 'screen question-screen' },
    questionHeading(i18n.text(step.q.text)),
    note ? h('p', { class: 'intro', text: note }) : null,
    scaleBlock(app, step));
  const footer = h('div', { class: 'foot' }, privacyNote(app),
    actionButton('secondary stop', i18n.t('kiosk.stop'), () => app.stop(), 'stop'));
  return { title: i18n.t('kiosk.page.question', { N: step.n, Total: step.total }), back: true, center, main, footer, idle: true };
}

/** choiceBlock renders the option cards of a single/multi/profile question. */
function choiceBlock(app, step, { multi, autoNext }) {
  const q = step.q;
  const ans = app.session.answers[q.code];
  const picked = (code) => (Array.isArray(ans) ? ans.includes(code) : ans === code);
  const opts = q.options || [];
  const cols = opts.length <= 3 ? opts.length : opts.length === 4 ? 2 : multi && opts.length <= 6 ? 2 : 3;
  return h('div', { class: ['choices', `cols-${cols}`], role: 'group', 'aria-labelledby': 'q-text' },
    opts.map((o) => card({
      cls: 'choice-card',
      label: app.i18n.text(o.label),
      icon: o.icon,
      selected: picked(o.code),
      value: o.code,
      onTap: (ev) => (multi ? app.toggle(step, o.code, ev.currentTarget) : app.pick(step, o.code, ev.currentTarget, autoNext)),
    })));
}

/** chosenRow repeats the answer a follow-up depends on, with "Chọn lại". */
function chosenRow(app, step) {
  const c = step.q.show_if;
  if (!c) return null;
  const target = app.session.steps.find((s) => s.q && s.q.code === c.question);
  if (!target || !target.q.scale || !(c.question in app.session.answers)) return null;
  const v = app.session.answers[c.question];
  const opt = (target.q.scale.options || []).find((o) => optionValue(o) === v);
  return h('div', { class: 'chosen' },
    opt && opt.face ? svg(faceMarkup(opt.face)) : null,
    h('p', { class: 'chosen-text', text: app.i18n.t('kiosk.chosen', { Label: labelOf(app, target.q, v) }) }),
    actionButton('secondary again', app.i18n.t('kiosk.choose_again'), () => app.chooseAgain(c.question), 'choose-again'));
}

/** Follow-up of the quick rating (after answers 1–3): reasons, "Gửi đánh giá", "Bỏ qua". */
export function followup(app) {
  const { i18n } = app;
  const step = app.session.step;
  const multi = step.q.kind === 'multi';
  const last = app.session.isLast();
  const main = h('div', { class: 'screen followup' },
    chosenRow(app, step),
    questionHeading(i18n.text(step.q.text)),
    choiceBlock(app, step, { multi, autoNext: false }));
  // The two answers to this screen sit in the footer, always in view.
  const footer = h('div', { class: 'foot actions' },
    actionButton('secondary skip', i18n.t('kiosk.followup.skip'), () => app.skip(step), 'skip'),
    actionButton('primary send', last ? i18n.t('kiosk.followup.send') : i18n.t('kiosk.next'), () => app.proceed(), 'send'));
  return { title: i18n.t('kiosk.page.followup'), back: true, center: h('span'), main, footer, idle: true };
}

/** The offer, after the scored block, to answer the optional parts. */
export function more(app) {
  const { i18n } = app;
  const parts = app.session.optionalParts();
  const count = app.session.steps.filter((s) => s.type === 'optional' && app.session.shown(s)).length;
  const main = h('div', { class: 'screen more' },
    h('h1', { class: 'question', text: i18n.t('kiosk.more.heading') }),
    h('p', { class: 'body', text: i18n.t('kiosk.more.body', { Count: count }) }),
    h('ul', { class: 'parts' }, parts.map((p) => h('li', { text: i18n.text(p.title) }))),
    h('div', { class: 'actions' },
      actionButton('secondary more-yes', i18n.t('kiosk.more.continue'), () => app.proceed(), 'more-yes'),
      actionButton('primary send', i18n.t('kiosk.more.send'), () => app.finish(false), 'send')));
  return { title: i18n.t('kiosk.page.more'), back: true, center: h('span'), main, footer: h('div', { class: 'foot' }, privacyNote(app)), idle: true };
}

/** One optional question (integrity, priorities, profile): clearly marked optional. */
export function optional(app) {
  const { i18n } = app;
  const step = app.session.step;
  const multi = step.q.kind === 'multi';
  const { n, total } = app.session.optionalProgress();
  const center = h('p', { class: 'kicker' },
    h('span', { class: 'progress', text: i18n.t('kiosk.optional.progress', { N: n, Total: total }) }),
    h('span', { class: 'sep', 'aria-hidden': 'true', text: ' · ' }),
    h('span', { class: 'element', text: i18n.t('kiosk.optional.part', { Part: i18n.text(step.part.title) }) }));
  const intro = i18n.text(step.part.intro);
  const last = app.session.isLast();
  const main = h('div', { class: 'screen optional' },
    intro ? h('p', { class: 'intro', text: intro }) : null,
    questionHeading(i18n.text(step.q.text)),
    choiceBlock(app, step, { multi, autoNext: true }),
    multi ? h('div', { class: 'actions' },
      actionButton('primary next', last ? i18n.t('kiosk.followup.send') : i18n.t('kiosk.next'), () => app.proceed(), 'next')) : null);
  const footer = h('div', { class: 'foot' },
    actionButton('secondary skip', i18n.t('kiosk.optional.skip'), () => app.skip(step), 'skip'),
    actionButton('primary send', i18n.t('kiosk.more.send'), () => app.finish(false), 'send'));
  return { title: i18n.t('kiosk.page.optional', { N: n, Total: total }), back: true, center, main, footer, idle: true };
}

/** Thank-you, identical for every answer; home after thanks_seconds or a tap. */
export function thanks(app) {
  const { i18n, config } = app;
  const code = config && config.counter ? config.counter.code : '';
  const qr = code
    ? h('figure', { class: 'qr' },
      h('img', { src: `../q/${encodeURIComponent(code)}/qr.svg`, alt: i18n.t('kiosk.thanks.qr_alt'), width: 200, height: 200 }),
      h('figcaption', { text: i18n.t('kiosk.thanks.qr') }))
    : null;
  const main = h('div', { class: 'screen thanks' },
    h('div', { class: 'thanks-text' },
      h('h1', { class: 'question', text: i18n.t('kiosk.thanks.heading') }),
      h('p', { class: 'body', text: i18n.t('kiosk.thanks.body') }),
      actionButton('primary home-btn', i18n.t('kiosk.thanks.done'), () => app.goHome({ afterSubmit: true }), 'done')),
    qr);
  return { title: i18n.t('kiosk.page.thanks'), main, footer: null, langs: false, idle: false };
}

/** Loading, before messages, config or survey are at hand. */
export function loading(app) {
  const main = h('div', { class: 'screen loading' },
    h('div', { class: 'spinner', 'aria-hidden': 'true' }),
    h('p', { class: 'body', role: 'status', text: app.i18n.has(app.i18n.lang) ? app.i18n.t('kiosk.loading') : '' }));
  return { title: app.i18n.has(app.i18n.lang) ? app.i18n.t('kiosk.page.loading') : document.title, main, footer: null, langs: false, idle: false };
}

/** keypad is the big numeric pad of the pairing and PIN screens. */
export function keypad(app, input, onEnter) {
  const put = (d) => {
    if (input.value.length < 6) input.value += d;
    input.dispatchEvent(new Event('input'));
  };
  const key = (label, cls, fn, name, aria) => h('button', {
    type: 'button', class: ['key', cls], 'data-key': name, 'aria-label': aria, on: { click: fn },
  }, label);
  const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => key(d, 'digit', () => put(d), d));
  keys.push(key(app.i18n.t('kiosk.keypad.clear'), 'clear', () => { input.value = ''; input.dispatchEvent(new Event('input')); }, 'clear'));
  keys.push(key('0', 'digit', () => put('0'), '0'));
  keys.push(key(svg(iconMarkup('delete', 'icon')), 'backspace', () => {
    input.value = input.value.slice(0, -1);
    input.dispatchEvent(new Event('input'));
  }, 'backspace', app.i18n.t('kiosk.keypad.backspace')));
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') onEnter();
  });
  return h('div', { class: 'keypad' }, keys);
}

/** codeInput is the 6-digit field of the pairing and PIN screens. */
export function codeInput(id, { masked = false, describedBy } = {}) {
  const input = h('input', {
    id, class: 'code-input', type: masked ? 'password' : 'text', inputmode: 'none', autocomplete: 'off',
    maxlength: 6, spellcheck: 'false', 'aria-describedby': describedBy,
  });
  input.addEventListener('input', () => {
    const clean = input.value.replace(/\D/g, '').slice(0, 6);
    if (clean !== input.value) input.value = clean;
  });
  return input;
}

/** pairing asks staff for the 6-digit pairing code (no token yet, or it was revoked). */
export function pairing(app, { error, busy, code }) {
  const { i18n } = app;
  const input = codeInput('pair-code', { describedBy: 'pair-help pair-error' });
  input.value = code || '';
  const submit = () => app.pair(input.value);
  const main = h('div', { class: 'screen pair' },
    h('div', { class: 'pair-form' },
      h('h1', { class: 'question', text: i18n.t('kiosk.pair.heading') }),
      h('p', { id: 'pair-help', class: 'body', text: i18n.t('kiosk.pair.intro') }),
      h('label', { for: 'pair-code', class: 'field-label', text: i18n.t('kiosk.pair.code_label') }),
      input,
      h('p', { id: 'pair-error', class: ['error', !error && 'empty'], role: 'alert', text: error || '' }),
      actionButton('primary', busy ? i18n.t('kiosk.pair.working') : i18n.t('kiosk.pair.submit'), submit, 'pair-submit'),
      // Offline start needs a secure context (service workers): say so
      // where staff set the tablet up, with the way to fix it.
      !window.isSecureContext && h('p', { id: 'pair-insecure', class: 'body notice' },
        i18n.t('kiosk.pair.insecure'), ' ',
        h('a', { href: '/ca', text: i18n.t('kiosk.pair.install_ca') }))),
    keypad(app, input, submit));
  return { title: i18n.t('kiosk.page.pair'), main, footer: null, center: h('p', { class: 'app-name', text: i18n.t('kiosk.app_name') }), idle: false, focus: input };
}
