// The end-to-end flow against a running lessonvault process:
// tus-js-client uploads a large fixture, is aborted in the middle and resumes;
// the recording becomes ready; ffmpeg plays the HLS playlist (with the session
// cookie) frame-identical to the source; Range requests answer exactly; an
// account not named on the recording gets 404 everywhere; and no run of the
// upload's bytes is found under the data directory (invariant 1).
// Usage: node upload_e2e.mjs BASE_URL FIXTURE DATA_DIR ANNA_PW BERT_PW CARLA_PW
import fs from 'node:fs';
import path from 'node:path';
import * as tus from 'tus-js-client';
import { Session, check, fail, frameHashes, sameFrames } from './lib.mjs';

const [base, fixture, dataDir, annaPw, bertPw, carlaPw] = process.argv.slice(2);
const secret = (n) => `a long enough secret, number ${n}`;
const anna = await new Session(base, 'anna').login(annaPw, secret(1));
const bert = await new Session(base, 'bert').login(bertPw, secret(2));
const carla = await new Session(base, 'carla').login(carlaPw, secret(3));

const today = new Date();
const day = (plus) => new Date(today.getTime() + plus * 86400000).toISOString().slice(0, 10);
const created = await anna.request('POST', '/api/recordings', {
  title: 'Rekenles groep 6',
  purpose: 'teacher_training',
  written_purpose: 'Feedback op mijn instructie',
  purpose_end: day(30),
  participants: [{ person_id: 2, relation: 'supervisor', rights: 'view,comment' }],
  consultation: { consulted: [1], consulted_on: day(0) },
});
check(created.status === 201, `create: ${created.status} ${created.text}`);
const id = created.json.id;
console.log(`recording ${id}, deleted on ${created.json.deleted_on}`);

// --- upload with tus-js-client, aborted at 40% and resumed from the server's offset ---
const file = fs.readFileSync(fixture);
const size = file.length;
check(size >= 60 << 20, `the fixture must be at least 60 MB, is ${size}`);
const options = (onProgress) => ({
  endpoint: `${base}/files`,
  chunkSize: 16 << 20,
  retryDelays: [0, 500, 1000],
  metadata: { recording_id: id, filename: 'les.mp4', filetype: 'video/mp4' },
  headers: anna.headers(),
  uploadSize: size,
  onProgress,
});
let lastPercent = -10;
const report = (sent) => {
  const percent = Math.floor((100 * sent) / size);
  if (percent >= lastPercent + 10) {
    console.log(`upload ${percent}%`);
    lastPercent = percent;
  }
};
const uploadUrl = await new Promise((resolve, reject) => {
  const upload = new tus.Upload(
    file,
    {
      ...options((sent) => {
        report(sent);
        if (sent > size * 0.4 && upload.url) {
          upload.abort().then(() => resolve(upload.url));
        }
      }),
      onError: reject,
      onSuccess: () => reject(new Error('finished before the abort')),
    },
  );
  upload.start();
});
const head = await anna.request('HEAD', new URL(uploadUrl).pathname, undefined, { 'Tus-Resumable': '1.0.0' });
const resumedAt = Number(head.headers.get('upload-offset'));
check(resumedAt > 0 && resumedAt < size, `after the abort the server holds ${resumedAt} bytes`);
console.log(`aborted; the server holds ${resumedAt} bytes; resuming`);
await new Promise((resolve, reject) => {
  const upload = new tus.Upload(file, {
    ...options(report),
    uploadUrl,
    onError: reject,
    onSuccess: resolve,
  });
  upload.start();
});
console.log('upload 100%');

// --- ingest ---
let status = '';
for (let i = 0; i < 1200 && status !== 'ready' && status !== 'failed'; ++i) {
  const got = await anna.request('GET', `/api/recordings/${id}`);
  status = got.json.status;
  if (status === 'processing' && i % 10 === 0) console.log(`processing ${got.json.processing_percent ?? 0}%`);
  if (status !== 'ready') await new Promise((r) => setTimeout(r, 100));
}
check(status === 'ready', `ingest ended ${status}`);

// --- playback through the playlist, as ffmpeg sees it ---
const cookie = `Cookie: ${bert.cookie}\r\nOrigin: ${bert.headers().Origin}\r\n`;
sameFrames(frameHashes(fixture), frameHashes(`${base}/api/recordings/${id}/playlist.m3u8`, cookie));
console.log('the playlist plays frame-identical to the source');

// --- Range requests, with curl's own parser on the other end ---
const media = `/api/recordings/${id}/media.mp4`;
const whole = await bert.request('HEAD', media);
const length = Number(whole.headers.get('content-length'));
for (const [range, first, last] of [
  ['bytes=0-1023', 0, 1023],
  ['bytes=1000000-', 1000000, length - 1],
  ['bytes=-4096', length - 4096, length - 1],
]) {
  const part = await bert.request('GET', media, undefined, { Range: range });
  check(part.status === 206, `${range}: ${part.status}`);
  check(
    part.headers.get('content-range') === `bytes ${first}-${last}/${length}`,
    `${range}: Content-Range ${part.headers.get('content-range')}`,
  );
}
const outside = await bert.request('GET', media, undefined, { Range: `bytes=${length}-` });
check(outside.status === 416 && outside.headers.get('content-range') === `bytes */${length}`,
  `past the end: ${outside.status} ${outside.headers.get('content-range')}`);
console.log('Range requests answered exactly');

// --- someone not named on it ---
for (const tail of ['', '/playlist.m3u8', '/media.mp4', '/poster.jpg']) {
  const refused = await carla.request('GET', `/api/recordings/${id}${tail}`);
  check(refused.status === 404, `carla got ${refused.status} for ${tail || 'the recording'}`);
}
console.log('an unnamed account gets 404 on all of it');

// --- invariant 1: no run of the upload's bytes under the data directory ---
// Every aligned 64-byte block of the source is indexed; every 64-byte window
// of every stored file is looked up, so any copied run of 127 bytes or more
// is found.
const W = 64;
const hashOf = (buf, at) => {
  let h = 0;
  for (let i = 0; i < W; ++i) h = (Math.imul(h, 31) + buf[at + i]) | 0;
  return h;
};
const blocks = new Map();
for (let at = 0; at + W <= size; at += W) blocks.set(hashOf(file, at), at);
let pow = 1;
for (let i = 0; i < W - 1; ++i) pow = Math.imul(pow, 31);
const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]);
for (const stored of walk(dataDir)) {
  const data = fs.readFileSync(stored);
  if (data.length < W) continue;
  let h = hashOf(data, 0);
  for (let at = 0; ; ++at) {
    const hit = blocks.get(h);
    if (hit !== undefined && data.subarray(at, at + W).equals(file.subarray(hit, hit + W))) {
      fail(`${stored} holds plaintext of the upload at offset ${at}`);
    }
    if (at + W >= data.length) break;
    h = (Math.imul(h - Math.imul(data[at], pow), 31) + data[at + W]) | 0;
  }
}
console.log('no plaintext of the upload under the data directory');
// For the shell's curl and sweep checks that follow.
fs.writeFileSync(path.join(path.dirname(dataDir), 'e2e.env'),
  `id=${id}\ncookie='${anna.cookie}'\nbert_cookie='${bert.cookie}'\nend=${created.json.purpose_end}\n`);
console.log('PASS');
