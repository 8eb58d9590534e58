// Invariant 4 with real clients: 20 tus-js-client uploads run at once, the
// server is killed with SIGKILL in the middle, started again, and every upload
// resumes. After the restart each upload's offset is at least what the server
// had acknowledged and at most what was sent; no recording is playable before
// its ingest finished; at the end every recording plays frame-identical to its
// source.
// Usage: node crash_e2e.mjs SERVER_BIN CONFIG SOURCES_DIR ANNA_PASSWORD
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as tus from 'tus-js-client';
import { Session, check, frameHashes, sameFrames } from './lib.mjs';

const [serverBin, config, sourcesDir, annaPw] = process.argv.slice(2);
const COUNT = 20;
const CHUNK = 256 * 1024;

// Starts the server and resolves with its process and base URL.
function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(serverBin, ['--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const onData = (chunk) => {
      log += chunk;
      const found = /listening on (http:\/\/[0-9.:]+)/.exec(log);
      if (found) {
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve({ child, base: found[1] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => { log += c; });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${log}`)));
  });
}

let server = await startServer();
const anna = await new Session(server.base, 'anna').login(annaPw, 'a long enough secret, number 1');
const day = (plus) => new Date(Date.now() + plus * 86400000).toISOString().slice(0, 10);
const sources = fs.readdirSync(sourcesDir).filter((n) => n.endsWith('.mp4')).sort()
  .map((n) => path.join(sourcesDir, n));
check(sources.length === COUNT, `expected ${COUNT} sources, found ${sources.length}`);

const uploads = [];
for (const source of sources) {
  const created = await anna.request('POST', '/api/recordings', {
    title: `Les ${path.basename(source)}`, purpose: 'teacher_training', written_purpose: 'Feedback',
    purpose_end: day(30), consultation: { consulted: [1], consulted_on: day(0) },
  });
  check(created.status === 201, `create: ${created.text}`);
  const file = fs.readFileSync(source);
  uploads.push({ id: created.json.id, source, file, acked: 0, url: null });
}

const options = (u, base) => ({
  endpoint: `${base}/files`,
  chunkSize: CHUNK,
  retryDelays: null,  // the kill must surface as an error, not a retry against a dead server
  metadata: { recording_id: u.id, filename: 'les.mp4' },
  headers: anna.headers(),
  uploadSize: u.file.length,
  onChunkComplete: (_chunk, accepted) => { u.acked = Math.max(u.acked, accepted); },
});

// Phase 1: all 20 at once; SIGKILL once a third of all bytes are acknowledged.
const total = uploads.reduce((n, u) => n + u.file.length, 0);
let killed = false;
await new Promise((resolve) => {
  let open = uploads.length;
  const done = () => { if (--open === 0) resolve(); };
  for (const u of uploads) {
    const upload = new tus.Upload(u.file, {
      ...options(u, server.base),
      onAfterResponse: (req, res) => {
        // tus-js-client calls this before it takes the creation's Location into upload.url:
        // read the Location here, or an upload answered but not yet PATCHed looks unanswered.
        const location = req.getMethod() === 'POST' ? res.getHeader('Location') : null;
        if (location) u.url = new URL(location, server.base).href;
        if (upload.url) u.url = upload.url;
        const acked = uploads.reduce((n, x) => n + x.acked, 0);
        if (!killed && acked > total / 3) {
          killed = true;
          console.log(`SIGKILL with ${acked} of ${total} bytes acknowledged`);
          server.child.kill('SIGKILL');
        }
      },
      onError: done,
      onSuccess: done,
    });
    upload.start();
  }
});
check(killed, 'the uploads finished before the server could be killed');
await new Promise((r) => (server.child.exitCode !== null || server.child.signalCode) ? r() : server.child.once('exit', r));

// Phase 2: restart; nothing unfinished is visible; offsets are durable.
server = await startServer();
anna.base = server.base;
let complete = 0;
for (const u of uploads) {
  const got = await anna.request('GET', `/api/recordings/${u.id}`);
  if (got.json.status !== 'uploading') {
    // Complete before the kill: its ingest is queued again at start.
    u.done = true;
    ++complete;
    continue;
  }
  const playlist = await anna.request('GET', `/api/recordings/${u.id}/playlist.m3u8`);
  check(playlist.status === 404, `${u.id} is playable before its ingest finished`);
  if (!u.url) continue;  // the creation's answer never came: start again
  u.url = new URL(new URL(u.url).pathname, server.base).href;
  const head = await anna.request('HEAD', new URL(u.url).pathname, undefined, { 'Tus-Resumable': '1.0.0' });
  check(head.status === 200, `${u.id}: HEAD of its upload after restart answered ${head.status}`);
  const offset = Number(head.headers.get('upload-offset'));
  check(offset >= u.acked, `${u.id}: offset ${offset} after restart, but ${u.acked} was acknowledged`);
  // One PATCH carries one chunk: the server cannot hold more than the chunk in flight.
  const sent = Math.min(u.file.length, u.acked + CHUNK);
  check(offset <= sent, `${u.id}: offset ${offset} after restart, but at most ${sent} was sent`);
}
console.log(`after restart: ${complete} complete before the kill; resuming the rest`);
await Promise.all(uploads.filter((u) => !u.done).map((u) => new Promise((resolve, reject) => {
  const upload = new tus.Upload(u.file, {
    ...options(u, server.base),
    retryDelays: [0, 500, 1000],
    ...(u.url ? { uploadUrl: u.url } : {}),
    onError: async (error) => {
      // Say what the server thought of the recording: the error alone does not explain it.
      const got = await anna.request('GET', `/api/recordings/${u.id}`).catch(() => null);
      console.error(`${u.id}: resume failed; url ${u.url}, ${u.acked} acknowledged before the kill, ` +
        `status now ${got?.json?.status}`);
      reject(error);
    },
    onSuccess: resolve,
  });
  upload.start();
})));

// Phase 3: every recording ready and identical to its source.
for (const u of uploads) {
  let status = '';
  for (let i = 0; i < 600 && status !== 'ready' && status !== 'failed'; ++i) {
    status = (await anna.request('GET', `/api/recordings/${u.id}`)).json.status;
    if (status !== 'ready') await new Promise((r) => setTimeout(r, 100));
  }
  check(status === 'ready', `${u.id} ended ${status}`);
  sameFrames(frameHashes(u.source),
    frameHashes(`${server.base}/api/recordings/${u.id}/playlist.m3u8`,
      `Cookie: ${anna.cookie}\r\nOrigin: ${anna.headers().Origin}\r\n`));
}
console.log(`all ${COUNT} recordings play frame-identical to their sources`);
server.child.kill('SIGTERM');
console.log('PASS');
