// The privacy officer's page (#/privacy): the audit log with the chain's verification status;
// one recording's access history, deletion receipts, a person's data export (R12, R15) and the
// processing register (R15) are in privacy-lookups.js. The privacy officer sees no recording
// content here: the audit log holds ids, actions and reasons only. Every read below is itself
// audited by the service.
//   GET /api/audit?limit=100&before=SEQ    {chain:{intact, entries, head, broken_at, problem}, entries}
import { api } from './api.js';
import { fill, h, notice } from './dom.js';
import { errorText, t } from './i18n.js';
import { jumpNav, ovSection } from './oversight-ui.js';
import { appendAuditRows, auditTable } from './privacy-audit-table.js';
import { exportSection, historySection, receiptsSection, registerSection }
  from './privacy-lookups.js';

const kPage = 100;

function showChain(chainBox, chain) {
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

// "N of M entries": chain.entries counts the entries verified, the whole log only when the
// chain is intact.
function countText(shown, chain) {
  if (shown > 0 && chain && chain.intact) {
    return t('privacy_audit_count', { n: shown, total: chain.entries });
  }
  if (shown > 0) return t('privacy_audit_count_only', { n: shown });
  return t('privacy_audit_empty');
}

// Loads the newest page of the log (before = 0, replacing the rows) or the page before `before`.
async function loadAudit(view, before) {
  view.more.disabled = true;
  fill(view.status);
  try {
    const query = before ? `&before=${before}` : '';
    const answer = await api('GET', `/api/audit?limit=${kPage}${query}`);
    showChain(view.chainBox, answer.chain);
    if (!before) {
      fill(view.rows);
      view.shown = 0;
      const region = view.rows.closest('.ov-scroll');
      if (region) region.scrollTop = 0;
    }
    const entries = answer.entries || [];
    appendAuditRows(view.rows, entries, view.onHistory);
    view.shown += entries.length;
    if (entries.length) view.oldest = entries[entries.length - 1].seq;
    view.more.hidden = entries.length < kPage || view.oldest <= 1;
    view.newest.hidden = !before;
    fill(view.count, countText(view.shown, answer.chain));
  } catch (error) {
    fill(view.status, notice('error', errorText(error)));
    if (!before) fill(view.chainBox, notice('error', t('privacy_chain_unknown')));
  } finally {
    view.more.disabled = false;
  }
}

// The audit-log section; a recording's "history" link calls onHistory(recordingId).
function auditSection(onHistory) {
  const view = { onHistory, oldest: 0, shown: 0,
    chainBox: h('div', { class: 'ov-chain', dataset: { testid: 'chain-status' },
      role: 'status' }, t('privacy_chain_checking')),
    status: h('div', { class: 'form-status' }),
    rows: h('tbody', {}),
    more: h('button', { type: 'button', hidden: true }, t('privacy_older')),
    newest: h('button', { type: 'button', hidden: true }, t('privacy_newest')),
    count: h('p', { class: 'ov-count', 'aria-live': 'polite' }) };
  view.section = ovSection('prv-audit-h', t('privacy_audit_title'),
    h('p', { class: 'hint' }, t('privacy_audit_lead')),
    view.chainBox, view.status, view.count,
    auditTable(view.rows, t('privacy_audit_caption'), 'audit-log'),
    h('div', { class: 'actions' }, view.more, view.newest));
  view.more.addEventListener('click', async () => {
    const firstNew = view.rows.children.length;
    await loadAudit(view, view.oldest);
    // Keep the keyboard where the new rows start.
    const row = view.rows.children[firstNew];
    if (row) {
      row.tabIndex = -1;
      row.focus();
    }
  });
  view.newest.addEventListener('click', () => loadAudit(view, 0));
  return view;
}

export async function show(main, ctx) {
  if (!ctx.me.roles.includes('privacy_officer')) {
    fill(main, h('h1', {}, t('privacy_title')), notice('error', t('privacy_not_allowed')));
    return null;
  }
  const urls = []; // Blob URLs of the downloads offered, revoked when the page closes
  const history = historySection();
  const audit = auditSection((id) => history.show(id, true));
  const receipts = receiptsSection();
  const sections = [audit.section, history.section, receipts.section, exportSection(urls),
    registerSection(urls)];
  fill(main,
    h('h1', {}, t('privacy_title')),
    h('p', { class: 'lead' }, t('privacy_lead')),
    jumpNav(t('privacy_jump_label'), sections),
    ...sections);

  await Promise.all([loadAudit(audit, 0), receipts.load()]);
  return () => {
    for (const url of urls) URL.revokeObjectURL(url);
  };
}
