// Browser journey of issue 3 in Debian's headless Chromium: create a project with a 2-hour
// budget, log time with the timer and with the weekly grid, watch the budget bar move, and get
// the 80 % alert in the alert list. Every page on the way shows only text and passes axe (WCAG
// A/AA). Screenshots land in e2e/artifacts/.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');

const { ART, LOGIN, PASSWORD, startServer, advanceClock, launch, assertClean, checkAndShoot } = require('./helpers');

test('timer and weekly grid move the budget bar and raise the 80 % alert', { timeout: 180000 }, async () => {
  fs.mkdirSync(ART, { recursive: true });
  const server = await startServer();
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    page.setDefaultTimeout(15000);
    const shot = name => checkAndShoot(page, name);
    const base = server.base;
    const bar = async () => Number(await page.getAttribute('[data-testid=budget-bar-hours] [role=progressbar]', 'aria-valuenow'));

    await page.goto(base + '/login');
    await page.fill('#email', LOGIN);
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit].primary');
    await page.waitForURL(base + '/dashboard');

    // A time & materials project with a 2-hour budget.
    await page.goto(base + '/projects/new');
    await assertClean(page, 'project form');
    await page.selectOption('#f-client_id', { label: 'Boulangerie Dupain' });
    await page.fill('#f-name', 'Audit SEO');
    await page.selectOption('#f-billing_model', 'time_materials');
    await page.fill('#f-hourly_rate', '100');
    await page.fill('#f-budget_hours', '2');
    await page.click('button.primary');
    await page.waitForURL(/\/projects\/[0-9a-f-]{36}\?notice=project-saved/);
    const projectUrl = page.url().split('?')[0];
    assert.strictEqual((await page.textContent('h1')).trim(), 'Audit SEO');
    assert.strictEqual(await bar(), 0);
    await shot('10-project-new.png');

    // The timer: start, let it run past 30 seconds (the server's clock is moved, not waited
    // for), stop; one minute is logged (half up).
    await page.goto(base + '/time');
    await assertClean(page, 'time');
    await page.selectOption('#t-project', { label: 'Boulangerie Dupain — Audit SEO' });
    await page.fill('#t-note', 'Analyse des mots-clés');
    await page.click('[data-testid=timer-start]');
    await page.waitForURL(/notice=timer-started/);
    await page.waitForSelector('[data-testid=timer-running]');
    // The running timer names its project (no raw placeholder).
    assert.match(await page.textContent('[data-testid=timer-running]'), /sur Boulangerie Dupain — Audit SEO/);
    await assertClean(page);
    await page.waitForFunction(() => /0:00:0[2-9]/.test(document.querySelector('time[data-elapsed]')?.textContent || ''));
    await shot('11-timer-running.png');
    await advanceClock(server, 31);
    await page.click('[data-testid=timer-stop]');
    await page.waitForURL(/notice=timer-stopped/);
    assert.ok(await page.isVisible('text=Analyse des mots-clés'));
    await page.goto(projectUrl);
    assert.strictEqual(await bar(), 1, 'one minute of 120');
    await assertClean(page, 'project after the timer');

    // The weekly grid: the timer's minute shows in today's cell of the project's row; make it
    // 1:41 and save with Enter. Then a second project row: nothing typed, nothing logged.
    await page.goto(base + '/time');
    // Today as the workspace sees it (its time zone, not this machine's).
    const day = Number(await page.getAttribute('table.grid', 'data-today'));
    const cell = `[data-testid=grid-cell-0-${day}]`;
    assert.strictEqual(await page.inputValue(cell), '0:01');
    assert.match(await page.textContent('table.grid tbody tr:first-child th'), /Audit SEO/);
    // The week's total grows by the 1:40 added (the demo's own hours of the week stay).
    const minutes = async () => {
      const m = (await page.textContent('[data-testid=week-total]')).match(/(\d+):(\d\d)/);
      assert.ok(m, 'the week total reads h:mm');
      return Number(m[1]) * 60 + Number(m[2]);
    };
    const before = await minutes();
    await page.fill(cell, '1:41');
    await page.keyboard.press('Enter');
    await page.waitForURL(/notice=week-saved/);
    assert.strictEqual(await page.inputValue(cell), '1:41');
    assert.strictEqual(await minutes(), before + 100);
    await shot('12-grid-saved.png');

    // A bad cell refuses the whole save: the typed values stay, the bad cell is marked and
    // named by its day and project, and nothing is saved.
    const other = `[data-testid=grid-cell-0-${(day + 1) % 7}]`;
    await page.fill(cell, '2:00');
    await page.fill(other, 'deux');
    await page.click('[data-testid=grid-save]');
    await page.waitForSelector('.error-summary');
    assert.match(await page.textContent('.error-summary'), /Audit SEO : Durée illisible/);
    assert.strictEqual(await page.getAttribute(other, 'aria-invalid'), 'true');
    assert.strictEqual(await page.inputValue(other), 'deux');
    assert.strictEqual(await page.inputValue(cell), '2:00');
    await assertClean(page);
    await shot('12b-grid-error.png');
    await page.goto(base + '/time');
    assert.strictEqual(await page.inputValue(cell), '1:41', 'nothing was saved');

    // The bar moved past 80 % (101 of 120 minutes) and the alert is in the list.
    await page.goto(projectUrl);
    assert.strictEqual(await bar(), 84);
    assert.match(await page.getAttribute('[data-testid=budget-bar-hours] [role=progressbar]', 'class'), /warn/);
    await shot('13-budget-bar.png');
    await page.goto(base + '/notifications');
    const alerts = await page.locator('[data-testid=notifications] li').allTextContents();
    assert.ok(alerts.some(a => /Audit SEO : 80 % du budget en heures/.test(a.replace(/\s+/g, ' '))), alerts.join('\n'));
    await shot('14-alert.png');
    // The radar dashboard lists it among its alerts too.
    await page.goto(base + '/radar');
    assert.match(await page.textContent('[data-testid=radar-alerts]'), /Audit SEO/);
    await shot('15-radar.png');
  } finally {
    await browser.close();
    server.proc.kill('SIGTERM');
    fs.rmSync(server.dir, { recursive: true, force: true });
  }
});
