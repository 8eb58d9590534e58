// The upload panel: choose or drop a file, refuse it before sending when it is too large,
// then send it with tus-js-client (window.tus, from npm) with a progress bar, speed and time
// left, pause and resume. tus-js-client remembers the upload's URL in this browser
// (localStorage, keyed by the file's name, size and date), so after a reload or a lost
// connection choosing the same file again continues where the service stopped.
import { getCsrfToken } from './api.js';
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
  const meter = new RateMeter();

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
    progressBox.hidden = false;
    upload = new window.tus.Upload(file, {
      endpoint: '/files',
      chunkSize: kChunkBytes,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      removeFingerprintOnSuccess: true,
      metadata: { recording_id: recordingId, filename: file.name, filetype: file.type },
      headers: { 'X-CSRF-Token': getCsrfToken() },
      onProgress: showProgress,
      onError: (error) => {
        fill(status, notice('error', errorText({ code: tusErrorCode(error) })));
        pauseButton.textContent = t('upload_retry');
        paused = true;
      },
      onSuccess: () => {
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
    upload.start();
  };

  pauseButton.addEventListener('click', () => {
    if (!upload) return;
    if (paused) {
      paused = false;
      pauseButton.textContent = t('upload_pause');
      fill(status);
      upload.start();
    } else {
      paused = true;
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
  // Leaving the page with an upload under way: tus keeps its place, the browser asks first.
  panel.stop = () => {
    if (upload && !paused) upload.abort();
  };
  return panel;
}
