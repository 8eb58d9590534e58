// The admin page's consent register (R7): a pupil's consent per category, the full history of
// forms, and the form that records a new one.
//   GET  /api/admin/consent/{person}  a pupil's forms, history kept
//   POST /api/admin/consent           {pupil_id, category, form_date, given}
import { api } from './api.js';
import { field, fill, formatDate, h, isoDay, notice, uid } from './dom.js';
import { errorText, lang, t } from './i18n.js';
import { loadingLine, ovSection, table, textOr } from './oversight-ui.js';

// The categories the service is configured with by default (acl/consent.h). The API does not
// list the configured ones; a form in another category still shows, under its own name.
const kConsentCategories = ['school_guide', 'website', 'social_media', 'newsletter',
  'guardian_access_recordings'];

function categoryLabel(category) {
  return textOr(`admin_consent_cat_${category}`, category);
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

function recordedBy(state, id) {
  const person = state.byId.get(id);
  return person ? person.name : `#${id}`;
}

// The new form's fields: category, form date and the decision as two radio buttons.
function consentFields() {
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
  return { name, category, date, dateField, yes, no, givenError, given };
}

// Shows what is missing or wrong in the form, focused; true when it can be sent.
function checkConsent(f) {
  f.dateField.showError('');
  f.givenError.textContent = '';
  let ok = true;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(f.date.value)) {
    f.dateField.showError(t('admin_consent_date_missing'));
    ok = false;
  } else if (f.date.value > isoDay()) {
    f.dateField.showError(t('admin_consent_date_future'));
    ok = false;
  }
  if (!f.yes.checked && !f.no.checked) {
    f.givenError.textContent = t('admin_consent_decision_missing');
    ok = false;
  }
  if (!ok) (f.dateField.querySelector('[aria-invalid]') ? f.date : f.yes).focus();
  return ok;
}

function consentForm(view, pupil) {
  const f = consentFields();
  const submit = h('button', { type: 'submit', class: 'primary' }, t('admin_consent_submit'));
  const formStatus = h('div', { class: 'form-status' });
  const form = h('form', { novalidate: true, class: 'ov-subform', 'aria-labelledby': `${f.name}-h` },
    h('h3', { id: `${f.name}-h` }, t('admin_consent_new_title', { name: pupil.name })),
    field(t('admin_consent_category'), f.category), f.dateField, f.given, formStatus,
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fill(formStatus);
    if (!checkConsent(f)) return;
    submit.disabled = true;
    try {
      await api('POST', '/api/admin/consent', { pupil_id: pupil.id, category: f.category.value,
        form_date: f.date.value, given: f.yes.checked });
      await loadConsent(view, pupil.id,
        t('admin_consent_saved', { category: categoryLabel(f.category.value) }));
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

// One row per category (the defaults, then any other found in `forms`) with the state in force.
// Adds the sequence of every form in force to `inForceSeq`.
function stateRows(forms, today, inForceSeq) {
  const categories = [...kConsentCategories];
  for (const f of forms) if (!categories.includes(f.category)) categories.push(f.category);
  return categories.map((c) => {
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
}

// Every form, newest first; the ones in force are marked.
function historyRows(state, forms, inForceSeq) {
  return [...forms].sort((a, b) => b.sequence - a.sequence).map((f) =>
    h('tr', { class: inForceSeq.has(f.sequence) ? 'ov-current' : null },
      h('td', {}, String(f.sequence)),
      h('td', {}, categoryLabel(f.category)),
      h('td', {}, formatDate(f.form_date, lang())),
      h('td', {}, decisionText(f.given),
        inForceSeq.has(f.sequence) ? h('span', { class: 'ov-badge ok' }, t('admin_consent_current'))
          : null),
      h('td', {}, recordedBy(state, f.recorded_by))));
}

function renderConsent(view, pupil, forms, message) {
  const inForceSeq = new Set();
  const states = stateRows(forms, isoDay(), inForceSeq);
  const history = historyRows(view.state, forms, inForceSeq);
  const status = h('div', { class: 'form-status' }, message ? notice('ok', message) : null);
  fill(view.body,
    status,
    h('h3', {}, t('admin_consent_state_title', { name: pupil.name })),
    table(null, [t('admin_consent_col_category'), t('admin_consent_col_state'),
      t('admin_consent_col_since')], states, { dataset: { testid: 'consent-state' } }),
    h('p', { class: 'hint' }, t('admin_consent_rule')),
    h('h3', {}, t('admin_consent_history_title')),
    forms.length === 0 ? h('p', {}, t('admin_consent_history_none'))
      : table(null, [t('admin_consent_col_seq'), t('admin_consent_col_category'),
        t('admin_consent_col_form_date'), t('admin_consent_col_decision'),
        t('admin_consent_col_recorded_by')], history, { dataset: { testid: 'consent-history' } }),
    consentForm(view, pupil));
}

async function loadConsent(view, personId, message) {
  const pupil = view.state.byId.get(personId);
  if (!pupil) {
    fill(view.body);
    return;
  }
  fill(view.body, loadingLine());
  try {
    const answer = await api('GET', `/api/admin/consent/${personId}`);
    renderConsent(view, pupil, answer.forms || [], message);
  } catch (error) {
    fill(view.body, notice('error', errorText(error)));
  }
}

// Refills the pupil choice from state.people, keeping the chosen pupil when still there.
function fillPupils(view) {
  const select = view.pupilSelect;
  const current = select.value;
  const pupils = view.state.people.filter((p) => p.roles.includes('pupil'))
    .sort((a, b) => a.name.localeCompare(b.name, lang()));
  fill(select, h('option', { value: '' }, t('admin_consent_choose')),
    pupils.map((p) => h('option', { value: String(p.id) }, `${p.name} (${p.external_id})`)));
  if (current && pupils.some((p) => String(p.id) === current)) select.value = current;
}

// Shows one pupil's register; with `jump`, scrolls to the section and focuses the choice.
function choosePupil(view, personId, jump) {
  view.pupilSelect.value = String(personId);
  loadConsent(view, personId);
  if (jump) {
    view.section.scrollIntoView({ block: 'start' });
    view.pupilSelect.focus({ preventScroll: true });
  }
}

// The consent section, reading the page's `state` (people, byId). Returns the section and
// fillPupils() (after the roster changed) and choosePupil(personId, jump).
export function consentSection(state) {
  const pupilSelect = h('select', {});
  const pupilField = field(t('admin_consent_pupil'), pupilSelect, t('admin_consent_pupil_hint'));
  const body = h('div', { 'aria-live': 'polite' });
  const section = ovSection('adm-consent-h', t('admin_consent_title'),
    h('p', {}, t('admin_consent_lead')),
    pupilField, body);
  const view = { state, pupilSelect, body, section };
  pupilSelect.addEventListener('change', () => {
    if (pupilSelect.value) loadConsent(view, Number(pupilSelect.value));
    else fill(body);
  });
  return {
    section,
    fillPupils: () => fillPupils(view),
    choosePupil: (personId, jump) => choosePupil(view, personId, jump),
  };
}
