// Shared by the browser journeys: start `mesure demo` on a free port with a fresh data directory,
// and launch Debian's headless Chromium.
const assert = require('node:assert');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const { chromium } = require('playwright-core');

const BIN = process.env.MESURE_BIN || path.join(__dirname, '..', 'target', 'debug', 'mesure');
const ART = path.join(__dirname, 'artifacts');
const LOGIN = 'camille.martin@atelier-lumiere.fr';
const PASSWORD = 'lumiere-demo-2026';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

async function startServer() {
  assert.ok(fs.existsSync(BIN), `mesure binary not found at ${BIN} (build it, or set MESURE_BIN)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesure-e2e-'));
  const port = await freePort();
  // MESURE_I18N_STRICT: a missing message or an unfilled placeholder answers 500 instead of a raw key.
  const proc = spawn(BIN, ['demo', '--data-dir', dir, '--bind', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MESURE_I18N_STRICT: '1' },
  });
  let log = '';
  proc.stderr.on('data', d => { log += d; });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start:\n' + log)), 20000);
    proc.stdout.on('data', d => { if (String(d).includes('listening on')) { clearTimeout(timer); resolve(); } });
    proc.on('exit', code => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${log}`)); });
  });
  return { proc, dir, base: `http://127.0.0.1:${port}` };
}


function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

// Every message id of the catalogue: one of them in a page's text is a raw key shown to a reader.
const KEYS = new Set(fs.readFileSync(path.join(__dirname, '..', 'locales', 'en', 'main.ftl'), 'utf8')
  .split('\n').map(l => l.match(/^([a-z][a-z0-9_-]*) =/)).filter(Boolean).map(m => m[1]));

/// What in the visible text of a page is not text for a reader: Fluent placeholders, raw message
/// ids, raw field names or enum values (snake_case words) and UUIDs.
async function leftovers(page) {
  const text = await page.evaluate(() => document.body ? document.body.innerText : '');
  const found = [];
  for (const m of text.matchAll(/\{\s*\$[a-z_]+\s*\}/g)) found.push(m[0]);
  for (const m of text.matchAll(/\b[a-z][a-z0-9]*(?:-[a-z0-9_]+)+\b/g)) if (KEYS.has(m[0])) found.push(m[0]);
  for (const m of text.matchAll(/\b[a-z]+_[a-z_]+\b/g)) found.push(m[0]);
  for (const m of text.matchAll(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g)) found.push(m[0]);
  return found;
}

async function assertClean(page, label) {
  const found = await leftovers(page);
  assert.deepStrictEqual(found, [], `${label || page.url()}: raw text shown to the reader`);
}

module.exports = { BIN, ART, LOGIN, PASSWORD, freePort, startServer, launch, leftovers, assertClean };
