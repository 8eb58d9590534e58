// The privacy officer's page (#/privacy): the audit log with the chain's verification status,
// one recording's access history, deletion receipts, a person's data export (R12, R15) and the
// processing register (R15). The privacy officer sees no recording content here: the audit log
// holds ids, actions and reasons only. Every read below is itself audited by the service.
//   GET /api/audit?limit=100&before=SEQ    {chain:{intact, entries, head, broken_at, problem}, entries}
//   GET /api/audit?recording=ID&before=SEQ {entries}
//   GET /api/deletion-receipts             {receipts}
//   GET /api/people/{external_id}/export   the person's data as JSON
//   GET /api/register                      text/plain
import { api } from './api.js';
import { field, fill, formatTimestamp, h, isoDay, notice } from './dom.js';
import { errorText, lang, t } from './i18n.js';

const kPage = 100;

// Audit actions whose object is a recording (or "<recording>:<person>"): their rows link to
// the recording's history.
const kRecordingActions = new Set(['upload', 'view_metadata', 'view_media', 'view_started',
  'comment', 'manage_participants', 'change_purpose_end', 'end_purpose', 'read_recording_audit',
  'read_recording_facts', 'transfer_ownership', 'erase', 'request_erasure', 'create_recording',
  'update_recording', 'upload_complete', 'upload_expired', 'reopen_upload', 'ingest_failed',
  'delete_recording']);

function outcomeLabel(outcome) {
  const key = `privacy_outcome_${outcome}`;
  const text = t(key);
  return text === key ? outcome : text;
}

function deletionReasonLabel(reason) {
  const key = `privacy_deleted_${reason}`;
  const text = t(key);
  return text === key ? reason : text;
}

// The action as words, with its code (what the docs and the CLI use) underneath.
function actionCell(action) {
  const key = `privacy_action_${action}`;
  const text = t(key);
  if (text === key) return h('td', {}, h('code', { class: 'ov-mono' }, action));
  return h('td', {}, text, h('br', {}), h('code', { class: 'ov-mono ov-code-small' }, action));
}

function actorLabel(actor) {
  if (actor === 'system') return t('privacy_actor_system');
  return /^\d+$/.test(actor) ? t('privacy_actor_person', { id: actor }) : actor;
}

// Tables show each row as a card on narrow screens (oversight.css): every cell gets its
// column's name as data-label, and explicit ARIA roles keep the table's meaning when CSS
// changes the cells' display.
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

function tableWrap(caption, headings, rows, attrs = {}) {
  const node = h('table', { class: 'ov-table ov-stack', ...attrs },
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, headings.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows));
  labelCells(node, headings);
  return h('div', { class: 'table-wrap' }, node);
}

function auditHeadings() {
  return [t('privacy_col_seq'), t('privacy_col_at'), t('privacy_col_actor'), t('privacy_col_action'),
    t('privacy_col_object'), t('privacy_col_outcome'), t('privacy_col_reason')];
}

// Offers `text` as a file: a Blob URL and a click on an <a download>. Returns the link, so the
// page can keep it visible ("download again"); the caller revokes the URL on cleanup.
function downloadLink(text, type, filename, label, urls) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  urls.push(url);
  return h('a', { href: url, download: filename, class: 'ov-download' }, label);
}

export async function show(main, ctx) {
  if (!ctx.me.roles.includes('privacy_officer')) {
    fill(main, h('h1', {}, t('privacy_title')), notice('error', t('privacy_not_allowed')));
    return null;
  }
  const urls = [];

  // ---------- audit log ----------
  const chainBox = h('div', { class: 'ov-chain', dataset: { testid: 'chain-status' },
    role: 'status' }, t('privacy_chain_checking'));
  const auditStatus = h('div', { class: 'form-status' });
  const auditRows = h('tbody', {});
  const auditMore = h('button', { type: 'button', hidden: true }, t('privacy_older'));
  const auditNewest = h('button', { type: 'button', hidden: true }, t('privacy_newest'));
  const auditCount = h('p', { class: 'ov-count', 'aria-live': 'polite' });
  const auditSection = h('section', { class: 'card ov-section', 'aria-labelledby': 'prv-audit-h' },
    h('h2', { id: 'prv-audit-h', tabindex: '-1' }, t('privacy_audit_title')),
    h('p', { class: 'hint' }, t('privacy_audit_lead')),
    chainBox, auditStatus, auditCount,
    auditTable(auditRows, t('privacy_audit_caption'), 'audit-log'),
    h('div', { class: 'actions' }, auditMore, auditNewest));

  function auditTable(body, caption, testid) {
    const node = h('table', { class: 'ov-table ov-stack ov-audit', dataset: { testid } },
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, auditHeadings().map((x) => h('th', { scope: 'col' }, x)))),
      body);
    labelCells(node, auditHeadings());
    // A long log scrolls inside its own region, so the sections below stay within reach; the
    // region takes keyboard focus so it can be scrolled without a mouse.
    return h('div', { class: 'table-wrap ov-scroll', tabindex: '0', role: 'region',
      'aria-label': caption }, node);
  }

  function objectCell(object, action) {
    if (!object) return h('td', {}, '—');
    const id = object.split(':')[0];
    const code = h('code', { class: 'ov-mono ov-id' }, object);
    if (!kRecordingActions.has(action) || !/^[0-9a-f]{32}$/.test(id)) return h('td', {}, code);
    return h('td', {}, code, ' ', h('button', { type: 'button', class: 'link-button ov-small-link',
      'aria-label': t('privacy_object_history_for', { id }),
      onclick: () => showHistory(id, true) }, t('privacy_object_history')));
  }

  function auditRow(e) {
    return h('tr', { class: `ov-outcome-${e.outcome}` },
      h('td', {}, String(e.seq)),
      h('td', { class: 'ov-nowrap' }, formatTimestamp(e.at, lang())),
      h('td', { class: 'ov-nowrap' }, actorLabel(e.actor)),
      actionCell(e.action),
      objectCell(e.object, e.action),
      h('td', {}, h('span', { class: `ov-outcome ${e.outcome}` }, outcomeLabel(e.outcome))),
      h('td', {}, e.reason ? h('code', { class: 'ov-mono' }, e.reason) : ''));
  }

  function showChain(chain) {
    if (!chain) return;
    chainBox.className = `ov-chain ${chain.intact ? 'intact' : 'broken'}`;
    if (chain.intact) {
      fill(chainBox,
        h('p', { class: 'ov-chain-title' }, h('span', { 'aria-hidden': 'true' }, '✓ '),
          t('privacy_chain_intact')),
        h('p', {}, t('privacy_chain_intact_detail', { n: chain.entries })),
        h('p', { class: 'hint' }, t('privacy_chain_head'), ' ',
          h('code', { class: 'ov-mono ov-id' }, chain.head)));
    } else {
      fill(chainBox,
        h('p', { class: 'ov-chain-title' }, h('span', { 'aria-hidden': 'true' }, '✗ '),
          t('privacy_chain_broken', { n: chain.broken_at })),
        chain.problem ? h('p', {}, t('privacy_chain_problem'), ' ', h('code', {}, chain.problem))
          : null,
        h('p', {}, t('privacy_chain_broken_what')));
    }
  }

  let auditOldest = 0;
  let auditShown = 0;
  async function loadAudit(before) {
    auditMore.disabled = true;
    fill(auditStatus);
    try {
      const query = before ? `&before=${before}` : '';
      const answer = await api('GET', `/api/audit?limit=${kPage}${query}`);
      showChain(answer.chain);
      if (!before) {
        fill(auditRows);
        auditShown = 0;
        const region = auditRows.closest('.ov-scroll');
        if (region) region.scrollTop = 0;
      }
      const entries = answer.entries || [];
      auditRows.append(...entries.map(auditRow));
      labelCells(auditRows.closest('table'), auditHeadings());
      auditShown += entries.length;
      if (entries.length) auditOldest = entries[entries.length - 1].seq;
      auditMore.hidden = entries.length < kPage || auditOldest <= 1;
      auditNewest.hidden = !before;
      // chain.entries counts the entries verified: the whole log only when the chain is intact.
      let count = t('privacy_audit_empty');
      if (auditShown > 0 && answer.chain && answer.chain.intact) {
        count = t('privacy_audit_count', { n: auditShown, total: answer.chain.entries });
      } else if (auditShown > 0) {
        count = t('privacy_audit_count_only', { n: auditShown });
      }
      fill(auditCount, count);
    } catch (error) {
      fill(auditStatus, notice('error', errorText(error)));
      if (!before) fill(chainBox, notice('error', t('privacy_chain_unknown')));
    } finally {
      auditMore.disabled = false;
    }
  }
  auditMore.addEventListener('click', async () => {
    const firstNew = auditRows.children.length;
    await loadAudit(auditOldest);
    // Keep the keyboard where the new rows start.
    const row = auditRows.children[firstNew];
    if (row) {
      row.tabIndex = -1;
      row.focus();
    }
  });
  auditNewest.addEventListener('click', () => loadAudit(0));

  // ---------- a recording's access history ----------
  const recordingInput = h('input', { autocomplete: 'off', spellcheck: 'false', maxlength: 40,
    class: 'ov-mono', inputmode: 'latin', autocapitalize: 'none' });
  const recordingField = field(t('privacy_history_id'), recordingInput, t('privacy_history_id_hint'));
  const historyBody = h('div', { 'aria-live': 'polite' });
  const historyForm = h('form', { novalidate: true, class: 'ov-inline-form' }, recordingField,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' },
      t('privacy_history_submit'))));
  const historySection = h('section', { class: 'card ov-section', 'aria-labelledby': 'prv-history-h' },
    h('h2', { id: 'prv-history-h', tabindex: '-1' }, t('privacy_history_title')),
    h('p', { class: 'hint' }, t('privacy_history_lead')),
    historyForm, historyBody);

  let historyOldest = 0;
  async function loadHistory(id, before) {
    const rows = before ? historyBody.querySelector('tbody') : h('tbody', {});
    const more = h('button', { type: 'button' }, t('privacy_older'));
    try {
      const query = before ? `&before=${before}` : '';
      const answer = await api('GET', `/api/audit?recording=${id}&limit=${kPage}${query}`);
      const entries = answer.entries || [];
      if (!before) {
        if (entries.length === 0) {
          fill(historyBody, notice('info', t('privacy_history_none', { id })));
          return;
        }
        fill(historyBody, h('h3', {}, t('privacy_history_for'), ' ',
          h('code', { class: 'ov-mono ov-id' }, id)),
        auditTable(rows, t('privacy_history_caption', { id }), 'recording-history'));
      }
      historyBody.querySelector('.ov-history-more')?.remove();
      rows.append(...entries.map(auditRow));
      labelCells(rows.closest('table'), auditHeadings());
      if (entries.length) historyOldest = entries[entries.length - 1].seq;
      if (entries.length === kPage) {
        more.addEventListener('click', () => loadHistory(id, historyOldest));
        historyBody.append(h('div', { class: 'actions ov-history-more' }, more));
      }
    } catch (error) {
      fill(historyBody, notice('error', errorText(error)));
    }
  }

  async function showHistory(id, jump) {
    recordingInput.value = id;
    recordingField.showError('');
    fill(historyBody, h('p', { class: 'loading' }, t('loading')));
    if (jump) {
      historySection.scrollIntoView({ block: 'start' });
      historySection.querySelector('h2').focus({ preventScroll: true });
    }
    await loadHistory(id, 0);
  }

  historyForm.addEventListener('submit', (event) => {
    event.preventDefault();
    // Accept an id pasted with spaces or from a link (…/#/r/<id>).
    const value = recordingInput.value.trim().toLowerCase().replace(/^.*\/r\//, '');
    if (!/^[0-9a-f]{32}$/.test(value)) {
      recordingField.showError(t('privacy_history_id_invalid'));
      recordingInput.focus();
      return;
    }
    showHistory(value, false);
  });

  // ---------- deletion receipts ----------
  const receiptsBody = h('div', {});
  const receiptsSection = h('section', { class: 'card ov-section', 'aria-labelledby': 'prv-receipts-h' },
    h('h2', { id: 'prv-receipts-h', tabindex: '-1' }, t('privacy_receipts_title')),
    h('p', { class: 'hint' }, t('privacy_receipts_lead')),
    receiptsBody);

  function idList(ids) {
    if (!ids || ids.length === 0) return '0';
    return h('details', { class: 'ov-details' }, h('summary', {}, String(ids.length)),
      h('ul', { class: 'ov-idlist' }, ids.map((id) => h('li', {}, h('code', { class: 'ov-mono ov-id' }, id)))));
  }

  async function loadReceipts() {
    fill(receiptsBody, h('p', { class: 'loading' }, t('loading')));
    try {
      const { receipts } = await api('GET', '/api/deletion-receipts');
      if (!receipts || receipts.length === 0) {
        fill(receiptsBody, h('p', {}, t('privacy_receipts_none')));
        return;
      }
      const rows = receipts.map((r) => h('tr', {},
        h('th', { scope: 'row' }, h('code', { class: 'ov-mono ov-id' }, r.recording_id)),
        h('td', { class: 'ov-nowrap' }, formatTimestamp(r.deleted_at, lang())),
        h('td', {}, deletionReasonLabel(r.reason)),
        h('td', {}, h('code', { class: 'ov-mono ov-id' }, r.master_key_id)),
        h('td', {}, idList(r.objects)),
        h('td', {}, idList(r.uploads))));
      fill(receiptsBody,
        h('p', { class: 'ov-count' }, t('privacy_receipts_count', { n: receipts.length })),
        tableWrap(null, [t('privacy_receipts_col_recording'), t('privacy_receipts_col_deleted_at'),
          t('privacy_receipts_col_reason'), t('privacy_receipts_col_key'),
          t('privacy_receipts_col_objects'), t('privacy_receipts_col_uploads')], rows,
        { dataset: { testid: 'deletion-receipts' } }));
    } catch (error) {
      fill(receiptsBody, notice('error', errorText(error)));
    }
  }

  // ---------- a person's export ----------
  const externalInput = h('input', { autocomplete: 'off', spellcheck: 'false', maxlength: 64,
    autocapitalize: 'none' });
  const externalField = field(t('privacy_export_id'), externalInput, t('privacy_export_id_hint'));
  const exportBody = h('div', { 'aria-live': 'polite' });
  const exportSubmit = h('button', { type: 'submit', class: 'primary' }, t('privacy_export_submit'));
  const exportForm = h('form', { novalidate: true, class: 'ov-inline-form' }, externalField,
    h('div', { class: 'actions' }, exportSubmit));
  const exportSection = h('section', { class: 'card ov-section', 'aria-labelledby': 'prv-export-h' },
    h('h2', { id: 'prv-export-h', tabindex: '-1' }, t('privacy_export_title')),
    h('p', {}, t('privacy_export_lead')),
    exportForm, exportBody);

  exportForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    externalField.showError('');
    fill(exportBody);
    const external = externalInput.value.trim();
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(external)) {
      externalField.showError(t('privacy_export_id_invalid'));
      externalInput.focus();
      return;
    }
    exportSubmit.disabled = true;
    fill(exportBody, h('p', { class: 'loading' }, t('loading')));
    try {
      const text = await api('GET', `/api/people/${encodeURIComponent(external)}/export`,
        undefined, { text: true });
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
      fill(exportBody,
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
    } catch (error) {
      fill(exportBody, notice('error', error.code === 'not_found'
        ? t('privacy_export_not_found', { id: external }) : errorText(error)));
    } finally {
      exportSubmit.disabled = false;
    }
  });

  // ---------- the processing register ----------
  const registerBody = h('div', { 'aria-live': 'polite' });
  const registerButton = h('button', { type: 'button', class: 'primary' }, t('privacy_register_show'));
  const registerSection = h('section', { class: 'card ov-section', 'aria-labelledby': 'prv-register-h' },
    h('h2', { id: 'prv-register-h', tabindex: '-1' }, t('privacy_register_title')),
    h('p', { class: 'hint' }, t('privacy_register_lead')),
    h('div', { class: 'actions' }, registerButton), registerBody);

  registerButton.addEventListener('click', async () => {
    registerButton.disabled = true;
    fill(registerBody, h('p', { class: 'loading' }, t('loading')));
    try {
      const text = await api('GET', '/api/register', undefined, { text: true });
      const filename = `lessonvault-verwerkingsregister-${isoDay()}.txt`;
      fill(registerBody,
        h('pre', { class: 'ov-pre', tabindex: '0', dataset: { testid: 'register' },
          'aria-label': t('privacy_register_title') }, text),
        h('p', {}, downloadLink(text, 'text/plain;charset=utf-8', filename,
          t('privacy_register_download'), urls)));
      registerButton.textContent = t('privacy_register_refresh');
    } catch (error) {
      fill(registerBody, notice('error', errorText(error)));
    } finally {
      registerButton.disabled = false;
    }
  });

  // ---------- the page ----------
  const sections = [auditSection, historySection, receiptsSection, exportSection, registerSection];
  fill(main,
    h('h1', {}, t('privacy_title')),
    h('p', { class: 'lead' }, t('privacy_lead')),
    h('nav', { class: 'ov-jump', 'aria-label': t('privacy_jump_label') },
      h('ul', {}, sections.map((section) => h('li', {}, h('button', { type: 'button',
        class: 'link-button', onclick: () => {
          section.scrollIntoView({ block: 'start' });
          section.querySelector('h2').focus({ preventScroll: true });
        } }, section.querySelector('h2').textContent))))),
    ...sections);

  await Promise.all([loadAudit(0), loadReceipts()]);
  return () => {
    for (const url of urls) URL.revokeObjectURL(url);
  };
}
