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
  const proc = spawn(BIN, ['demo', '--data-dir', dir, '--bind', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
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

module.exports = { BIN, ART, LOGIN, PASSWORD, freePort, startServer, launch };
