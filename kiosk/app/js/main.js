// The counter tablet: boots, pairs, shows the questionnaire of its counter,
// queues finished responses in the outbox and keeps the server informed.
// state.js holds the one state and its transitions; this file acts on them:
// screens.js draws, session.js walks the steps, outbox.js delivers, idle.js
// times out, staff.js is the staff corner.

import { Api, errorText } from './api.js';
import { h, svg } from './dom.js';
import { I18n, LANGS } from './i18n.js';
import { iconMarkup } from './icons.js';
import { IdleTimer } from './idle.js';
import { Outbox } from './outbox.js';
import * as screens from './screens.js';
import { Session } from './session.js';
import { KioskState } from './state.js';
import { Staff } from './staff.js';
import { store } from './store.js';
import { uuidv7 } from './uuid.js';
import { APP_VERSION } from './version.js';

// Defaults when the config lacks a value (UX.md §1).
const DEFAULTS = { idle_seconds: 45, idle_warning_seconds: 20, repeat_guard_ms: 1500, thanks_seconds: 6 };
const CONFIRM_MS = 600; // a tapped card stays highlighted this long before the next screen
const RETRY_BOOT_MS = 5000;

class App {
  constructor() {
    const tune = store.tuning();
    this.tune = {
      heartbeatMs: tune.heartbeat_ms || 60000,
      configRefreshMs: tune.config_refresh_ms || 300000,
    };
    this.i18n = new I18n();
    this.lastNet = null; // {ok, at} of the last API call
    this.api = new Api({
      token: () => store.token(),
      lang: () => this.i18n.lang,
      onResult: (res) => this.#noteNet(res.status !== 0 && res.status < 500 && !res.fromCache),
    });
    this.state = new KioskState({ newSession: (def) => new Session(def) });
    this.config = null;
    this.pairState = { error: '', busy: false };
    this.thanksTimer = null;
    this.langTimer = null;

    this.outbox = new Outbox({
      send: (body) => this.api.submit(body),
      onChange: () => this.staff.refresh(),
      onSynced: () => this.heartbeat(),
      onAuth: () => this.authLost(),
      baseMs: tune.retry_base_ms,
      capMs: tune.retry_cap_ms,
    });
    this.outbox.pause(); // until a token and config are at hand
    this.idle = new IdleTimer({
      idleMs: DEFAULTS.idle_seconds * 1000,
      warnMs: DEFAULTS.idle_warning_seconds * 1000,
      onWarn: (s) => this.#openIdle(s),
      onTick: (s) => this.#tickIdle(s),
      onResume: () => this.#closeIdle(),
      onExpire: () => this.#expire(),
    });
    this.staff = new Staff(this);

    this.el = {
      top: document.getElementById('topbar'),
      main: document.getElementById('main'),
      foot: document.getElementById('bottombar'),
      dialog: document.getElementById('idle-dialog'),
    };
  }

  /** The current citizen's session and the questionnaire, for screens.js and staff.js. */
  get session() {
    return this.state.session;
  }

  get def() {
    return this.state.def;
  }

  get screen() {
    return this.state.screen;
  }

  // ---- boot -------------------------------------------------------------

  async boot() {
    this.#listen();
    this.#registerWorker();
    this.mount(screens.loading(this));
    await this.#loadMessages();
    if (!store.token()) {
      this.showPairing();
      return;
    }
    const stored = store.config();
    if (stored) this.#applyConfig(stored);
    await this.#ready();
  }

  /** #ready loads config and survey (network first, stored copies second), then opens home. */
  async #ready() {
    for (;;) {
      if (!store.token()) return this.showPairing();
      await this.refreshConfig();
      if (!store.token()) return this.showPairing();
      if (this.config) {
        await this.#loadSurvey();
        if (this.state.def) break;
      }
      this.state.loading();
      this.mount(screens.loading(this));
      await sleep(RETRY_BOOT_MS);
    }
    this.outbox.resume();
    this.#startTimers();
    this.goHome({});
  }

  async #loadMessages() {
    for (;;) {
      await Promise.all(LANGS.map(async (lang) => {
        const res = await this.api.messages(lang);
        const msgs = res.status === 200 && res.body && res.body.messages;
        if (msgs) {
          this.i18n.set(lang, msgs);
          store.setCached('messages.' + lang, msgs);
        } else if (!this.i18n.has(lang)) {
          const cached = store.cached('messages.' + lang);
          if (cached) this.i18n.set(lang, cached);
        }
      }));
      if (this.i18n.has('vi')) return;
      await sleep(RETRY_BOOT_MS);
    }
  }

  /** refreshConfig fetches the device's config; a 401/403 means the pairing is gone. */
  async refreshConfig() {
    const res = await this.api.config();
    if (res.status === 200 && res.body) {
      store.setConfig(res.body);
      if (this.#applyConfig(res.body)) await this.#loadSurvey();
    } else if (res.status === 401 || res.status === 403) {
      this.authLost();
    } else if (!this.config) {
      this.config = store.config();
      if (this.config) this.#applyConfig(this.config);
    }
  }

  /** #applyConfig takes a config; true when it names another questionnaire, to be loaded. */
  #applyConfig(cfg) {
    const old = this.config;
    this.config = cfg;
    const num = (k) => (Number.isFinite(cfg[k]) && cfg[k] >= 0 ? cfg[k] : DEFAULTS[k]);
    this.idle.idleMs = Math.max(1, num('idle_seconds')) * 1000;
    this.idle.warnMs = Math.max(1, num('idle_warning_seconds')) * 1000;
    const officer = store.officer();
    if (officer && !(cfg.officers || []).some((o) => o.code === officer)) store.setOfficer(null);
    // Redraw an untouched home so a renamed counter shows at once.
    const same = (a, b) => JSON.stringify({ ...a, server_time: 0 }) === JSON.stringify({ ...b, server_time: 0 });
    if (this.state.atRest() && old && !same(old, cfg)) this.render();
    return !!old && old.survey !== cfg.survey;
  }

  async #loadSurvey() {
    const id = this.config.survey;
    const res = await this.api.survey(id);
    let def = res.status === 200 && res.body && res.body.id ? res.body : null;
    if (def) store.setCached('survey.' + id, def);
    else if (!this.state.def || this.state.def.id !== id) def = store.cached('survey.' + id);
    if (!def) return;
    // A new questionnaire waits for home; an untouched home takes it at once.
    if (this.state.definition(def) === 'pending' && this.state.atRest()) this.goHome({});
  }

  #startTimers() {
    if (this.timersStarted) return;
    this.timersStarted = true;
    this.heartbeat();
    setInterval(() => this.heartbeat(), this.tune.heartbeatMs);
    setInterval(async () => {
      if (!store.token()) return;
      await this.refreshConfig();
      if (this.config) await this.#loadSurvey();
      // The tablet never navigates, so ask for a new shell now and then, and
      // load it while nobody is using the tablet.
      navigator.serviceWorker?.getRegistration().then((r) => r && r.update()).catch(() => {});
      if (this.state.mayReload()) location.reload();
    }, this.tune.configRefreshMs);
  }

  /** heartbeat tells the server the tablet is alive and how its queue stands. */
  async heartbeat() {
    if (!store.token()) return;
    const { queued, rejected } = await this.outbox.counts();
    const res = await this.api.heartbeat({
      app_version: APP_VERSION, outbox: queued, rejected, last_sync: await this.outbox.lastSync(),
    });
    if (res.status === 401 || res.status === 403) this.authLost();
    this.staff.refresh();
  }

  #noteNet(ok) {
    const wasDown = this.lastNet && !this.lastNet.ok;
    this.lastNet = { ok, at: Date.now() };
    // Back in touch with the server: deliver what waited, without waiting for the backoff.
    if (ok && wasDown && store.token()) this.outbox.resume();
  }

  /** online is what the last request said: true, false, or null before any. */
  online() {
    return this.lastNet ? this.lastNet.ok : null;
  }

  #registerWorker() {
    if (!('serviceWorker' in navigator)) return; // plain-http origins: online-only shell, outbox still works
    const hadController = !!navigator.serviceWorker.controller;
    navigator.serviceWorker.register('sw.js', { scope: './' }).catch(() => {});
    // A new version took over: reload into it at the next quiet moment (home, untouched).
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      if (hadController) this.state.newVersion();
    });
  }

  #listen() {
    // Any touch or key counts as activity for the idle timers.
    const activity = () => {
      if (this.idle.warning) this.state.hold(300); // this touch only closes the warning
      this.idle.touch();
      this.staff.touch();
      this.#armLangReset();
    };
    document.addEventListener('pointerdown', activity, true);
    document.addEventListener('keydown', activity, true);
    // Taps during the 0.6 s confirmation and the repeat guard after a submit do nothing.
    document.addEventListener('click', (ev) => {
      if (!this.state.acceptsTaps()) {
        ev.preventDefault();
        ev.stopPropagation();
        return;
      }
      if (this.state.screen === 'thanks') {
        ev.preventDefault();
        ev.stopPropagation();
        this.goHome({ afterSubmit: true });
      }
    }, true);
    window.addEventListener('online', () => this.outbox.resume());
    this.el.main.addEventListener('scroll', () => this.#markOverflow(), { passive: true });
    window.addEventListener('resize', () => this.#markOverflow());
    this.el.dialog.addEventListener('cancel', (ev) => {
      ev.preventDefault(); // Escape extends, like any key
    });
  }

  // ---- pairing ------------------------------------------------------------

  showPairing() {
    this.idle.stop();
    this.#closeIdle();
    this.state.pairing();
    this.render();
  }

  async pair(code) {
    if (this.pairState.busy) return;
    const t = this.i18n;
    if (!/^\d{6}$/.test(code)) {
      this.pairState = { error: t.t('kiosk.pair.need_six'), busy: false, code };
      this.render();
      return;
    }
    this.pairState = { error: '', busy: true, code };
    this.render();
    const res = await this.api.pair(code, APP_VERSION);
    if (res.status === 201 || res.status === 200) {
      store.setToken(res.body.token);
      store.setOfficer(null);
      // A new device counts from 1, unless responses of the old pairing still
      // wait: they keep their numbers, so new ones must not repeat them.
      if ((await this.outbox.counts()).queued === 0) await this.outbox.resetSeq();
      this.config = null;
      this.state.paired();
      if (res.body.config) {
        this.#applyConfig(res.body.config);
        store.setConfig(res.body.config);
      }
      this.pairState = { error: '', busy: false };
      this.mount(screens.loading(this));
      await this.#ready();
      return;
    }
    const msg = res.status === 0 ? t.t('kiosk.pair.network') : errorText(res.body) || t.t('kiosk.pair.failed');
    this.pairState = { error: msg, busy: false, code };
    this.render();
  }

  /** authLost: the token was revoked or is unknown. Pair again once no citizen is mid-way. */
  authLost() {
    store.forget();
    this.outbox.pause();
    if (this.state.authLost()) this.showPairing();
  }

  /** repair forgets the token on staff request; queued responses stay and go after pairing. */
  repair() {
    store.forget();
    this.outbox.pause();
    this.config = null;
    this.state.unpaired();
    this.showPairing();
  }

  // ---- the citizen's path ---------------------------------------------------

  /** goHome starts a fresh session at home. */
  goHome({ afterSubmit = false, resetLang = false } = {}) {
    clearTimeout(this.thanksTimer);
    this.idle.stop();
    this.staff.idle.stop();
    this.#closeIdle();
    if (afterSubmit || resetLang) this.setLang('vi', false);
    const next = this.state.home({ hasToken: !!store.token(), afterSubmit, guardMs: this.#cfg('repeat_guard_ms') });
    if (next === 'reload') {
      location.reload();
      return;
    }
    this.render();
  }

  /** start leaves the welcome screen for the first item. */
  start() {
    if (this.session.next()) this.render();
  }

  /** choose answers a scale question (value null = NA), confirms 0.6 s, moves on. */
  choose(step, value, el) {
    if (this.state.confirming) return;
    this.session.set(step.q.code, value);
    this.#markSelected(el, true);
    this.#confirmThen(() => this.#advance());
  }

  /** pick answers a single-choice question; autoNext moves on like a face card. */
  pick(step, code, el, autoNext) {
    if (this.state.confirming) return;
    this.session.set(step.q.code, code);
    this.#markSelected(el, true);
    if (autoNext) this.#confirmThen(() => this.#advance());
  }

  /** toggle adds or removes a code of a multi-choice question. */
  toggle(step, code, el) {
    const cur = this.session.answers[step.q.code];
    const list = Array.isArray(cur) ? cur.slice() : [];
    const i = list.indexOf(code);
    if (i >= 0) list.splice(i, 1);
    else list.push(code);
    this.session.set(step.q.code, list);
    const on = i < 0;
    el.classList.toggle('selected', on);
    el.setAttribute('aria-pressed', on ? 'true' : 'false');
  }

  /** skip leaves a question unanswered and moves on. */
  skip(step) {
    this.session.unset(step.q.code);
    this.#advance();
  }

  /** proceed moves on without answering (follow-up submit, "Trả lời thêm", multi "Tiếp tục"). */
  proceed() {
    this.#advance();
  }

  back() {
    if (this.state.confirming) return;
    if (this.session.back()) this.render();
  }

  chooseAgain(code) {
    if (this.session.goTo(code)) this.render();
  }

  /** stop is "Dừng và gửi": what was answered goes as a partial response. */
  stop() {
    if (this.session.hasAnswers()) this.finish(true);
    else this.goHome({});
  }

  #advance() {
    if (this.session.next()) this.render();
    else this.finish(false);
  }

  #confirmThen(fn) {
    if (!this.state.confirm()) return;
    setTimeout(() => {
      if (this.state.confirmed()) fn();
    }, CONFIRM_MS);
  }

  #markSelected(el, exclusive) {
    if (exclusive) {
      const scope = el.closest('.screen') || this.el.main;
      for (const b of scope.querySelectorAll('.card.selected, .na.selected')) {
        b.classList.remove('selected');
        b.setAttribute('aria-pressed', 'false');
      }
    }
    el.classList.add('selected');
    el.setAttribute('aria-pressed', 'true');
  }

  /**
   * finish fixes the response (id, time, sequence number) and puts it in the
   * outbox. Thanks follows; after an idle timeout home follows at once.
   */
  async finish(partial, { viaIdle = false } = {}) {
    const sess = this.state.finish();
    if (!sess) return;
    const answers = sess.answersForBody();
    this.idle.stop();
    if (Object.keys(answers).length === 0) {
      this.goHome({ resetLang: viaIdle });
      return;
    }
    const body = {
      id: uuidv7(),
      survey: sess.def.id,
      version: sess.def.version,
      channel: 'kiosk',
      lang: this.i18n.lang,
      answered_at: new Date().toISOString(),
      partial,
      answers,
    };
    const officer = store.officer();
    if (officer) body.officer = officer;
    try {
      await this.outbox.add(body);
    } catch {
      // No IndexedDB (storage full or disabled): one direct attempt beats losing the answers.
      this.api.submit({ ...body, seq: 0 });
    }
    if (viaIdle) {
      this.goHome({ resetLang: true });
      return;
    }
    this.state.thanks();
    this.render();
    this.thanksTimer = setTimeout(() => {
      if (this.state.screen === 'thanks') this.goHome({ afterSubmit: true });
    }, this.#cfg('thanks_seconds') * 1000);
  }

  // ---- idle -----------------------------------------------------------------

  #openIdle(secs) {
    const t = this.i18n;
    const d = this.el.dialog;
    const total = Math.round(this.idle.warnMs / 1000);
    const bar = h('div', { class: 'bar-fill' });
    d.replaceChildren(h('div', { class: 'idle-box' },
      h('h2', { id: 'idle-title', class: 'question', text: t.t('kiosk.idle.heading') }),
      h('p', { id: 'idle-count', class: 'countdown', role: 'timer', 'aria-label': t.t('kiosk.idle.remaining', { Seconds: secs }), text: String(secs) }),
      h('div', { class: 'bar', 'aria-hidden': 'true' }, bar),
      h('p', { id: 'idle-desc', class: 'body', text: t.t('kiosk.idle.body', { Seconds: total }) }),
      h('button', { type: 'button', class: 'btn primary big', id: 'idle-continue', on: { click: () => this.idle.touch() } },
        h('span', { text: t.t('kiosk.idle.continue') }))));
    d.setAttribute('aria-labelledby', 'idle-title');
    d.setAttribute('aria-describedby', 'idle-desc');
    if (!d.open) d.showModal();
    d.querySelector('#idle-continue').focus();
    // One linear shrink over the whole warning; the digits carry the exact count.
    bar.style.transitionDuration = '0s';
    bar.style.transform = 'scaleX(1)';
    void bar.offsetWidth;
    bar.style.transitionDuration = `${this.idle.warnMs}ms`;
    bar.style.transform = 'scaleX(0)';
  }

  #tickIdle(secs) {
    const c = this.el.dialog.querySelector('#idle-count');
    if (!c) return;
    c.textContent = String(secs);
    c.setAttribute('aria-label', this.i18n.t('kiosk.idle.remaining', { Seconds: secs }));
  }

  #closeIdle() {
    const d = this.el.dialog;
    if (d.open) d.close();
    d.replaceChildren();
  }

  /** #expire: nobody answered the warning. Save what was answered, Vietnamese, home. */
  #expire() {
    this.#closeIdle();
    if (this.state.screen !== 'survey' || !this.session) return;
    if (this.session.hasAnswers()) this.finish(true, { viaIdle: true });
    else this.goHome({ resetLang: true });
  }

  /**
   * Home never times out, but a language left switched on an untouched home
   * quietly returns to Vietnamese after the same idle time, so the next
   * citizen does not find English.
   */
  #armLangReset() {
    clearTimeout(this.langTimer);
    if (this.i18n.lang === 'vi' || !this.config) return;
    const ms = (this.#cfg('idle_seconds') + this.#cfg('idle_warning_seconds')) * 1000;
    this.langTimer = setTimeout(() => {
      if (this.state.atRest() && this.i18n.lang !== 'vi') this.setLang('vi');
    }, ms);
  }

  // ---- language and drawing -----------------------------------------------

  /** setLang switches the language; answers are kept. */
  setLang(lang, redraw = true) {
    if (!LANGS.includes(lang)) return;
    this.i18n.lang = this.i18n.has(lang) ? lang : 'vi';
    document.documentElement.lang = this.i18n.lang;
    if (redraw) this.render();
    this.#armLangReset();
  }

  #cfg(k) {
    const v = this.config && this.config[k];
    return Number.isFinite(v) && v >= 0 ? v : DEFAULTS[k];
  }

  showStaff() {
    this.idle.stop();
    this.state.staff();
    this.render();
  }

  render() {
    let view;
    switch (this.state.screen) {
      case 'pair': view = screens.pairing(this, this.pairState); break;
      case 'thanks': view = screens.thanks(this); break;
      case 'staff': view = this.staff.view(); break;
      case 'survey': {
        const type = this.session.step.type;
        if (type === 'question' && this.session.quick) view = screens.quickHome(this);
        else view = screens[type](this);
        break;
      }
      default: view = screens.loading(this);
    }
    this.mount(view);
  }

  /** counterLabel is "Quầy số 3 – Đất đai". */
  counterLabel() {
    const c = this.config && this.config.counter;
    if (!c) return '';
    const name = this.i18n.text(c.name);
    // Some counters are named with their number already ("Quầy số 1 – Đất đai").
    if (!c.number || new RegExp(`(^|\\D)${c.number}(\\D|$)`).test(name)) return name;
    return this.i18n.t('kiosk.counter', { Number: c.number, Name: name });
  }

  formatTime(iso) {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    return new Intl.DateTimeFormat(this.i18n.lang === 'vi' ? 'vi-VN' : 'en-GB', {
      timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', second: '2-digit',
      day: '2-digit', month: '2-digit', year: 'numeric',
    }).format(d);
  }

  /** mount puts a view on screen: title, header, main, footer, idle timer. */
  mount(view) {
    this.view = view;
    const t = this.i18n;
    const appName = t.has(t.lang) ? t.t('kiosk.app_name') : '';
    document.title = appName ? `${view.title} – ${appName}` : view.title;
    document.documentElement.lang = t.lang;

    // Header: "Quay lại" top left, where we are, the language switch top right.
    const top = [];
    if (view.back) {
      top.push(h('button', { type: 'button', class: 'btn secondary back', id: 'back', on: { click: () => this.back() } },
        svg(iconMarkup('arrow-left', 'icon')), h('span', { text: t.t('kiosk.back') })));
    }
    top.push(h('div', { class: 'where' }, view.center || this.#counterInfo()));
    if (view.langs !== false && t.has('vi')) top.push(this.#langSwitch());
    this.el.top.replaceChildren(...top);

    this.el.main.replaceChildren(view.main);
    this.el.foot.replaceChildren(...(view.footer ? [view.footer] : []));
    this.el.foot.hidden = !view.footer;
    const step = this.state.screen === 'survey' && this.session ? this.session.step : null;
    document.body.dataset.screen = step ? step.type : this.state.screen;
    document.body.dataset.q = step && step.q ? step.q.code : '';

    const trigger = document.getElementById('staff-trigger');
    if (trigger) this.staff.attach(trigger);

    if (view.idle) this.idle.start();
    else this.idle.stop();

    // Move focus to the heading so screen readers start at the new screen;
    // programmatic focus does not draw a ring for touch users.
    const target = view.focus || this.el.main.querySelector('h1');
    if (target) {
      if (target.tagName === 'H1') target.tabIndex = -1;
      target.focus({ preventScroll: true });
    }
    this.el.main.scrollTop = 0;
    this.#markOverflow();
  }

  /** #markOverflow shows the "more below" cue while main has content out of view. */
  #markOverflow() {
    const m = this.el.main;
    m.classList.toggle('more-below', m.scrollTop + m.clientHeight < m.scrollHeight - 4);
  }

  #counterInfo() {
    const c = this.config;
    if (!c) return h('p', { class: 'app-name', text: this.i18n.has(this.i18n.lang) ? this.i18n.t('kiosk.app_name') : '' });
    return [
      h('p', { class: 'counter-name', text: this.counterLabel() }),
      c.agency ? h('p', { class: 'agency-name', text: this.i18n.text(c.agency.name) }) : null,
    ];
  }

  #langSwitch() {
    const t = this.i18n;
    return h('div', { class: 'langs', role: 'group', 'aria-label': t.t('kiosk.lang_switch') },
      LANGS.filter((l) => t.has(l) && (!this.config?.languages || this.config.languages.includes(l))).map((l) => h('button', {
        type: 'button', class: ['btn', 'lang', l === t.lang && 'current'], lang: l, id: 'lang-' + l,
        'aria-pressed': l === t.lang ? 'true' : 'false',
        on: { click: () => { if (l !== t.lang) this.setLang(l); } },
      }, svg(iconMarkup('check', 'icon lang-check')), h('span', { text: t.t('lang.' + l) }))));
  }
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

const app = new App();
window.kiosk = app; // for the staff's remote debugging and the browser tests' assertions
app.boot();
