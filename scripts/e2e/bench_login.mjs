// For the benchmarks: logs an account in with its one-time password, sets a
// new one, and prints the session as shell assignments (LV_COOKIE, LV_CSRF).
// With --recording FILE it also creates a recording, uploads FILE with
// tus-js-client, waits until ingest has made it ready and prints LV_RECORDING.
// Usage: node bench_login.mjs BASE_URL NAME ONE_TIME_PASSWORD [--recording FILE]
import fs from 'node:fs';
import * as tus from 'tus-js-client';
import { Session, check } from './lib.mjs';
import { createRecording } from './bench_upload.mjs';

const [base, name, password, flag, media] = process.argv.slice(2);
const session = await new Session(base, name).login(password, `a long enough secret for the run, ${Date.now()}`);
console.log(`LV_COOKIE='${session.cookie}'`);
console.log(`LV_CSRF='${session.csrf}'`);
if (flag === '--recording') {
  const id = await createRecording(session);
  const file = fs.readFileSync(media);
  await new Promise((resolve, reject) => {
    new tus.Upload(file, {
      endpoint: `${base}/files`,
      chunkSize: 64 << 20,
      metadata: { recording_id: id },
      headers: session.headers(),
      uploadSize: file.length,
      onError: reject,
      onSuccess: resolve,
    }).start();
  });
  let status = '';
  for (let i = 0; i < 1200 && status !== 'ready' && status !== 'failed'; ++i) {
    await new Promise((r) => setTimeout(r, 250));
    status = (await session.request('GET', `/api/recordings/${id}`)).json.status;
  }
  check(status === 'ready', `ingest of ${media} ended ${status}`);
  console.log(`LV_RECORDING='${id}'`);
}
