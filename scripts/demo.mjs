// Starts code-server on 127.0.0.1 with the extension loaded from this folder and
// the examples/ workspace open, behind a generated password. Ctrl+C stops it.
// Needs the real-editor harness: sudo bash scripts/setup-real-editor.sh
import { randomBytes } from 'node:crypto';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, SETUP_HINT, createScratch, findMissingPrerequisites, startCodeServer, workbenchUrl } from '../test/e2e/lib/editor.mjs';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid --port '${values.port}': expected a TCP port number from 0 to 65535.`);
  process.exit(2);
}

// The demo needs code-server and a built extension, not Chromium: a browser of your own opens it.
const missing = findMissingPrerequisites().filter((line) => !line.startsWith('Chromium'));
if (missing.length > 0) {
  console.error('Cannot start the demo:');
  for (const line of missing) console.error(`  - ${line}`);
  console.error(`  ${SETUP_HINT}`);
  process.exit(1);
}

const scratch = createScratch('falco-demo-');
// A copy, so that edits made in the demo leave examples/ unchanged.
const workspace = join(scratch.path, 'examples');
cpSync(join(ROOT, 'examples'), workspace, { recursive: true });
const password = randomBytes(12).toString('base64url');

let server;
try {
  server = await startCodeServer({ scratch: scratch.path, auth: 'password', password, port });
} catch (error) {
  console.error(`Cannot start code-server on 127.0.0.1:${port}: ${error.message} Choose another port with --port.`);
  scratch.remove();
  process.exit(1);
}

console.log('Falco PCI Rules demo: code-server with the extension and the examples/ workspace.');
console.log(`  Address:  ${workbenchUrl(server, { folder: workspace, developmentPath: ROOT })}`);
console.log(`  Password: ${password}`);
console.log('Press Ctrl+C to stop.');

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`\nStopping code-server (${signal}).`);
  await server.stop();
  scratch.remove();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

const { code, signal } = await server.exited;
if (!stopping) {
  console.error(`code-server exited unexpectedly (status ${code}, signal ${signal}).`);
  scratch.remove();
  process.exit(1);
}
