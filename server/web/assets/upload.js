// The upload panel: choose or drop a file, refuse it before sending when it is too large,
// then send it with tus-js-client (window.tus, from npm) with a progress bar, speed and time
// left, pause and resume. tus-js-client remembers the upload's URL in this browser
// (localStorage, keyed by the file's name, size and date), so after a reload or a lost
// connection choosing the same file again continues where the service stopped.
import { getCsrfToken, reportSessionProblem } from './api.js';
import { fill, formatBytes, formatClock, h, notice } from './dom.js';
import { errorText, lang, t } from './i18n.js';

// Each PATCH carries at most this much; the service acknowledges each chunk after it is on
// disk, so a lost connection costs at most one chunk.
const kChunkBytes = 32 * 1024 * 1024;

// Throughput over the last few seconds, for "speed" and "time left".
class RateMeter {
  constructor() {
    this.samples = [];
  }
  add(bytes) {
    const now = performance.now();
    this.samples.push([now, bytes]);
    while (this.samples.length > 2 && now - this.samples[0][0] > 5000) this.samples.shift();
  }
  bytesPerSecond() {
    if (this.samples.length < 2) return 0;
    const [t0, b0] = this.samples[0];
    const [t1, b1] = this.samples[this.samples.length - 1];
    return t1 > t0 ? ((b1 - b0) * 1000) / (t1 - t0) : 0;
  }
}

function tusErrorCode(error) {
  if (error?.originalResponse?.getStatus?.() === 401) return 'not_authenticated';
  // tus-js-client wraps the response; our body is {"error":{"code":...}}.
  try {
    const body = error?.originalResponse?.getBody?.();
    return JSON.parse(body).error?.code;
  } catch {
    return error?.originalRequest ? 'internal_error' : 'network_error';
  }
}

// Returns the panel element. `limits` is /api/limits; `onDone` runs when the service has
// every byte (processing starts on the server then).
export function uploadPanel(recordingId, limits, onDone) {
  const input = h('input', { type: 'file', id: `file-${recordingId}`, class: 'visually-hidden',
    accept: 'video/*,audio/*,.mp4,.mov,.m4a,.mkv,.webm,.avi,.ts' });
  const zone = h('label', { class: 'dropzone', for: input.id },
    h('strong', {}, t('upload_choose')), h('span', {}, t('upload_drop')),
    h('span', { class: 'hint' }, t('upload_limit', {
      size: formatBytes(Math.min(limits.upload_max_bytes, limits.quota_left_bytes), lang()),
    })));
  const bar = h('progress', { max: 100, value: 0, 'aria-label': t('upload_progress') });
  const percent = h('span', { class: 'percent', dataset: { testid: 'upload-percent' } }, '0%');
  const detail = h('span', { class: 'upload-detail' });
  const pauseButton = h('button', { type: 'button' }, t('upload_pause'));
  const progressBox = h('div', { class: 'upload-progress', hidden: true },
    h('div', { class: 'progress-line' }, bar, percent), detail,
    h('div', { class: 'actions' }, pauseButton));
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const panel = h('section', { class: 'card upload', 'aria-labelledby': `up-${recordingId}` },
    h('h2', { id: `up-${recordingId}` }, t('upload_title')),
    h('p', {}, t('upload_lead')), input, zone, progressBox, status);

  let upload = null;
  let paused = false;
  let sending = false;
  const meter = new RateMeter();
  // Closing the tab while bytes are on their way: the browser asks first (tus keeps the place).
  const warnOnLeave = (event) => {
    if (!sending) return;
    event.preventDefault();
    event.returnValue = '';
  };
  // Back online after a lost connection: go on without waiting for a click.
  const onOnline = () => {
    if (upload && paused && !sending) resume();
  };
  window.addEventListener('beforeunload', warnOnLeave);
  window.addEventListener('online', onOnline);
  const resume = () => {
    paused = false;
    sending = true;
    pauseButton.textContent = t('upload_pause');
    fill(status);
    upload.start();
  };

  const showProgress = (sent, total) => {
    const pct = total > 0 ? Math.floor((sent * 100) / total) : 0;
    bar.value = pct;
    percent.textContent = `${pct}%`;
    meter.add(sent);
    const rate = meter.bytesPerSecond();
    const parts = [`${formatBytes(sent, lang())} / ${formatBytes(total, lang())}`];
    if (rate > 0) {
      parts.push(`${formatBytes(rate, lang())}/s`);
      parts.push(t('upload_time_left', { time: formatClock((total - sent) / rate) }));
    }
    detail.textContent = parts.join(' · ');
  };

  const start = async (file) => {
    fill(status);
    if (file.size === 0) {
      fill(status, notice('error', errorText({ code: 'empty_upload' })));
      return;
    }
    if (file.size > limits.upload_max_bytes) {
      fill(status, notice('error', t('upload_too_large', {
        size: formatBytes(file.size, lang()), max: formatBytes(limits.upload_max_bytes, lang()),
      })));
      return;
    }
    if (file.size > limits.quota_left_bytes) {
      fill(status, notice('error', t('upload_over_quota', {
        left: formatBytes(limits.quota_left_bytes, lang()),
      })));
      return;
    }
    zone.hidden = true;
    input.disabled = true;  // one file per recording; the panel now shows its progress
    progressBox.hidden = false;
    upload = new window.tus.Upload(file, {
      endpoint: '/files',
      chunkSize: kChunkBytes,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      removeFingerprintOnSuccess: true,
      // No file name: tus-js-client keeps the metadata in localStorage until the upload ends,
      // and a lesson's file name may name a pupil. The service does not need it.
      metadata: { recording_id: recordingId, filetype: file.type },
      // The token of the session as it is now (a new login gives a new one).
      onBeforeRequest: (request) => request.setHeader('X-CSRF-Token', getCsrfToken()),
      onProgress: showProgress,
      onError: (error) => {
        const code = tusErrorCode(error);
        fill(status, notice('error', errorText({ code })));
        pauseButton.textContent = t('upload_retry');
        paused = true;
        sending = false;
        reportSessionProblem(code);
      },
      onSuccess: () => {
        sending = false;
        showProgress(file.size, file.size);
        pauseButton.hidden = true;
        fill(status, notice('ok', t('upload_done')));
        onDone?.();
      },
    });
    // A previous attempt of this file for this recording (page reload, lost connection).
    const previous = (await upload.findPreviousUploads())
      .filter((p) => p.metadata?.recording_id === recordingId);
    if (previous.length > 0) {
      upload.resumeFromPreviousUpload(previous[0]);
      fill(status, notice('info', t('upload_resuming')));
    }
    sending = true;
    upload.start();
  };

  pauseButton.addEventListener('click', () => {
    if (!upload) return;
    if (paused) {
      resume();
    } else {
      paused = true;
      sending = false;
      pauseButton.textContent = t('upload_resume');
      upload.abort();
      fill(status, notice('info', t('upload_paused')));
    }
  });
  input.addEventListener('change', () => {
    if (input.files[0]) start(input.files[0]);
  });
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    if (event.dataTransfer.files[0]) start(event.dataTransfer.files[0]);
  });
  // Leaving the page: the upload stops (tus keeps its place for the next visit).
  panel.stop = () => {
    window.removeEventListener('beforeunload', warnOnLeave);
    window.removeEventListener('online', onOnline);
    if (upload && sending) upload.abort();
    sending = false;
  };
  return panel;
}
