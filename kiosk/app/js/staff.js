// The staff corner ("Dành cho cán bộ", UX.md §1): a 3-second press on the
// agency mark at the bottom left of home opens a 6-digit PIN pad; the PIN is
// checked on the tablet against the config's PBKDF2 verifier (pin.js). Five
// wrong PINs in a row lock the pad for a minute, each further five for twice
// as long, up to an hour; reloading the app does not reset it. The panel shows
// the state of the tablet and lets staff choose the officer on duty,
// re-pair or restart. It cannot show, enter or delete responses. It closes
// after 30 s without a touch.

import { h } from './dom.js';
import { IdleTimer } from './idle.js';
import { staffPinHash } from './pin.js';
import { store } from './store.js';
import { APP_VERSION } from './version.js';
import { codeInput, keypad } from './screens.js';

const LONG_PRESS_MS = 3000;
const STAFF_IDLE_MS = 30000;
const MAX_TRIES = 5;
const LOCK_MS = 60000;
const LOCK_MAX_MS = 3600000;

/** longPress calls fn after the pointer stayed down on el for ms. */
export function longPress(el, ms, fn) {
  let timer = null;
  const cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  el.addEventListener('pointerdown', (ev) => {
    cancel();
    el.setPointerCapture?.(ev.pointerId);
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  });
  for (const ev of ['pointerup', 'pointercancel', 'lostpointercapture']) el.addEventListener(ev, cancel);
  el.addEventListener('contextmenu', (ev) => ev.preventDefault());
}

/** Staff is the staff corner's state and screens. */
export class Staff {
  constructor(app) {
    this.app = app;
    this.mode = 'pin';
    this.error = '';
    this.checking = false;
    this.confirmRepair = false;
    this.info = null;
    this.idle = new IdleTimer({ idleMs: STAFF_IDLE_MS, warnMs: 0, onExpire: () => this.close() });
  }

  /** attach makes el the long-press trigger. */
  attach(el) {
    longPress(el, LONG_PRESS_MS, () => this.open());
  }

  get active() {
    return this.app.screen === 'staff';
  }

  open() {
    if (!this.app.config || !this.app.config.staff_pin) return;
    this.mode = 'pin';
    this.error = '';
    this.confirmRepair = false;
    this.app.showStaff();
    this.idle.start();
  }

  close() {
    this.idle.stop();
    if (this.active) this.app.goHome({});
  }

  /** touch keeps the corner open while staff use it. */
  touch() {
    if (this.active) this.idle.touch();
  }

  async checkPin(pin) {
    const t = this.app.i18n;
    if (this.checking) return; // one derivation at a time
    const lockedFor = store.staffLockUntil() - Date.now();
    if (lockedFor > 0) {
      this.error = lockedMessage(t, lockedFor);
      this.app.render();
      return;
    }
    this.checking = true;
    this.error = '';
    this.app.render();
    let got = null;
    try {
      got = pin.length === 6 ? await staffPinHash(this.app.config.staff_pin, pin) : null;
    } finally {
      this.checking = false;
    }
    if (got !== null && got === String(this.app.config.staff_pin.hash).toLowerCase()) {
      store.setStaffFails(0);
      this.mode = 'panel';
      this.error = '';
      await this.refresh();
      return;
    }
    const fails = store.staffFails() + 1;
    store.setStaffFails(fails);
    this.error = t.t('kiosk.staff.pin_wrong');
    if (fails % MAX_TRIES === 0) {
      const ms = Math.min(LOCK_MS * 2 ** (fails / MAX_TRIES - 1), LOCK_MAX_MS);
      store.setStaffLockUntil(Date.now() + ms);
      this.error = lockedMessage(t, ms);
    }
    this.app.render();
  }

  /** refresh re-reads the counts and redraws the panel, if it is showing. */
  async refresh() {
    if (!this.active || this.mode !== 'panel') return;
    const ob = this.app.outbox;
    const [counts, rejected, lastSync, battery] = await Promise.all([
      ob.counts(), ob.rejectedList(), ob.lastSync(), readBattery(),
    ]);
    this.info = { counts, rejected, lastSync, battery };
    if (this.active && this.mode === 'panel') this.app.render();
  }

  /** view renders the PIN pad or the panel. */
  view() {
    const t = this.app.i18n;
    const footer = h('div', { class: 'foot staff-foot' },
      h('button', { type: 'button', class: 'btn secondary', id: 'staff-close', on: { click: () => this.close() } }, h('span', { text: t.t('kiosk.staff.close') })));
    const center = h('span');
    if (this.mode === 'pin') {
      // The PIN field takes focus, so staff can type at once (keypad or keyboard).
      const main = this.#pinView();
      return { title: t.t('kiosk.page.staff_pin'), center, main, footer, idle: false, staff: true, focus: main.querySelector('#staff-pin') };
    }
    return { title: t.t('kiosk.page.staff'), center, main: this.#panelView(), footer, idle: false, staff: true };
  }

  #pinView() {
    const t = this.app.i18n;
    const input = codeInput('staff-pin', { masked: true, describedBy: 'staff-pin-error' });
    const submit = () => this.checkPin(input.value);
    return h('div', { class: 'screen pair staff' },
      h('div', { class: 'pair-form' },
        h('h1', { class: 'question', text: t.t('kiosk.staff.pin_heading') }),
        h('label', { for: 'staff-pin', class: 'field-label', text: t.t('kiosk.staff.pin_label') }),
        input,
        h('p', { id: 'staff-pin-error', class: ['error', !this.error && 'empty'], role: 'alert', text: this.error }),
        this.checking ? h('p', { id: 'staff-pin-checking', class: 'staff-note', role: 'status', text: t.t('kiosk.staff.checking') }) : null,
        h('button', { type: 'button', class: 'btn primary', id: 'staff-pin-submit', on: { click: submit } }, h('span', { text: t.t('kiosk.staff.open') }))),
      keypad(this.app, input, submit));
  }

  #panelView() {
    const app = this.app;
    const t = app.i18n;
    const cfg = app.config || {};
    const info = this.info || { counts: { queued: 0, rejected: 0 }, rejected: [], lastSync: '', battery: null };
    const online = app.online();
    const row = (label, value, id) => [h('dt', { text: label }), h('dd', { id, text: value })];
    const rows = [
      row(t.t('kiosk.staff.online'), online === false ? t.t('kiosk.staff.online_no') : online ? t.t('kiosk.staff.online_yes') : t.t('kiosk.staff.online_unknown'), 'staff-online'),
      row(t.t('kiosk.staff.last_sync'), info.lastSync ? app.formatTime(info.lastSync) : t.t('kiosk.staff.never'), 'staff-last-sync'),
      row(t.t('kiosk.staff.queued'), String(info.counts.queued), 'staff-queued'),
      row(t.t('kiosk.staff.rejected'), String(info.counts.rejected), 'staff-rejected'),
      row(t.t('kiosk.staff.version'), APP_VERSION, 'staff-version'),
      row(t.t('kiosk.staff.counter'), app.counterLabel() + (cfg.agency ? ' · ' + t.text(cfg.agency.name) : ''), 'staff-counter'),
      row(t.t('kiosk.staff.device'), String(cfg.device_id ?? ''), 'staff-device'),
      row(t.t('kiosk.staff.survey'), app.def ? `${app.def.id} (${String(app.def.version).slice(0, 12)})` : '', 'staff-survey'),
    ];
    if (info.battery) rows.push(row(t.t('kiosk.staff.battery'), t.t('kiosk.staff.battery_value', { Percent: info.battery.percent }) + (info.battery.charging ? ' · ' + t.t('kiosk.staff.charging') : ''), 'staff-battery'));

    const officers = cfg.officers || [];
    const current = store.officer() || '';
    const select = h('select', { id: 'staff-officer', on: { change: (ev) => { store.setOfficer(ev.target.value); } } },
      h('option', { value: '', text: t.t('kiosk.staff.officer_none') }),
      officers.map((o) => h('option', { value: o.code, selected: o.code === current, text: `${o.name} (${o.code})` })));

    const rejectedList = info.rejected.length
      ? h('ul', { class: 'rejected-list' }, info.rejected.map((r) => h('li', {
        text: t.t('kiosk.staff.rejected_item', { Time: app.formatTime(r.at), Status: r.status, Code: r.code || '–', Seq: r.seq ?? '' }),
      })))
      : null;

    const btn = (id, cls, text, fn) => h('button', { type: 'button', class: ['btn', cls], id, on: { click: fn } }, h('span', { text }));
    return h('div', { class: 'screen staff-panel' },
      h('h1', { class: 'staff-title', text: t.t('kiosk.staff.heading') }),
      h('div', { class: 'staff-grid' },
        h('div', {}, h('dl', { class: 'staff-facts' }, rows), h('p', { class: 'staff-note', text: t.t('kiosk.staff.note') })),
        h('div', { class: 'staff-actions' },
          h('label', { for: 'staff-officer', class: 'field-label', text: t.t('kiosk.staff.officer') }),
          select,
          btn('staff-sync', 'secondary', t.t('kiosk.staff.send_now'), async () => {
            app.outbox.resume();
            await app.outbox.idle();
            app.heartbeat();
            this.refresh();
          }),
          btn('staff-repair', this.confirmRepair ? 'warning' : 'secondary',
            this.confirmRepair ? t.t('kiosk.staff.repair_confirm') : t.t('kiosk.staff.repair'), () => {
              if (!this.confirmRepair) {
                this.confirmRepair = true;
                app.render();
                return;
              }
              this.idle.stop();
              app.repair();
            }),
          btn('staff-restart', 'secondary', t.t('kiosk.staff.restart'), () => location.reload()))),
      rejectedList ? h('div', { class: 'staff-rejected' }, h('h2', { text: t.t('kiosk.staff.rejected_heading') }), rejectedList) : null);
  }
}

/** lockedMessage says how long the pad stays locked, in seconds or, past two minutes, minutes. */
function lockedMessage(t, ms) {
  const seconds = Math.ceil(ms / 1000);
  if (seconds <= 120) return t.t('kiosk.staff.locked', { Seconds: seconds });
  return t.t('kiosk.staff.locked_minutes', { Minutes: Math.ceil(seconds / 60) });
}

async function readBattery() {
  try {
    if (!navigator.getBattery) return null;
    const b = await navigator.getBattery();
    return { percent: Math.round(b.level * 100), charging: b.charging };
  } catch {
    return null;
  }
}
