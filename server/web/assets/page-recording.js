// One recording: the player and the feedback beside it when it is ready; progress while it
// is processing; the upload (resumable) while it is waiting for its file; access management
// for managers; an erasure request for a pupil or guardian (R14). An unknown id, a
// forbidden one and a deleted one look the same: "not found" (the service gives one 404).
import { api } from './api.js';
import { field, fill, formatDate, h, notice } from './dom.js';
import { errorText, failureText, lang, t } from './i18n.js';
import { feedbackPanel } from './feedback.js';
import { daysLeftLabel, purposeLabel, statusLabel } from './labels.js';
import { managePanel } from './manage.js';
import { createPlayer } from './player.js';
import { uploadPanel } from './upload.js';

function notFound(main) {
  fill(main, h('section', { class: 'card narrow', dataset: { testid: 'not-found' } },
    h('h1', {}, t('recording_not_found_title')),
    h('p', {}, t('recording_not_found')),
    h('a', { class: 'button', href: '#/' }, t('back_to_list'))));
}

function erasureRequest(recording) {
  const reason = h('textarea', { rows: 3, maxlength: 2000 });
  const status = h('div', { class: 'form-status' });
  const form = h('form', { class: 'card erasure', novalidate: true, 'aria-labelledby': 'erase-h' },
    h('h2', { id: 'erase-h' }, t('erasure_title')), h('p', {}, t('erasure_lead')),
    field(t('erasure_reason'), reason), status,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('erasure_submit'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('POST', `/api/recordings/${recording.id}/erasure-requests`,
        { reason: reason.value.trim() });
      fill(status, notice('ok', t('erasure_sent')));
      reason.value = '';
    } catch (error) {
      fill(status, notice('error', errorText(error)));
    }
  });
  return form;
}

export async function show(main, ctx) {
  const id = ctx.params.id;
  let player = null;
  let timer = null;
  let uploading = null;  // the upload panel, kept across redraws while it sends
  let limits = null;
  const stopPlayback = () => {
    clearTimeout(timer);
    player?.destroy();
    player = null;
  };

  // `flash`: a message about what just happened (shown under the title).
  const render = async (flash) => {
    let recording;
    try {
      recording = await api('GET', `/api/recordings/${encodeURIComponent(id)}`);
      limits ??= await api('GET', '/api/limits');
    } catch (error) {
      if (!ctx.alive()) return;
      stopPlayback();
      if (error.status === 404) notFound(main);
      else fill(main, notice('error', errorText(error)));
      return;
    }
    if (!ctx.alive()) return;
    stopPlayback();
    const rights = recording.my_rights || [];
    const isOwner = recording.owner?.id === ctx.me.person_id;
    const sections = [heading(recording)];
    if (typeof flash === 'string') sections.push(notice('ok', flash));
    if (recording.status === 'ready' && rights.includes('view')) {
      player = createPlayer(recording, ctx.me.display_name);
      sections.push(h('div', { class: 'watch' }, player.node,
        feedbackPanel(recording, player, rights.includes('comment'))));
    } else if (recording.status === 'processing') {
      sections.push(h('section', { class: 'card' }, h('h2', {}, t('recording_processing')),
        h('progress', { max: 100, value: recording.processing_percent ?? 0,
          'aria-label': t('recording_processing') }),
        h('p', {}, t('recording_processing_hint'))));
      timer = setTimeout(() => render(), 2000);
    } else if (recording.status === 'failed') {
      sections.push(h('section', { class: 'card' }, notice('error', t('recording_failed')),
        h('p', { class: 'failure' }, failureText(recording.failure))));
    }
    if (isOwner && (recording.status === 'uploading' || recording.status === 'failed')) {
      uploading ??= uploadPanel(recording.id, limits, () => {
        uploading = null;
        if (ctx.alive()) render(t('upload_done'));
      });
      sections.push(uploading);
    }
    if (recording.participants) sections.push(managePanel(recording, ctx, render, limits));
    if (recording.may_request_erasure && !isOwner) sections.push(erasureRequest(recording));
    fill(main, sections);
  };
  await render();
  return () => {
    stopPlayback();
    uploading?.stop();
  };
}

function heading(recording) {
  return h('div', { class: 'recording-title' },
    h('h1', {}, recording.title),
    h('p', { class: 'meta' }, purposeLabel(recording.purpose), ' · ',
      h('span', { class: `badge status-${recording.status}`, dataset: { testid: 'status' } },
        statusLabel(recording))),
    h('p', { class: recording.ending_soon ? 'deletion ending-soon' : 'deletion' },
      t('list_deleted_on', { date: formatDate(recording.deleted_on, lang()) }),
      ` (${daysLeftLabel(recording.days_left)})`),
    recording.description ? h('p', { class: 'description' }, recording.description) : null,
    h('details', { class: 'written-purpose' }, h('summary', {}, t('recording_written_purpose')),
      h('p', {}, recording.written_purpose)));
}
