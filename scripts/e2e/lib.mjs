// Shared by the end-to-end scripts: a tiny HTTP client that acts as a browser
// does (session cookie, CSRF token, Origin), and checks that fail loudly.
import { spawnSync } from 'node:child_process';

export const origin = process.env.LV_ORIGIN ?? 'http://127.0.0.1:8080';

export function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}

export function check(condition, message) {
  if (!condition) fail(message);
}

// A logged-in user: login with the one-time password, then the new one.
export class Session {
  constructor(base, name) {
    this.base = base;
    this.name = name;
    this.cookie = '';
    this.csrf = '';
  }

  headers(extra = {}) {
    const h = { Origin: origin, ...extra };
    if (this.cookie) {
      h.Cookie = this.cookie;
      h['X-CSRF-Token'] = this.csrf;
    }
    return h;
  }

  async request(method, path, body, extra = {}) {
    const init = { method, headers: this.headers(extra) };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      if (!init.headers['Content-Type']) init.headers['Content-Type'] = 'application/json';
    }
    const response = await fetch(this.base + path, init);
    const text = await response.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  async login(password, newPassword) {
    const login = await this.request('POST', '/api/login', { username: this.name, password });
    check(login.status === 200, `${this.name} could not log in: ${login.status} ${login.text}`);
    this.cookie = login.headers.get('set-cookie').split(';')[0];
    this.csrf = login.json.csrf_token;
    if (newPassword) {
      const changed = await this.request('POST', '/api/me/password', {
        current: password,
        new: newPassword,
      });
      check(changed.status === 200, `${this.name} could not change the password: ${changed.text}`);
    }
    return this;
  }
}

// ffmpeg's framemd5 hash column, per stream ("0" video, "1" audio), of a file or URL.
export function frameHashes(input, headers = '') {
  const args = ['-v', 'error'];
  if (headers) args.push('-headers', headers);
  args.push('-i', input, '-map', '0', '-f', 'framemd5', '-');
  const run = spawnSync('ffmpeg', args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  check(run.status === 0, `ffmpeg could not decode ${input}: ${run.stderr}`);
  const streams = new Map();
  for (const line of run.stdout.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(',').map((f) => f.trim());
    if (!streams.has(fields[0])) streams.set(fields[0], []);
    streams.get(fields[0]).push(fields[5]);
  }
  return streams;
}

// Video frames must be identical; audio too, but for at most one leading AAC
// priming frame (fragmented MP4 in FFmpeg 5.1 writes no edit list).
export function sameFrames(source, played) {
  const video = source.get('0') ?? [];
  const playedVideo = played.get('0') ?? [];
  check(video.length > 0, 'the source has no video frames');
  check(
    video.length === playedVideo.length && video.every((h, i) => h === playedVideo[i]),
    `video frames differ: ${video.length} in the source, ${playedVideo.length} played`,
  );
  // The source's edit list hides its priming frame, which the fMP4 plays: the
  // longer list may have one extra frame at the start.
  const audio = source.get('1') ?? [];
  const playedAudio = played.get('1') ?? [];
  const [longer, shorter] =
    audio.length >= playedAudio.length ? [audio, playedAudio] : [playedAudio, audio];
  const skip = longer.length - shorter.length;
  check(
    skip <= 1 && shorter.every((h, i) => h === longer[i + skip]),
    `audio frames differ: ${audio.length} in the source, ${playedAudio.length} played`,
  );
}
