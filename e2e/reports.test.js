// Reports and the period picker in Debian's headless Chromium: the owner opens the reports,
// picks a period and a grouping, the choice lands in the URL (bookmarkable), every figure links
// to its entries, and the radar takes the same picker. Every page on the way shows only text and
// passes axe (WCAG A/AA). Screenshots land in e2e/artifacts/.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');

const { ART, LOGIN, PASSWORD, startServer, launch, assertClean } = require('./helpers');

test('reports over a chosen period, grouped, bookmarkable; the radar takes the same picker', { timeout: 120000 }, async () => {
  fs.mkdirSync(ART, { recursive: true });
  const server = await startServer();
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, locale: 'fr-FR' });
    page.setDefaultTimeout(15000);
    const base = server.base;
    await page.goto(base + '/login');
    await page.fill('#email', LOGIN);
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit].primary');
    await page.waitForURL(base + '/dashboard');

    await page.click('nav a[href="/reports"]');
    await page.waitForURL(/\/reports$/);
    await assertClean(page, 'reports');
    await page.selectOption('#p-period', 'last_quarter');
    await page.selectOption('#r-group', 'project');
    await page.click('[data-testid=report-form] button[type=submit]');
    await page.waitForURL(/period=last_quarter.*group=project/);
    const rows = await page.locator('[data-testid=report-groups] tbody tr').count();
    assert.ok(rows > 0, 'the demo agency logged time last quarter');
    assert.match(await page.getAttribute('[data-testid=report-csv]', 'href'), /period=last_quarter&group=project/);
    assert.ok(await page.isVisible('svg.bars'));
    assert.ok((await page.locator('svg.bars title').count()) > 0, 'bars carry their figures on hover');
    await assertClean(page);
    await page.screenshot({ path: path.join(ART, 'report-last-quarter.png'), fullPage: true });
    // The URL is the report: opening it again shows the same.
    const url = page.url();
    const total = await page.textContent('[data-testid=report-total-hours]');
    await page.goto(url);
    assert.strictEqual(await page.textContent('[data-testid=report-total-hours]'), total);
    // A figure opens its entries, filtered on the same days.
    await page.click('[data-testid=report-total-hours]');
    await page.waitForURL(/\/time\/entries\?from=\d{4}-\d\d-01&to=/);
    assert.match(await page.textContent('[data-testid=entries-count]'), /saisies/);
    await assertClean(page);

    // The radar's period picker.
    await page.goto(base + '/radar');
    await assertClean(page, 'radar');
    await page.selectOption('#p-period', 'this_year');
    await page.click('[data-testid=period-form] button[type=submit]');
    await page.waitForURL(/\/radar\?period=this_year/);
    assert.match(await page.textContent('[data-testid=radar-period]'), /^01\/01\/\d{4} – 31\/12\/\d{4}$/);
    await assertClean(page);
    await page.screenshot({ path: path.join(ART, 'radar-this-year.png'), fullPage: true });
  } finally {
    await browser.close();
    server.proc.kill('SIGTERM');
    fs.rmSync(server.dir, { recursive: true, force: true });
  }
});
