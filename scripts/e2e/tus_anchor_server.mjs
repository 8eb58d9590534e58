// The upload benchmark's anchor: @tus/server with @tus/file-store, writing
// plaintext into DIRECTORY, on 127.0.0.1. Prints "listening on http://HOST:PORT"
// once it accepts connections; runs until killed.
// Usage: node tus_anchor_server.mjs DIRECTORY
import { Server } from '@tus/server';
import { FileStore } from '@tus/file-store';

const [directory] = process.argv.slice(2);
const server = new Server({ path: '/files', datastore: new FileStore({ directory }) });
const http = server.listen({ host: '127.0.0.1', port: 0 }, () => {
  const { address, port } = http.address();
  console.log(`listening on http://${address}:${port}`);
});
