// The player: hls.js (window.Hls, from npm) over the service's playlist, or the browser's
// own HLS where hls.js cannot run (Safari on iPhone). The watermark (viewer's name, date and
// time) lies over the video inside a wrapper, and full screen is asked for on the wrapper,
// so the watermark stays in full screen (R4). No download control, no picture-in-picture,
// no context menu on the video: deterrents, not protection, and the docs say so.
import { h } from './dom.js';
import { lang, t } from './i18n.js';

function stamp() {
  return new Date().toLocaleString(lang(), { dateStyle: 'medium', timeStyle: 'short' });
}

// Returns {node, video, destroy()}.
export function createPlayer(recording, viewerName) {
  const base = `/api/recordings/${recording.id}`;
  const video = h('video', {
    controls: true, playsinline: true, disablepictureinpicture: true, preload: 'metadata',
    controlslist: 'nodownload nofullscreen noremoteplayback noplaybackrate',
    poster: recording.media?.video_codec ? `${base}/poster.jpg` : undefined,
    'aria-label': t('player_label', { title: recording.title }),
  });
  video.disablePictureInPicture = true;
  video.disableRemotePlayback = true;
  video.addEventListener('contextmenu', (event) => event.preventDefault());
  const mark = h('div', { class: 'watermark', 'aria-hidden': 'true', dataset: { testid: 'watermark' } });
  const updateMark = () => {
    mark.textContent = `${viewerName} · ${stamp()}`;
  };
  updateMark();
  const markTimer = setInterval(updateMark, 30 * 1000);
  const wrapper = h('div', { class: 'player' }, video, mark);
  const fullscreen = h('button', { type: 'button', class: 'fullscreen' }, t('player_fullscreen'));
  fullscreen.addEventListener('click', () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else wrapper.requestFullscreen?.().catch(() => {});
  });
  wrapper.addEventListener('dblclick', (event) => event.preventDefault());
  const error = h('p', { class: 'notice error', role: 'alert', hidden: true });

  let hls = null;
  const playlist = `${base}/playlist.m3u8`;
  if (window.Hls?.isSupported()) {
    hls = new window.Hls({ maxBufferLength: 30, enableWorker: true });
    hls.on(window.Hls.Events.ERROR, (_, data) => {
      if (!data.fatal) return;
      error.hidden = false;
      error.textContent = t('player_error');
    });
    hls.loadSource(playlist);
    hls.attachMedia(video);
  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = playlist;
  } else {
    error.hidden = false;
    error.textContent = t('player_unsupported');
  }
  const node = h('div', { class: 'player-box' }, wrapper,
    h('div', { class: 'player-bar' }, fullscreen), error);
  return {
    node,
    video,
    destroy() {
      clearInterval(markTimer);
      hls?.destroy();
      video.removeAttribute('src');
      video.load();
    },
  };
}
