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

// The instant every journey's server starts on (a Wednesday, 10:30 in Paris, mid-month), so no
// journey depends on the machine's date or weekday; `advanceClock` moves it forward.
const CLOCK = '2027-03-17T09:30:00Z';

async function startServer({ clock = CLOCK } = {}) {
  assert.ok(fs.existsSync(BIN), `mesure binary not found at ${BIN} (build it, or set MESURE_BIN)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesure-e2e-'));
  const port = await freePort();
  // MESURE_I18N_STRICT: a missing message or an unfilled placeholder answers 500 instead of a raw key.
  // MESURE_TEST_CLOCK: the server's clock starts at `clock` and POST /test/clock moves it.
  const proc = spawn(BIN, ['demo', '--data-dir', dir, '--bind', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MESURE_I18N_STRICT: '1', MESURE_TEST_CLOCK: clock },
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


// Moves the server's clock forward by `seconds` (instead of waiting for them); its new time.
async function advanceClock(server, seconds) {
  const r = await fetch(`${server.base}/test/clock?advance=${seconds}`, { method: 'POST' });
  const now = await r.text();
  assert.strictEqual(r.status, 200, now);
  return now;
}

function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

// Every message id of the catalogues (one per module): one of them in a page's text is a raw key
// shown to a reader.
const LOCALES_EN = path.join(__dirname, '..', 'locales', 'en');
const KEYS = new Set(fs.readdirSync(LOCALES_EN).filter(f => f.endsWith('.ftl'))
  .map(f => fs.readFileSync(path.join(LOCALES_EN, f), 'utf8')).join('\n')
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

// axe-core (pinned in package.json) checks a page against WCAG 2.0, 2.1 and 2.2 A and AA. Its
// source is evaluated in the page through the DevTools protocol, which the page's
// Content-Security-Policy (script-src 'self') does not govern: the application's policy stays
// as it is and nothing is served for the test.
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
// Every rule of those tags, the experimental ones too (a tag run would leave them out: they are
// stricter, e.g. td-has-header), and empty-table-header (a best practice the audit of issue 13
// asked for). Deprecated rules are left out: their checks no longer fail.
const AXE_RULES = require('axe-core').getRules(AXE_TAGS)
  .filter(r => !r.tags.includes('deprecated'))
  .map(r => r.ruleId)
  .concat(['empty-table-header']);
let axeChecks = 0;

/// The WCAG A/AA violations axe finds on the page as it is now, one line per rule and element.
async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async rules => {
    const r = await window.axe.run(document, { runOnly: { type: 'rule', values: rules }, resultTypes: ['violations'] });
    return r.violations.map(v => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map(n => `${n.target.join(' ')} — ${(n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 200)}`),
    }));
  }, AXE_RULES);
  axeChecks += 1;
  const out = [];
  for (const v of violations) for (const n of v.nodes) out.push(`${v.id} (${v.impact}): ${n}`);
  // axe's duplicate-id rules are retired (their checks never fail now), yet one id on two fields
  // sent the rates page's labels to the wrong form: look for repeated ids directly.
  const dups = await page.evaluate(() => {
    const seen = {};
    for (const el of document.querySelectorAll('[id]')) seen[el.id] = (seen[el.id] || 0) + 1;
    return Object.entries(seen).filter(([, n]) => n > 1).map(([id, n]) => `#${id} ${n} times`);
  });
  for (const d of dups) out.push(`duplicate-id (serious): ${d}`);
  // The browser's own accessible names (its accessibility tree): no control without a name.
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    for (const n of nodes) {
      if (n.ignored || !CONTROLS.has(n.role && n.role.value)) continue;
      if (String((n.name && n.name.value) || '').trim()) continue;
      let what = '';
      try {
        const { node } = await cdp.send('DOM.describeNode', { backendNodeId: n.backendDOMNodeId });
        const a = node.attributes || [];
        for (let i = 0; i + 1 < a.length; i += 2) if (['id', 'name', 'class'].includes(a[i])) what += ` ${a[i]}="${a[i + 1]}"`;
        what = `<${node.localName}${what}>`;
      } catch (_) { /* described by its role alone */ }
      out.push(`control-name (serious): ${n.role.value} ${what} has no accessible name in the browser's tree`);
    }
  } finally {
    await cdp.detach();
  }
  return out;
}
const CONTROLS = new Set(['button', 'checkbox', 'combobox', 'link', 'listbox', 'radio', 'searchbox', 'slider', 'spinbutton', 'switch', 'textbox']);

async function assertAccessible(page, label) {
  const found = await axeViolations(page);
  assert.deepStrictEqual(found, [], `${label || page.url()}: WCAG violations found by axe`);
}

/// No raw text and no WCAG A/AA violation on the page.
async function assertClean(page, label) {
  const found = await leftovers(page);
  assert.deepStrictEqual(found, [], `${label || page.url()}: raw text shown to the reader`);
  await assertAccessible(page, label);
}

const axeCount = () => axeChecks;
// Each test file runs in its own process: say how many pages axe checked in it.
process.on('exit', () => { if (axeChecks) console.log(`axe runs in ${path.basename(require.main ? require.main.filename : '')}: ${axeChecks}, no violation tolerated`); });

/// A journey's step: the page shows only text and passes axe, then its full-page screenshot.
async function checkAndShoot(page, name) {
  await assertClean(page, name);
  await page.screenshot({ path: path.join(ART, name), fullPage: true });
}

module.exports = { BIN, ART, LOGIN, PASSWORD, CLOCK, freePort, startServer, advanceClock, launch, leftovers, assertClean, axeViolations, assertAccessible, axeCount, checkAndShoot };
