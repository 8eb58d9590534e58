// One timed upload with tus-js-client, for scripts/bench/upload.sh: reads FILE
// into memory first (not timed), then times from start() to onSuccess and prints
// "seconds=S mb_per_s=R" (MB = 10^6 bytes). Against LessonVault (LV_COOKIE and
// LV_CSRF set, from bench_login.mjs) it first creates a fresh recording, since a
// recording takes one upload, and afterwards waits (untimed) until that recording's
// ingest has ended; against the anchor it sends no session.
// Usage: node bench_upload.mjs ENDPOINT FILE CHUNK_BYTES
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as tus from 'tus-js-client';
import { Session, check } from './lib.mjs';

export async function createRecording(session) {
  const day = (plus) => new Date(Date.now() + plus * 86400000).toISOString().slice(0, 10);
  const created = await session.request('POST', '/api/recordings', {
    title: 'Benchmark',
    purpose: 'teacher_training',
    written_purpose: 'Benchmark run',
    purpose_end: day(30),
    participants: [],
    consultation: { consulted: [1], consulted_on: day(0) },
  });
  check(created.status === 201, `create: ${created.status} ${created.text}`);
  return created.json.id;
}

async function main() {
  const [endpoint, path, chunk] = process.argv.slice(2);
  const file = fs.readFileSync(path);
  let metadata = { filename: 'random.bin' };
  let headers = {};
  let session;
  if (process.env.LV_COOKIE) {
    session = new Session(new URL(endpoint).origin, 'bench');
    session.cookie = process.env.LV_COOKIE;
    session.csrf = process.env.LV_CSRF;
    metadata = { recording_id: await createRecording(session) };
    headers = session.headers();
  }
  const start = process.hrtime.bigint();
  await new Promise((resolve, reject) => {
    new tus.Upload(file, {
      endpoint,
      chunkSize: Number(chunk),
      metadata,
      headers,
      uploadSize: file.length,
      onError: reject,
      onSuccess: resolve,
    }).start();
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  let ingest = '';
  if (session) {
    // Not timed: wait for the ingest that follows the last byte (a random file ends
    // "failed", not_media), so that it does not overlap the next run.
    let status = 'processing';
    for (let i = 0; i < 2400 && status !== 'ready' && status !== 'failed'; ++i) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await session.request('GET', `/api/recordings/${metadata.recording_id}`)).json.status;
    }
    ingest = ` ingest=${status}`;
  }
  console.log(`seconds=${seconds.toFixed(3)} mb_per_s=${(file.length / 1e6 / seconds).toFixed(0)}${ingest}`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
