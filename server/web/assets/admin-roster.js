// The admin page's roster import: a CSV file or pasted text, imported whole or not at all,
// with every problem listed by line and column.
//   POST /api/admin/roster   the CSV as text/csv; 422 with every problem, nothing imported
import { ApiError, getCsrfToken } from './api.js';
import { field, fill, h, notice } from './dom.js';
import { errorText, t } from './i18n.js';
import { ovSection, table } from './oversight-ui.js';

const kColumns = ['external_id', 'display_name', 'role', 'birth_date', 'guardian_of', 'left_on'];

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

// The file's text, or null when it is not UTF-8.
async function readCsvFile(chosen) {
  const bytes = await chosen.arrayBuffer();
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function showRosterResult(view, result) {
  const counts = t('admin_roster_counts', { added: result.added, updated: result.updated,
    unchanged: result.unchanged, skipped: result.skipped });
  if (result.imported) {
    fill(view.result, notice('ok', `${t('admin_roster_done')} ${counts}`),
      result.skipped > 0 ? h('p', { class: 'hint' }, t('admin_roster_skipped_hint')) : null);
    return;
  }
  const problems = result.problems || [];
  const rows = problems.map((p) => h('tr', {},
    h('td', {}, String(p.line)),
    h('td', {}, p.column ? h('code', {}, p.column) : h('span', { class: 'ov-muted' },
      t('admin_roster_whole_line'))),
    h('td', { class: 'ov-wrap' }, p.message)));
  fill(view.result,
    notice('error', t(problems.length === 1 ? 'admin_roster_failed_one' : 'admin_roster_failed',
      { n: problems.length })),
    h('p', {}, t('admin_roster_failed_what')),
    table(t('admin_roster_problems_caption', { n: problems.length }),
      [t('admin_roster_col_line'), t('admin_roster_col_column'), t('admin_roster_col_problem')],
      rows, { dataset: { testid: 'roster-problems' } }, false));
}

// The CSV to send: the chosen file, else the pasted text. Null (with the field's error shown
// and focused) when there is nothing usable.
async function chosenCsv(view) {
  let csv = '';
  const chosen = view.file.files && view.file.files[0];
  if (chosen) {
    const text = await readCsvFile(chosen);
    if (text === null) {
      view.fileField.showError(t('admin_roster_not_utf8'));
      view.file.focus();
      return null;
    }
    csv = text;
  } else {
    csv = view.pasted.value;
  }
  if (!csv.trim()) {
    view.pastedField.showError(t('admin_roster_empty'));
    view.pasted.focus();
    return null;
  }
  return csv;
}

async function submitRoster(view) {
  view.fileField.showError('');
  view.pastedField.showError('');
  fill(view.result);
  const csv = await chosenCsv(view);
  if (csv === null) return;
  view.submit.disabled = true;
  fill(view.result, h('p', { class: 'loading' }, t('admin_roster_busy')));
  try {
    const result = await postRoster(csv);
    showRosterResult(view, result);
    if (result.imported) {
      view.file.value = '';
      view.pasted.value = '';
      await view.onImported();
    }
  } catch (error) {
    if (error.status === 401) {
      view.ctx.refreshMe('#/login');
      return;
    }
    fill(view.result, notice('error', errorText(error)));
  } finally {
    view.submit.disabled = false;
  }
}

// The roster section. `onImported` runs (awaited) after a successful import, to reload what
// the rest of the page shows; a failure there is shown as the import's error.
export function rosterSection(ctx, onImported) {
  const file = h('input', { type: 'file', accept: '.csv,text/csv' });
  const pasted = h('textarea', { rows: 6, spellcheck: 'false', class: 'ov-mono',
    placeholder: kColumns.join(';') });
  const view = { ctx, onImported, file, pasted,
    fileField: field(t('admin_roster_file'), file, t('admin_roster_file_hint')),
    pastedField: field(t('admin_roster_paste'), pasted, t('admin_roster_paste_hint')),
    result: h('div', { 'aria-live': 'polite' }),
    submit: h('button', { type: 'submit', class: 'primary' }, t('admin_roster_submit')) };
  const form = h('form', { novalidate: true }, view.fileField, view.pastedField,
    h('div', { class: 'actions' }, view.submit));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submitRoster(view);
  });
  return ovSection('adm-roster-h', t('admin_roster_title'),
    h('p', {}, t('admin_roster_lead')),
    h('details', { class: 'ov-details' }, h('summary', {}, t('admin_roster_columns')),
      h('ul', {}, kColumns
        .map((c) => h('li', {}, h('code', {}, c), ' — ', t(`admin_roster_col_${c}`)))),
      h('p', { class: 'hint' }, t('admin_roster_format'))),
    form, view.result);
}
