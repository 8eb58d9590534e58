// The privacy officer's look-ups below the audit log (page-privacy.js): one recording's access
// history, deletion receipts, a person's data export (R12, R15) and the processing register.
//   GET /api/audit?recording=ID&before=SEQ {entries}
//   GET /api/deletion-receipts             {receipts}
//   GET /api/people/{external_id}/export   the person's data as JSON
//   GET /api/register                      text/plain
import { api } from './api.js';
import { field, fill, formatTimestamp, h, isoDay, notice } from './dom.js';
import { errorText, lang, t } from './i18n.js';
import { jumpTo, loadingLine, ovSection, table, textOr } from './oversight-ui.js';
import { appendAuditRows, auditTable } from './privacy-audit-table.js';

const kPage = 100;

// Offers `text` as a file: a Blob URL for an <a download>, pushed on `urls` for the page to
// revoke on cleanup. Returns the link, so the page can keep it visible ("download again").
function downloadLink(text, type, filename, label, urls) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  urls.push(url);
  return h('a', { href: url, download: filename, class: 'ov-download' }, label);
}

// ---------- a recording's access history ----------

// Loads the history's first page (before = 0) or the page before `before`.
async function loadHistory(view, id, before) {
  const rows = before ? view.body.querySelector('tbody') : h('tbody', {});
  const more = h('button', { type: 'button' }, t('privacy_older'));
  try {
    const query = before ? `&before=${before}` : '';
    const answer = await api('GET', `/api/audit?recording=${id}&limit=${kPage}${query}`);
    const entries = answer.entries || [];
    if (!before) {
      if (entries.length === 0) {
        fill(view.body, notice('info', t('privacy_history_none', { id })));
        return;
      }
      fill(view.body, h('h3', {}, t('privacy_history_for'), ' ',
        h('code', { class: 'ov-mono ov-id' }, id)),
      auditTable(rows, t('privacy_history_caption', { id }), 'recording-history'));
    }
    view.body.querySelector('.ov-history-more')?.remove();
    appendAuditRows(rows, entries, (other) => showHistory(view, other, true));
    if (entries.length) view.oldest = entries[entries.length - 1].seq;
    if (entries.length === kPage) {
      more.addEventListener('click', () => loadHistory(view, id, view.oldest));
      view.body.append(h('div', { class: 'actions ov-history-more' }, more));
    }
  } catch (error) {
    fill(view.body, notice('error', errorText(error)));
  }
}

async function showHistory(view, id, jump) {
  view.input.value = id;
  view.field.showError('');
  fill(view.body, loadingLine());
  if (jump) jumpTo(view.section);
  await loadHistory(view, id, 0);
}

// The access-history section; show(recordingId, jump) fills it (and scrolls to it with `jump`).
export function historySection() {
  const input = h('input', { autocomplete: 'off', spellcheck: 'false', maxlength: 40,
    class: 'ov-mono', inputmode: 'latin', autocapitalize: 'none' });
  const view = { input, oldest: 0,
    field: field(t('privacy_history_id'), input, t('privacy_history_id_hint')),
    body: h('div', { 'aria-live': 'polite' }) };
  const form = h('form', { novalidate: true, class: 'ov-inline-form' }, view.field,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' },
      t('privacy_history_submit'))));
  view.section = ovSection('prv-history-h', t('privacy_history_title'),
    h('p', { class: 'hint' }, t('privacy_history_lead')),
    form, view.body);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    // Accept an id pasted with spaces or from a link (…/#/r/<id>).
    const value = input.value.trim().toLowerCase().replace(/^.*\/r\//, '');
    if (!/^[0-9a-f]{32}$/.test(value)) {
      view.field.showError(t('privacy_history_id_invalid'));
      input.focus();
      return;
    }
    showHistory(view, value, false);
  });
  return { section: view.section, show: (id, jump) => showHistory(view, id, jump) };
}

// ---------- deletion receipts ----------

function deletionReasonLabel(reason) {
  return textOr(`privacy_deleted_${reason}`, reason);
}

function idList(ids) {
  if (!ids || ids.length === 0) return '0';
  return h('details', { class: 'ov-details' }, h('summary', {}, String(ids.length)),
    h('ul', { class: 'ov-idlist' }, ids.map((id) => h('li', {}, h('code', { class: 'ov-mono ov-id' }, id)))));
}

async function loadReceipts(body) {
  fill(body, loadingLine());
  try {
    const { receipts } = await api('GET', '/api/deletion-receipts');
    if (!receipts || receipts.length === 0) {
      fill(body, h('p', {}, t('privacy_receipts_none')));
      return;
    }
    const rows = receipts.map((r) => h('tr', {},
      h('th', { scope: 'row' }, h('code', { class: 'ov-mono ov-id' }, r.recording_id)),
      h('td', { class: 'ov-nowrap' }, formatTimestamp(r.deleted_at, lang())),
      h('td', {}, deletionReasonLabel(r.reason)),
      h('td', {}, h('code', { class: 'ov-mono ov-id' }, r.master_key_id)),
      h('td', {}, idList(r.objects)),
      h('td', {}, idList(r.uploads))));
    fill(body,
      h('p', { class: 'ov-count' }, t('privacy_receipts_count', { n: receipts.length })),
      table(null, [t('privacy_receipts_col_recording'), t('privacy_receipts_col_deleted_at'),
        t('privacy_receipts_col_reason'), t('privacy_receipts_col_key'),
        t('privacy_receipts_col_objects'), t('privacy_receipts_col_uploads')], rows,
      { dataset: { testid: 'deletion-receipts' } }));
  } catch (error) {
    fill(body, notice('error', errorText(error)));
  }
}

// The deletion-receipts section; load() fills it.
export function receiptsSection() {
  const body = h('div', {});
  const section = ovSection('prv-receipts-h', t('privacy_receipts_title'),
    h('p', { class: 'hint' }, t('privacy_receipts_lead')),
    body);
  return { section, load: () => loadReceipts(body) };
}

// ---------- a person's export ----------

// The export's result: what it holds, the download link (clicked once) and the JSON itself.
function showExport(body, text, external, urls) {
  let data = null;
  try {
    data = JSON.parse(text);
  } catch {
    data = null;
  }
  const pretty = data ? JSON.stringify(data, null, 2) : text;
  const filename = `lessonvault-export-${external}-${isoDay()}.json`;
  const link = downloadLink(pretty, 'application/json', filename,
    t('privacy_export_download_again', { file: filename }), urls);
  const person = data && data.person ? data.person : data || {};
  const count = (key) => (data && Array.isArray(data[key]) ? data[key].length : 0);
  fill(body,
    notice('ok', t('privacy_export_done', { name: person.display_name || external,
      file: filename })),
    data ? h('p', {}, t('privacy_export_summary', { recordings: count('recordings'),
      comments: count('shared_comments'), consent: count('consent_forms'),
      consultations: count('consultations'), actions: count('actions') })) : null,
    h('p', { class: 'hint' }, t('privacy_export_care')),
    h('p', {}, link),
    h('details', { class: 'ov-details' }, h('summary', {}, t('privacy_export_show')),
      h('pre', { class: 'ov-pre', tabindex: '0', 'aria-label': t('privacy_export_show') },
        pretty)));
  link.click();
}

async function submitExport(view, urls) {
  view.field.showError('');
  fill(view.body);
  const external = view.input.value.trim();
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(external)) {
    view.field.showError(t('privacy_export_id_invalid'));
    view.input.focus();
    return;
  }
  view.submit.disabled = true;
  fill(view.body, loadingLine());
  try {
    const text = await api('GET', `/api/people/${encodeURIComponent(external)}/export`,
      undefined, { text: true });
    showExport(view.body, text, external, urls);
  } catch (error) {
    fill(view.body, notice('error', error.code === 'not_found'
      ? t('privacy_export_not_found', { id: external }) : errorText(error)));
  } finally {
    view.submit.disabled = false;
  }
}

// The export section; its downloads' Blob URLs are pushed on `urls`.
export function exportSection(urls) {
  const input = h('input', { autocomplete: 'off', spellcheck: 'false', maxlength: 64,
    autocapitalize: 'none' });
  const view = { input,
    field: field(t('privacy_export_id'), input, t('privacy_export_id_hint')),
    body: h('div', { 'aria-live': 'polite' }),
    submit: h('button', { type: 'submit', class: 'primary' }, t('privacy_export_submit')) };
  const form = h('form', { novalidate: true, class: 'ov-inline-form' }, view.field,
    h('div', { class: 'actions' }, view.submit));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submitExport(view, urls);
  });
  return ovSection('prv-export-h', t('privacy_export_title'),
    h('p', {}, t('privacy_export_lead')),
    form, view.body);
}

// ---------- the processing register ----------

// The register section: shows the register and offers it as a file (Blob URLs on `urls`).
export function registerSection(urls) {
  const body = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'primary' }, t('privacy_register_show'));
  button.addEventListener('click', async () => {
    button.disabled = true;
    fill(body, loadingLine());
    try {
      const text = await api('GET', '/api/register', undefined, { text: true });
      const filename = `lessonvault-verwerkingsregister-${isoDay()}.txt`;
      fill(body,
        h('pre', { class: 'ov-pre', tabindex: '0', dataset: { testid: 'register' },
          'aria-label': t('privacy_register_title') }, text),
        h('p', {}, downloadLink(text, 'text/plain;charset=utf-8', filename,
          t('privacy_register_download'), urls)));
      button.textContent = t('privacy_register_refresh');
    } catch (error) {
      fill(body, notice('error', errorText(error)));
    } finally {
      button.disabled = false;
    }
  });
  return ovSection('prv-register-h', t('privacy_register_title'),
    h('p', { class: 'hint' }, t('privacy_register_lead')),
    h('div', { class: 'actions' }, button), body);
}
