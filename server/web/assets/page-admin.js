// The administrator's page (#/admin): people and accounts, the roster import (admin-roster.js)
// and the consent register (admin-consent.js, R7). The admin sees no recording content:
// nothing here reads a recording.
//   GET  /api/admin/people?offset=N   the roster (5000 per page)
//   GET  /api/admin/accounts          every account
//   POST /api/admin/accounts          {person_id, username} -> the one-time password, shown once
//   POST /api/admin/accounts/{id}/reset-password | unlock | deactivate
import { consentSection } from './admin-consent.js';
import { rosterSection } from './admin-roster.js';
import { api } from './api.js';
import { field, fill, formatDate, h, isoDay, notice } from './dom.js';
import { errorText, lang, t } from './i18n.js';
import { jumpNav, loadingLine, ovSection, table } from './oversight-ui.js';

const kRoles = ['staff', 'pupil', 'guardian', 'admin', 'privacy_officer'];
const kPeoplePage = 5000; // what GET /api/admin/people returns at most per request
const kShown = 50; // rows of the people table shown before "show more"

function rolesLabel(roles) {
  return (roles || []).map((r) => t(`role_${r}`)).join(', ');
}

// "Anna de Vries-Smit" -> "anna.vries-smit": a suggestion the admin may change.
function suggestUsername(name) {
  const words = (name || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .split(/\s+/).map((w) => w.replace(/[^a-z0-9-]/g, '')).filter(Boolean);
  if (words.length === 0) return '';
  const last = words[words.length - 1];
  const first = words[0];
  return (words.length > 1 ? `${first}.${last}` : first).replace(/^[-.]+/, '').slice(0, 64);
}

async function loadPeople() {
  const people = [];
  for (let offset = 0; offset < 1000000; offset += kPeoplePage) {
    const page = await api('GET', `/api/admin/people?offset=${offset}`);
    people.push(...page.people);
    if (page.people.length < kPeoplePage) break;
  }
  return people;
}

async function reloadAccounts(state) {
  state.accounts = (await api('GET', '/api/admin/accounts')).accounts;
  state.accountByPerson = new Map(state.accounts.map((a) => [a.person_id, a]));
}

async function reloadAll(state) {
  const [people] = await Promise.all([loadPeople(), reloadAccounts(state)]);
  state.people = people;
  state.byId = new Map(people.map((p) => [p.id, p]));
}

// A button that asks "are you sure?" in place before doing `action`.
function confirmingButton(label, question, confirmLabel, action, danger = false) {
  const slot = h('span', { class: 'ov-confirm-slot' });
  const start = h('button', { type: 'button', class: danger ? 'ov-small danger' : 'ov-small' },
    label);
  const reset = () => {
    fill(slot, start);
  };
  start.addEventListener('click', () => {
    const yes = h('button', { type: 'button', class: danger ? 'ov-small danger' : 'ov-small primary' },
      confirmLabel);
    const no = h('button', { type: 'button', class: 'ov-small' }, t('admin_cancel'));
    const text = h('span', { class: 'ov-confirm-text', role: 'alert' }, question);
    fill(slot, h('span', { class: 'ov-confirm' }, text, yes, no));
    no.addEventListener('click', () => {
      reset();
      start.focus();
    });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      no.disabled = true;
      await action();
    });
    no.focus();
  });
  reset();
  return slot;
}

// The functions below draw the people-and-accounts section. `view` holds its nodes, the page's
// `state` and `ctx`, and `onConsent(personId)`, which opens a pupil's consent register.

// The one-time password of a new or reset account, shown once until the admin closes it.
function showPassword(view, account, password, reset) {
  const close = h('button', { type: 'button' }, t('admin_password_done'));
  const copy = h('button', { type: 'button' }, t('admin_password_copy'));
  const copied = h('span', { class: 'hint', 'aria-live': 'polite' });
  const box = h('div', { class: 'ov-otp', role: 'region', tabindex: '-1',
    'aria-label': t('admin_password_title') },
  h('p', { class: 'ov-otp-title' },
    t(reset ? 'admin_password_reset_for' : 'admin_password_for',
      { name: account.display_name || '', user: account.username || '' })),
  h('p', { class: 'ov-otp-value', dataset: { testid: 'one-time-password' } },
    h('code', {}, password)),
  h('p', {}, t('admin_password_once')),
  h('div', { class: 'actions' }, copy, close, copied));
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(password);
      copied.textContent = t('admin_password_copied');
    } catch {
      copied.textContent = t('admin_password_copy_failed');
    }
  });
  close.addEventListener('click', () => {
    fill(view.passwordSlot);
    view.search.focus();
  });
  fill(view.passwordSlot, box);
  box.focus();
}

function accountCell(account) {
  if (!account) return h('td', {}, h('span', { class: 'ov-muted' }, t('admin_no_account')));
  const badges = [];
  badges.push(account.active
    ? h('span', { class: 'ov-badge ok' }, t('admin_account_active'))
    : h('span', { class: 'ov-badge off' }, t('admin_account_inactive')));
  if (account.locked) badges.push(h('span', { class: 'ov-badge warn' }, t('admin_account_locked')));
  if (account.active && account.must_change_password) {
    badges.push(h('span', { class: 'ov-badge' }, t('admin_account_must_change')));
  }
  badges.push(h('span', { class: 'ov-badge' },
    t(account.totp_enrolled ? 'admin_account_totp_on' : 'admin_account_totp_off')));
  return h('td', {}, h('code', { class: 'ov-mono' }, account.username), ' ',
    h('span', { class: 'ov-badges' }, badges));
}

// Replaces `cell` with a form for a new account for `person`.
function createAccountForm(view, person, cell) {
  const username = h('input', { autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none',
    maxlength: 64, value: suggestUsername(person.name) });
  const wrap = field(t('admin_username_for', { name: person.name }), username,
    t('admin_username_hint'));
  const submit = h('button', { type: 'submit', class: 'ov-small primary' }, t('admin_create'));
  const cancel = h('button', { type: 'button', class: 'ov-small' }, t('admin_cancel'));
  const form = h('form', { class: 'ov-inline-form', novalidate: true }, wrap,
    h('div', { class: 'actions' }, submit, cancel));
  cancel.addEventListener('click', () => {
    renderPeople(view);
    focusRow(view, person.id);
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = username.value.trim().toLowerCase();
    if (!/^[a-z0-9][a-z0-9._-]{2,63}$/.test(name)) {
      wrap.showError(t('admin_username_invalid'));
      username.focus();
      return;
    }
    wrap.showError('');
    submit.disabled = true;
    try {
      const issued = await api('POST', '/api/admin/accounts', { person_id: person.id,
        username: name });
      await reloadAccounts(view.state);
      const p = view.state.byId.get(person.id);
      if (p) p.has_account = true;
      renderPeople(view);
      showPassword(view, issued, issued.password, false);
    } catch (error) {
      wrap.showError(errorText(error));
      submit.disabled = false;
      username.focus();
    }
  });
  fill(cell, form);
  username.focus();
  username.select();
}

// After the table is redrawn, keep the keyboard near where it was.
function focusRow(view, personId) {
  const row = view.body.querySelector(`tr[data-person-id="${personId}"]`);
  const target = row && (row.querySelector('button') || row.querySelector('th'));
  if (target) target.focus();
}

function focusNotice(view, node) {
  node.tabIndex = -1;
  fill(view.status, node);
  node.focus();
}

// Reset password, unlock and deactivate for someone else's account, each confirmed first.
function accountButtons(view, person, account) {
  const buttons = [];
  const who = { user: account.username };
  const done = async (promise, message) => {
    try {
      const answer = await promise;
      await reloadAccounts(view.state);
      renderPeople(view);
      if (answer && answer.password) {
        showPassword(view, { ...account, display_name: person.name }, answer.password, true);
      } else {
        focusNotice(view, notice('ok', message));
      }
    } catch (error) {
      renderPeople(view);
      focusNotice(view, notice('error', errorText(error)));
    }
  };
  if (account.active) {
    buttons.push(confirmingButton(t('admin_reset'), t('admin_reset_confirm', who),
      t('admin_reset_yes'),
      () => done(api('POST', `/api/admin/accounts/${account.id}/reset-password`))));
  }
  if (account.locked) {
    buttons.push(confirmingButton(t('admin_unlock'), t('admin_unlock_confirm', who),
      t('admin_unlock_yes'),
      () => done(api('POST', `/api/admin/accounts/${account.id}/unlock`),
        t('admin_unlocked', who))));
  }
  if (account.active) {
    buttons.push(confirmingButton(t('admin_deactivate'), t('admin_deactivate_confirm', who),
      t('admin_deactivate_yes'),
      () => done(api('POST', `/api/admin/accounts/${account.id}/deactivate`),
        t('admin_deactivated', who)), true));
  }
  return buttons;
}

function actionsCell(view, person, account) {
  const cell = h('td', { class: 'ov-actions' });
  const buttons = [];
  if (!account) {
    buttons.push(h('button', { type: 'button', class: 'ov-small',
      onclick: () => createAccountForm(view, person, cell) }, t('admin_create_account')));
  } else if (account.id === view.ctx.me.id) {
    // Your own account: no reset or deactivation from here, so you cannot lock yourself out.
    buttons.push(h('span', { class: 'ov-muted' }, t('admin_own_account')));
  } else {
    buttons.push(...accountButtons(view, person, account));
  }
  if (account && !account.active) {
    buttons.push(h('span', { class: 'ov-muted' }, t('admin_inactive_note')));
  }
  if (person.roles.includes('pupil')) {
    buttons.push(h('button', { type: 'button', class: 'ov-small',
      onclick: () => view.onConsent(person.id) }, t('admin_consent_button')));
  }
  cell.append(h('div', { class: 'ov-buttons' }, buttons));
  return cell;
}

function matches(state, person) {
  if (state.role && !person.roles.includes(state.role)) return false;
  if (!state.filter) return true;
  const account = state.accountByPerson.get(person.id);
  const hay = `${person.name} ${person.external_id} ${account ? account.username : ''}`
    .toLowerCase();
  return state.filter.split(/\s+/).every((word) => hay.includes(word));
}

function personRow(view, person, today) {
  const { state } = view;
  const account = state.accountByPerson.get(person.id);
  const left = person.left_on && person.left_on < today;
  return h('tr', { dataset: { personId: person.id } },
    h('th', { scope: 'row' }, person.name,
      left ? h('span', { class: 'ov-badge off' },
        t('admin_left_on', { date: formatDate(person.left_on, lang()) })) : null),
    h('td', {}, h('code', { class: 'ov-mono' }, person.external_id)),
    h('td', {}, rolesLabel(person.roles),
      person.guardian_of && person.guardian_of.length ? h('p', { class: 'hint' },
        t('admin_guardian_of', { names: person.guardian_of
          .map((id) => (state.byId.get(id) ? state.byId.get(id).name : `#${id}`)).join(', ') }))
        : null),
    accountCell(account),
    actionsCell(view, person, account));
}

function renderPeople(view) {
  const { state } = view;
  const found = state.people.filter((person) => matches(state, person));
  const visible = found.slice(0, state.shown);
  const today = isoDay();
  const rows = visible.map((person) => personRow(view, person, today));
  const more = found.length > visible.length
    ? h('button', { type: 'button', onclick: () => { state.shown += kShown; renderPeople(view); } },
      t('admin_show_more', { n: Math.min(kShown, found.length - visible.length) }))
    : null;
  fill(view.body,
    h('p', { class: 'ov-count', 'aria-live': 'polite' },
      t('admin_people_count', { shown: visible.length, found: found.length,
        total: state.people.length })),
    found.length === 0 ? notice('info', state.people.length === 0 ? t('admin_people_none')
      : t('admin_people_no_match'))
      : table(null, [t('admin_col_name'), t('admin_col_external_id'), t('admin_col_roles'),
        t('admin_col_account'), t('admin_col_actions')], rows, { dataset: { testid: 'people' } }),
    more);
}

// The people-and-accounts section with its search and role filter; returns its view.
function peopleSection(state, ctx) {
  const search = h('input', { type: 'search', autocomplete: 'off', spellcheck: 'false' });
  const roleFilter = h('select', {},
    h('option', { value: '' }, t('admin_filter_role_all')),
    kRoles.map((r) => h('option', { value: r }, t(`role_${r}`))));
  const view = { state, ctx, search, filterTimer: null, onConsent: () => {},
    status: h('div', { class: 'form-status' }), passwordSlot: h('div', {}), body: h('div', {}) };
  view.section = ovSection('adm-people-h', t('admin_people_title'),
    h('p', { class: 'hint' }, t('admin_people_lead')),
    h('div', { class: 'ov-toolbar' },
      field(t('admin_filter'), search, t('admin_filter_hint')),
      field(t('admin_filter_role'), roleFilter)),
    view.passwordSlot, view.status, view.body);
  search.addEventListener('input', () => {
    clearTimeout(view.filterTimer);
    view.filterTimer = setTimeout(() => {
      state.filter = search.value.trim().toLowerCase();
      state.shown = kShown;
      renderPeople(view);
    }, 150);
  });
  roleFilter.addEventListener('change', () => {
    state.role = roleFilter.value;
    state.shown = kShown;
    renderPeople(view);
  });
  return view;
}

export async function show(main, ctx) {
  if (!ctx.me.roles.includes('admin')) {
    fill(main, h('h1', {}, t('admin_title')), notice('error', t('admin_not_allowed')));
    return null;
  }

  const state = { people: [], accounts: [], byId: new Map(), accountByPerson: new Map(),
    filter: '', role: '', shown: kShown };
  const people = peopleSection(state, ctx);
  let consent = null;
  const roster = rosterSection(ctx, async () => {
    await reloadAll(state);
    renderPeople(people);
    consent.fillPupils();
  });
  consent = consentSection(state);
  people.onConsent = (personId) => consent.choosePupil(personId, true);

  fill(main,
    h('h1', {}, t('admin_title')),
    h('p', { class: 'lead' }, t('admin_lead')),
    jumpNav(t('admin_jump_label'), [people.section, roster, consent.section]),
    people.section, roster, consent.section);

  fill(people.body, loadingLine());
  try {
    await reloadAll(state);
    renderPeople(people);
    consent.fillPupils();
  } catch (error) {
    fill(people.body, notice('error', errorText(error)));
  }
  return () => clearTimeout(people.filterTimer);
}
