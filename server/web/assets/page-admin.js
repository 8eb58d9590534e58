// The administrator's page (#/admin): people and accounts, the roster import, and the consent
// register (R7). The admin sees no recording content: nothing here reads a recording.
//   GET  /api/admin/people?offset=N   the roster (5000 per page)
//   GET  /api/admin/accounts          every account
//   POST /api/admin/accounts          {person_id, username} -> the one-time password, shown once
//   POST /api/admin/accounts/{id}/reset-password | unlock | deactivate
//   POST /api/admin/roster            the CSV as text/csv; 422 with every problem, nothing imported
//   GET  /api/admin/consent/{person}  a pupil's forms, history kept
//   POST /api/admin/consent           {pupil_id, category, form_date, given}
import { api, ApiError, getCsrfToken } from './api.js';
import { field, fill, formatDate, h, isoDay, notice, uid } from './dom.js';
import { errorText, lang, t } from './i18n.js';

// The categories the service is configured with by default (acl/consent.h). The API does not
// list the configured ones; a form in another category still shows, under its own name.
const kConsentCategories = ['school_guide', 'website', 'social_media', 'newsletter',
  'guardian_access_recordings'];
const kRoles = ['staff', 'pupil', 'guardian', 'admin', 'privacy_officer'];
const kPeoplePage = 5000; // what GET /api/admin/people returns at most per request
const kShown = 50; // rows of the people table shown before "show more"

function categoryLabel(category) {
  const key = `admin_consent_cat_${category}`;
  const text = t(key);
  return text === key ? category : text;
}

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

// POST /api/admin/roster. api() keeps only the error code of a failed answer, but a 422 here
// carries the full result with every problem, so this one request is made directly.
async function postRoster(csv) {
  let response;
  try {
    response = await fetch('/api/admin/roster', {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'text/csv; charset=utf-8',
        'X-CSRF-Token': getCsrfToken() },
      body: csv,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network_error', '');
  }
  let json = null;
  try {
    json = await response.json();
  } catch {
    // not JSON: handled below
  }
  if (json && Array.isArray(json.problems) && (response.ok || response.status === 422)) return json;
  throw new ApiError(response.status, json?.error?.code || 'internal_error',
    json?.error?.message || '');
}

// A table in a horizontally scrolling wrapper. With `stack`, narrow screens show each row as a
// card (oversight.css): every cell gets its column's name as data-label, and explicit ARIA
// roles keep the table's meaning when CSS changes the cells' display.
function table(caption, headings, rows, attrs = {}, stack = true) {
  const node = h('table', { class: stack ? 'ov-table ov-stack' : 'ov-table', ...attrs },
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, headings.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows));
  if (stack) labelCells(node, headings);
  return h('div', { class: 'table-wrap' }, node);
}

function labelCells(node, headings) {
  node.setAttribute('role', 'table');
  for (const group of node.querySelectorAll('thead, tbody')) group.setAttribute('role', 'rowgroup');
  for (const row of node.querySelectorAll('tr')) {
    row.setAttribute('role', 'row');
    [...row.children].forEach((cell, i) => {
      if (cell.tagName === 'TH') {
        cell.setAttribute('role', cell.getAttribute('scope') === 'row' ? 'rowheader' : 'columnheader');
      } else {
        cell.setAttribute('role', 'cell');
      }
      if (row.parentElement.tagName === 'TBODY' && headings[i]) cell.dataset.label = headings[i];
    });
  }
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

export async function show(main, ctx) {
  if (!ctx.me.roles.includes('admin')) {
    fill(main, h('h1', {}, t('admin_title')), notice('error', t('admin_not_allowed')));
    return null;
  }

  const state = { people: [], accounts: [], byId: new Map(), accountByPerson: new Map(),
    filter: '', role: '', shown: kShown };

  // ---------- people and accounts ----------
  const peopleStatus = h('div', { class: 'form-status' });
  const passwordSlot = h('div', {});
  const peopleBody = h('div', {});
  const search = h('input', { type: 'search', autocomplete: 'off', spellcheck: 'false' });
  const roleFilter = h('select', {},
    h('option', { value: '' }, t('admin_filter_role_all')),
    kRoles.map((r) => h('option', { value: r }, t(`role_${r}`))));
  const peopleSection = h('section', { class: 'card ov-section', 'aria-labelledby': 'adm-people-h' },
    h('h2', { id: 'adm-people-h', tabindex: '-1' }, t('admin_people_title')),
    h('p', { class: 'hint' }, t('admin_people_lead')),
    h('div', { class: 'ov-toolbar' },
      field(t('admin_filter'), search, t('admin_filter_hint')),
      field(t('admin_filter_role'), roleFilter)),
    passwordSlot, peopleStatus, peopleBody);

  function showPassword(account, password, reset) {
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
      fill(passwordSlot);
      search.focus();
    });
    fill(passwordSlot, box);
    box.focus();
  }

  async function reloadAccounts() {
    state.accounts = (await api('GET', '/api/admin/accounts')).accounts;
    state.accountByPerson = new Map(state.accounts.map((a) => [a.person_id, a]));
  }

  async function reloadAll() {
    const [people] = await Promise.all([loadPeople(), reloadAccounts()]);
    state.people = people;
    state.byId = new Map(people.map((p) => [p.id, p]));
  }

  function accountCell(person, account) {
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

  function createAccountForm(person, cell) {
    const username = h('input', { autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none',
      maxlength: 64, value: suggestUsername(person.name) });
    const wrap = field(t('admin_username_for', { name: person.name }), username,
      t('admin_username_hint'));
    const submit = h('button', { type: 'submit', class: 'ov-small primary' }, t('admin_create'));
    const cancel = h('button', { type: 'button', class: 'ov-small' }, t('admin_cancel'));
    const form = h('form', { class: 'ov-inline-form', novalidate: true }, wrap,
      h('div', { class: 'actions' }, submit, cancel));
    cancel.addEventListener('click', () => {
      renderPeople();
      focusRow(person.id);
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
        await reloadAccounts();
        const p = state.byId.get(person.id);
        if (p) p.has_account = true;
        renderPeople();
        showPassword(issued, issued.password, false);
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
  function focusRow(personId) {
    const row = peopleBody.querySelector(`tr[data-person-id="${personId}"]`);
    const target = row && (row.querySelector('button') || row.querySelector('th'));
    if (target) target.focus();
  }

  function focusNotice(node) {
    node.tabIndex = -1;
    fill(peopleStatus, node);
    node.focus();
  }

  function actionsCell(person, account) {
    const cell = h('td', { class: 'ov-actions' });
    const buttons = [];
    if (!account) {
      buttons.push(h('button', { type: 'button', class: 'ov-small',
        onclick: () => createAccountForm(person, cell) }, t('admin_create_account')));
    } else if (account.id === ctx.me.id) {
      // Your own account: no reset or deactivation from here, so you cannot lock yourself out.
      buttons.push(h('span', { class: 'ov-muted' }, t('admin_own_account')));
    } else {
      const who = { user: account.username };
      const done = async (promise, message) => {
        try {
          const answer = await promise;
          await reloadAccounts();
          renderPeople();
          if (answer && answer.password) {
            showPassword({ ...account, display_name: person.name }, answer.password, true);
          } else {
            focusNotice(notice('ok', message));
          }
        } catch (error) {
          renderPeople();
          focusNotice(notice('error', errorText(error)));
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
    }
    if (account && !account.active) {
      buttons.push(h('span', { class: 'ov-muted' }, t('admin_inactive_note')));
    }
    if (person.roles.includes('pupil')) {
      buttons.push(h('button', { type: 'button', class: 'ov-small',
        onclick: () => choosePupil(person.id, true) }, t('admin_consent_button')));
    }
    cell.append(h('div', { class: 'ov-buttons' }, buttons));
    return cell;
  }

  function matches(person) {
    if (state.role && !person.roles.includes(state.role)) return false;
    if (!state.filter) return true;
    const account = state.accountByPerson.get(person.id);
    const hay = `${person.name} ${person.external_id} ${account ? account.username : ''}`
      .toLowerCase();
    return state.filter.split(/\s+/).every((word) => hay.includes(word));
  }

  function renderPeople() {
    const found = state.people.filter(matches);
    const visible = found.slice(0, state.shown);
    const today = isoDay();
    const rows = visible.map((person) => {
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
        accountCell(person, account),
        actionsCell(person, account));
    });
    const more = found.length > visible.length
      ? h('button', { type: 'button', onclick: () => { state.shown += kShown; renderPeople(); } },
        t('admin_show_more', { n: Math.min(kShown, found.length - visible.length) }))
      : null;
    fill(peopleBody,
      h('p', { class: 'ov-count', 'aria-live': 'polite' },
        t('admin_people_count', { shown: visible.length, found: found.length,
          total: state.people.length })),
      found.length === 0 ? notice('info', state.people.length === 0 ? t('admin_people_none')
        : t('admin_people_no_match'))
        : table(null, [t('admin_col_name'), t('admin_col_external_id'), t('admin_col_roles'),
          t('admin_col_account'), t('admin_col_actions')], rows, { dataset: { testid: 'people' } }),
      more);
  }

  let filterTimer = null;
  search.addEventListener('input', () => {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => {
      state.filter = search.value.trim().toLowerCase();
      state.shown = kShown;
      renderPeople();
    }, 150);
  });
  roleFilter.addEventListener('change', () => {
    state.role = roleFilter.value;
    state.shown = kShown;
    renderPeople();
  });

  // ---------- roster import ----------
  const file = h('input', { type: 'file', accept: '.csv,text/csv' });
  const pasted = h('textarea', { rows: 6, spellcheck: 'false', class: 'ov-mono',
    placeholder: 'external_id;display_name;role;birth_date;guardian_of;left_on' });
  const fileField = field(t('admin_roster_file'), file, t('admin_roster_file_hint'));
  const pastedField = field(t('admin_roster_paste'), pasted, t('admin_roster_paste_hint'));
  const rosterResult = h('div', { 'aria-live': 'polite' });
  const rosterSubmit = h('button', { type: 'submit', class: 'primary' }, t('admin_roster_submit'));
  const rosterForm = h('form', { novalidate: true }, fileField, pastedField,
    h('div', { class: 'actions' }, rosterSubmit));
  const rosterSection = h('section', { class: 'card ov-section', 'aria-labelledby': 'adm-roster-h' },
    h('h2', { id: 'adm-roster-h', tabindex: '-1' }, t('admin_roster_title')),
    h('p', {}, t('admin_roster_lead')),
    h('details', { class: 'ov-details' }, h('summary', {}, t('admin_roster_columns')),
      h('ul', {}, ['external_id', 'display_name', 'role', 'birth_date', 'guardian_of', 'left_on']
        .map((c) => h('li', {}, h('code', {}, c), ' — ', t(`admin_roster_col_${c}`)))),
      h('p', { class: 'hint' }, t('admin_roster_format'))),
    rosterForm, rosterResult);

  async function readCsvFile(chosen) {
    const bytes = await chosen.arrayBuffer();
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return null;
    }
  }

  function showRosterResult(result) {
    const counts = t('admin_roster_counts', { added: result.added, updated: result.updated,
      unchanged: result.unchanged, skipped: result.skipped });
    if (result.imported) {
      fill(rosterResult, notice('ok', `${t('admin_roster_done')} ${counts}`),
        result.skipped > 0 ? h('p', { class: 'hint' }, t('admin_roster_skipped_hint')) : null);
      return;
    }
    const problems = result.problems || [];
    const rows = problems.map((p) => h('tr', {},
      h('td', {}, String(p.line)),
      h('td', {}, p.column ? h('code', {}, p.column) : h('span', { class: 'ov-muted' },
        t('admin_roster_whole_line'))),
      h('td', { class: 'ov-wrap' }, p.message)));
    fill(rosterResult,
      notice('error', t(problems.length === 1 ? 'admin_roster_failed_one' : 'admin_roster_failed',
        { n: problems.length })),
      h('p', {}, t('admin_roster_failed_what')),
      table(t('admin_roster_problems_caption', { n: problems.length }),
        [t('admin_roster_col_line'), t('admin_roster_col_column'), t('admin_roster_col_problem')],
        rows, { dataset: { testid: 'roster-problems' } }, false));
  }

  rosterForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    fileField.showError('');
    pastedField.showError('');
    fill(rosterResult);
    let csv = '';
    const chosen = file.files && file.files[0];
    if (chosen) {
      const text = await readCsvFile(chosen);
      if (text === null) {
        fileField.showError(t('admin_roster_not_utf8'));
        file.focus();
        return;
      }
      csv = text;
    } else {
      csv = pasted.value;
    }
    if (!csv.trim()) {
      pastedField.showError(t('admin_roster_empty'));
      pasted.focus();
      return;
    }
    rosterSubmit.disabled = true;
    fill(rosterResult, h('p', { class: 'loading' }, t('admin_roster_busy')));
    try {
      const result = await postRoster(csv);
      showRosterResult(result);
      if (result.imported) {
        file.value = '';
        pasted.value = '';
        await reloadAll();
        renderPeople();
        fillPupils();
      }
    } catch (error) {
      if (error.status === 401) {
        ctx.refreshMe('#/login');
        return;
      }
      fill(rosterResult, notice('error', errorText(error)));
    } finally {
      rosterSubmit.disabled = false;
    }
  });

  // ---------- consent register ----------
  const pupilSelect = h('select', {});
  const pupilField = field(t('admin_consent_pupil'), pupilSelect, t('admin_consent_pupil_hint'));
  const consentBody = h('div', { 'aria-live': 'polite' });
  const consentSection = h('section', { class: 'card ov-section', 'aria-labelledby': 'adm-consent-h' },
    h('h2', { id: 'adm-consent-h', tabindex: '-1' }, t('admin_consent_title')),
    h('p', {}, t('admin_consent_lead')),
    pupilField, consentBody);

  function fillPupils() {
    const current = pupilSelect.value;
    const pupils = state.people.filter((p) => p.roles.includes('pupil'))
      .sort((a, b) => a.name.localeCompare(b.name, lang()));
    fill(pupilSelect, h('option', { value: '' }, t('admin_consent_choose')),
      pupils.map((p) => h('option', { value: String(p.id) }, `${p.name} (${p.external_id})`)));
    if (current && pupils.some((p) => String(p.id) === current)) pupilSelect.value = current;
  }

  // The form in force per category: the latest form date not after today, then the highest
  // sequence (acl/consent.h). Forms dated later are pending.
  function inForce(forms, category, today) {
    let best = null;
    for (const f of forms) {
      if (f.category !== category || f.form_date > today) continue;
      if (!best || f.form_date > best.form_date
        || (f.form_date === best.form_date && f.sequence > best.sequence)) best = f;
    }
    return best;
  }

  function decisionText(given) {
    return given ? t('admin_consent_given') : t('admin_consent_refused');
  }

  function recordedBy(id) {
    const person = state.byId.get(id);
    return person ? person.name : `#${id}`;
  }

  function consentForm(pupil, forms, status) {
    const category = h('select', {}, kConsentCategories.map((c) =>
      h('option', { value: c }, categoryLabel(c))));
    const today = isoDay();
    const date = h('input', { type: 'date', max: today, value: today, required: true });
    const dateField = field(t('admin_consent_form_date'), date, t('admin_consent_form_date_hint'));
    const name = uid('given');
    const yes = h('input', { type: 'radio', name, value: 'yes', id: `${name}-yes` });
    const no = h('input', { type: 'radio', name, value: 'no', id: `${name}-no` });
    const givenError = h('p', { class: 'field-error', id: `${name}-error`, 'aria-live': 'polite' });
    const given = h('fieldset', { class: 'ov-radios', 'aria-describedby': `${name}-error` },
      h('legend', {}, t('admin_consent_decision')),
      h('div', { class: 'ov-radio' }, yes, h('label', { for: yes.id }, t('admin_consent_given'))),
      h('div', { class: 'ov-radio' }, no,
        h('label', { for: no.id }, t('admin_consent_refused_long'))),
      givenError);
    const submit = h('button', { type: 'submit', class: 'primary' }, t('admin_consent_submit'));
    const formStatus = h('div', { class: 'form-status' });
    const form = h('form', { novalidate: true, class: 'ov-subform', 'aria-labelledby': `${name}-h` },
      h('h3', { id: `${name}-h` }, t('admin_consent_new_title', { name: pupil.name })),
      field(t('admin_consent_category'), category), dateField, given, formStatus,
      h('div', { class: 'actions' }, submit));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      dateField.showError('');
      givenError.textContent = '';
      fill(formStatus);
      let ok = true;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date.value)) {
        dateField.showError(t('admin_consent_date_missing'));
        ok = false;
      } else if (date.value > isoDay()) {
        dateField.showError(t('admin_consent_date_future'));
        ok = false;
      }
      if (!yes.checked && !no.checked) {
        givenError.textContent = t('admin_consent_decision_missing');
        ok = false;
      }
      if (!ok) {
        (dateField.querySelector('[aria-invalid]') ? date : yes).focus();
        return;
      }
      submit.disabled = true;
      try {
        await api('POST', '/api/admin/consent', { pupil_id: pupil.id, category: category.value,
          form_date: date.value, given: yes.checked });
        await loadConsent(pupil.id, t('admin_consent_saved', { category: categoryLabel(category.value) }));
      } catch (error) {
        // invalid_consent_form carries the acl reason as the message's prefix.
        const reason = error.code === 'invalid_consent_form'
          ? (error.message || '').split(':')[0] : '';
        const text = reason && reason.startsWith('denied_') ? errorText({ code: reason })
          : errorText(error);
        fill(formStatus, notice('error', text));
        submit.disabled = false;
      }
    });
    return form;
  }

  function renderConsent(pupil, forms, message) {
    const today = isoDay();
    const categories = [...kConsentCategories];
    for (const f of forms) if (!categories.includes(f.category)) categories.push(f.category);
    const inForceSeq = new Set();
    const stateRows = categories.map((c) => {
      const form = inForce(forms, c, today);
      if (form) inForceSeq.add(form.sequence);
      const pending = forms.filter((f) => f.category === c && f.form_date > today);
      let stateCell;
      if (!form) {
        stateCell = h('span', { class: 'ov-state none' }, t('admin_consent_none'));
      } else if (form.given) {
        stateCell = h('span', { class: 'ov-state given' }, `✓ ${t('admin_consent_given')}`);
      } else {
        stateCell = h('span', { class: 'ov-state refused' }, `✗ ${t('admin_consent_refused')}`);
      }
      return h('tr', {},
        h('th', { scope: 'row' }, categoryLabel(c)),
        h('td', {}, stateCell,
          pending.length ? h('p', { class: 'hint' }, t('admin_consent_pending',
            { date: formatDate(pending[pending.length - 1].form_date, lang()) })) : null),
        h('td', {}, form ? formatDate(form.form_date, lang()) : '—'));
    });
    const history = [...forms].sort((a, b) => b.sequence - a.sequence).map((f) =>
      h('tr', { class: inForceSeq.has(f.sequence) ? 'ov-current' : null },
        h('td', {}, String(f.sequence)),
        h('td', {}, categoryLabel(f.category)),
        h('td', {}, formatDate(f.form_date, lang())),
        h('td', {}, decisionText(f.given),
          inForceSeq.has(f.sequence) ? h('span', { class: 'ov-badge ok' }, t('admin_consent_current'))
            : null),
        h('td', {}, recordedBy(f.recorded_by))));
    const status = h('div', { class: 'form-status' }, message ? notice('ok', message) : null);
    fill(consentBody,
      status,
      h('h3', {}, t('admin_consent_state_title', { name: pupil.name })),
      table(null, [t('admin_consent_col_category'), t('admin_consent_col_state'),
        t('admin_consent_col_since')], stateRows, { dataset: { testid: 'consent-state' } }),
      h('p', { class: 'hint' }, t('admin_consent_rule')),
      h('h3', {}, t('admin_consent_history_title')),
      forms.length === 0 ? h('p', {}, t('admin_consent_history_none'))
        : table(null, [t('admin_consent_col_seq'), t('admin_consent_col_category'),
          t('admin_consent_col_form_date'), t('admin_consent_col_decision'),
          t('admin_consent_col_recorded_by')], history, { dataset: { testid: 'consent-history' } }),
      consentForm(pupil, forms, status));
  }

  async function loadConsent(personId, message) {
    const pupil = state.byId.get(personId);
    if (!pupil) {
      fill(consentBody);
      return;
    }
    fill(consentBody, h('p', { class: 'loading' }, t('loading')));
    try {
      const answer = await api('GET', `/api/admin/consent/${personId}`);
      renderConsent(pupil, answer.forms || [], message);
    } catch (error) {
      fill(consentBody, notice('error', errorText(error)));
    }
  }

  function choosePupil(personId, jump) {
    pupilSelect.value = String(personId);
    loadConsent(personId);
    if (jump) {
      consentSection.scrollIntoView({ block: 'start' });
      pupilSelect.focus({ preventScroll: true });
    }
  }

  pupilSelect.addEventListener('change', () => {
    if (pupilSelect.value) loadConsent(Number(pupilSelect.value));
    else fill(consentBody);
  });

  // ---------- the page ----------
  const jump = (section) => h('li', {}, h('button', { type: 'button', class: 'link-button',
    onclick: () => {
      section.scrollIntoView({ block: 'start' });
      section.querySelector('h2').focus({ preventScroll: true });
    } }, section.querySelector('h2').textContent));
  fill(main,
    h('h1', {}, t('admin_title')),
    h('p', { class: 'lead' }, t('admin_lead')),
    h('nav', { class: 'ov-jump', 'aria-label': t('admin_jump_label') },
      h('ul', {}, jump(peopleSection), jump(rosterSection), jump(consentSection))),
    peopleSection, rosterSection, consentSection);

  fill(peopleBody, h('p', { class: 'loading' }, t('loading')));
  try {
    await reloadAll();
    renderPeople();
    fillPupils();
  } catch (error) {
    fill(peopleBody, notice('error', errorText(error)));
  }
  return () => clearTimeout(filterTimer);
}
