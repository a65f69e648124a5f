// Browser journeys of issue 7 ("first-day trust") in Debian's headless Chromium: the running
// timer in the header of every page, the unread-alert count in the navigation, the 404 inside
// the frame, the project form showing one billing model's fields, the per-client radar's links,
// and on a 390 px wide phone: the folding menu, no sideways scroll on a project, the week grid
// one day at a time. With JavaScript, every page on the way shows only text and passes axe (WCAG
// A/AA), on the phone too. Screenshots land in e2e/artifacts/ (ui-*.png).
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');

const { ART, LOGIN, PASSWORD, startServer, launch, assertClean, checkAndShoot } = require('./helpers');

async function signIn(page, base, email) {
  await page.goto(base + '/login');
  await page.fill('#email', email || LOGIN);
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit].primary');
  await page.waitForURL(u => !String(u).includes('/login'));
}

const visible = (page, sel) => page.locator(sel).isVisible();
const navCount = async page => {
  const loc = page.locator('[data-testid=nav-count]');
  return (await loc.count()) ? Number((await loc.textContent()).replace(/\D/g, '')) : 0;
};

test('desktop: header timer, alert count, 404 in the frame, billing fields, radar links', { timeout: 240000 }, async () => {
  fs.mkdirSync(ART, { recursive: true });
  const server = await startServer();
  const browser = await launch();
  try {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15000);
    const shot = name => checkAndShoot(page, name);
    const base = server.base;
    await signIn(page, base);

    // No timer yet: no header timer.
    await page.goto(base + '/clients');
    assert.strictEqual(await page.locator('[data-testid=header-timer]').count(), 0);
    await assertClean(page, 'clients');

    // On a wide screen the week grid shows the whole week and no day buttons.
    await page.goto(base + '/time');
    assert.strictEqual(await page.locator('table.grid thead th[data-day]:visible').count(), 7);
    assert.ok(!(await visible(page, '[data-day-pager]')));
    assert.ok(!(await visible(page, '[data-testid=menu-toggle]')), 'no menu button on a wide screen');

    // Start a timer on /time; the header of another page shows its project and elapsed time,
    // links to /time, and its stop button stops it.
    await page.goto(base + '/time');
    const option = (await page.locator('#t-project option').first().textContent()).trim();
    const project = option.split(' — ').pop();
    await page.selectOption('#t-project', { index: 0 });
    await page.click('[data-testid=timer-start]');
    await page.waitForURL(/notice=timer-started/);
    await page.goto(base + '/clients');
    assert.ok(await visible(page, '[data-testid=header-timer]'), 'the header shows the running timer');
    assert.strictEqual((await page.textContent('[data-testid=header-timer] .timer-project')).trim(), project);
    assert.strictEqual(await page.getAttribute('[data-testid=header-timer] a', 'href'), '/time');
    await page.waitForFunction(() => /^0:00:0[1-9]$/.test(document.querySelector('[data-testid=header-timer-elapsed]').textContent));
    assert.strictEqual(await page.locator('[data-testid=header-timer] input[name=_csrf]').count(), 1);
    await assertClean(page);
    await shot('ui-01-header-timer.png');
    await page.goto(base + '/projects');
    assert.ok(await visible(page, '[data-testid=header-timer]'), 'on every page');
    await assertClean(page, 'projects with a timer');
    await page.click('[data-testid=header-timer-stop]');
    // Stopped within 30 seconds: nothing logged, and the page says so.
    await page.waitForURL(/\/time\?notice=timer-nothing-logged/);
    assert.strictEqual(await page.locator('[data-testid=header-timer]').count(), 0, 'stopped');

    // The project form: only the chosen billing model's fields, switching live; a hidden
    // model's fields are not sent (a bad value typed there does not block the save).
    await page.goto(base + '/projects/new');
    const shown = async () => {
      const out = [];
      for (const m of ['time_materials', 'fixed_fee', 'retainer']) if (await visible(page, `[data-testid=model-${m}]`)) out.push(m);
      return out;
    };
    assert.deepStrictEqual(await shown(), ['time_materials']);
    assert.ok(await visible(page, '#f-cap') && !(await visible(page, '#f-fixed_price')));
    await shot('ui-02-form-time-materials.png');
    await page.selectOption('#f-billing_model', 'retainer');
    assert.deepStrictEqual(await shown(), ['retainer']);
    assert.ok(await visible(page, '#f-retainer_fee') && await visible(page, '#f-rollover'));
    await page.fill('#f-retainer_fee', 'beaucoup');
    await shot('ui-03-form-retainer.png');
    await page.selectOption('#f-billing_model', 'fixed_fee');
    assert.deepStrictEqual(await shown(), ['fixed_fee']);
    assert.ok(await visible(page, '#f-fixed_price') && !(await visible(page, '#f-retainer_fee')));
    await shot('ui-04-form-fixed-fee.png');
    // Server-side validation still answers: a fixed fee without its price is refused.
    await page.selectOption('#f-client_id', { label: 'Boulangerie Dupain' });
    await page.fill('#f-name', 'Refonte de la vitrine');
    await page.fill('#f-budget_hours', '1');
    await page.click('button.primary');
    await page.waitForSelector('.error-summary');
    assert.deepStrictEqual(await shown(), ['fixed_fee'], 'the refused form reopens on its model');
    assert.ok(await visible(page, '#f-fixed_price-error'));
    await assertClean(page, 'refused project form');
    await page.fill('#f-fixed_price', '1500');
    await page.click('button.primary');
    await page.waitForURL(/\/projects\/[0-9a-f-]{36}\?notice=project-saved/);
    const projectUrl = page.url().split('?')[0];
    await page.goto(projectUrl + '/edit');
    assert.deepStrictEqual(await shown(), ['fixed_fee'], 'editing opens on the saved model');
    await assertClean(page, 'project edit form');
    assert.strictEqual(await page.inputValue('#f-retainer_fee'), '', 'the hidden retainer fee was not saved');

    // Unread alerts: an hour logged on the one-hour budget crosses 80 % and 100 %; the count in
    // the navigation goes up by two, and reading the alerts clears it.
    const before = await navCount(page);
    await page.goto(base + '/time');
    await page.selectOption('#f-project_id', { label: 'Boulangerie Dupain — Refonte de la vitrine' });
    await page.fill('#f-duration', '1:00');
    await page.click('[data-testid=log-time]');
    await page.waitForURL(/notice=time-logged/);
    await page.goto(base + '/dashboard');
    assert.strictEqual(await navCount(page), before + 2);
    const navText = await page.textContent('nav a[href="/notifications"]');
    assert.match(navText.replace(/\s+/g, ' '), new RegExp(`Alertes ${before + 2}, ${before + 2} non lues`));
    await assertClean(page);
    await shot('ui-05-alert-count.png');
    await page.goto(base + '/notifications');
    await assertClean(page, 'notifications');
    await page.click('form[action="/notifications/read"] button');
    await page.waitForURL(/\/notifications/);
    assert.strictEqual(await navCount(page), 0, 'read alerts are not counted');
    assert.strictEqual(await page.locator('[data-testid=nav-count]').count(), 0);

    // 404 inside the frame: an unknown address and a missing record keep the navigation.
    for (const url of ['/no-such-page', '/projects/00000000-0000-7000-8000-000000000000', '/clients/not-an-id']) {
      const res = await page.goto(base + url);
      assert.strictEqual(res.status(), 404, url);
      assert.ok(await visible(page, 'nav#main-nav'), `${url}: the navigation stays`);
      assert.ok(await visible(page, 'header.top .user'), `${url}: the header stays`);
      assert.strictEqual((await page.textContent('main h1')).trim(), 'Introuvable');
      await assertClean(page);
    }
    await shot('ui-06-404-in-frame.png');
    // The language switch on the 404 page comes back to the same address.
    await page.goto(base + '/no-such-page');
    await page.click('[data-testid=switch-language]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    assert.strictEqual(new URL(page.url()).pathname, '/no-such-page');
    assert.strictEqual((await page.textContent('main h1')).trim(), 'Not found');
    await assertClean(page, '404 in English');
    await page.click('[data-testid=switch-language]');
    await page.waitForFunction(() => document.documentElement.lang === 'fr');
    // A visitor without a session gets the standalone page (no navigation to show).
    const anon = await browser.newPage();
    const res = await anon.goto(base + '/no-such-page');
    assert.strictEqual(res.status(), 404);
    assert.strictEqual(await anon.locator('nav#main-nav').count(), 0);
    await assertClean(anon, 'standalone 404');
    await anon.close();

    // The per-client radar: a back link to the radar's client list, and the client's record
    // behind a button that says so.
    await page.goto(base + '/radar');
    const first = page.locator('[data-testid=radar-table] tbody tr:first-child td:first-child a');
    const clientName = (await first.textContent()).trim();
    await first.click();
    await page.waitForURL(/\/radar\/clients\//);
    const clientId = page.url().split('/radar/clients/')[1].split(/[?#]/)[0];
    assert.strictEqual(await page.getAttribute('[data-testid=radar-back]', 'href'), '/radar#radar-clients');
    assert.strictEqual((await page.textContent('[data-testid=radar-client-record]')).trim(), 'Fiche client');
    assert.strictEqual(await page.getAttribute('[data-testid=radar-client-record]', 'href'), `/clients/${clientId}`);
    await shot('ui-07-radar-client.png');
    await page.click('[data-testid=radar-back]');
    await page.waitForURL(/\/radar#radar-clients$/);
    assert.ok(await visible(page, 'h2#radar-clients'));
    await page.goBack();
    await page.click('[data-testid=radar-client-record]');
    await page.waitForURL(new RegExp(`/clients/${clientId}$`));
    assert.strictEqual((await page.textContent('main h1')).trim(), clientName);
    await assertClean(page, 'client record');

    // Staff without the radar see the timer too; a client contact sees neither timer nor count.
    const contact = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(contact, base, 'anne.dupont@boulangerie-dupain.fr');
    assert.strictEqual(await contact.locator('[data-testid=header-timer], [data-testid=nav-count]').count(), 0);
    await assertClean(contact, 'portal');
    await contact.close();
  } finally {
    await browser.close();
    server.proc.kill('SIGTERM');
    fs.rmSync(server.dir, { recursive: true, force: true });
  }
});

test('phone (390 px): folding menu, no sideways scroll, the week grid one day at a time', { timeout: 180000 }, async () => {
  fs.mkdirSync(ART, { recursive: true });
  const server = await startServer();
  const browser = await launch();
  try {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'fr-FR', hasTouch: true, isMobile: true });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15000);
    const shot = name => checkAndShoot(page, name);
    const base = server.base;
    const noSideScroll = async what => {
      const w = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(w <= 390, `${what}: the page is ${w} px wide on a 390 px screen`);
    };
    await signIn(page, base);

    // The menu: closed at first, opens and closes with the button, by keyboard too.
    await page.goto(base + '/dashboard');
    const toggle = '[data-testid=menu-toggle]';
    assert.ok(await visible(page, toggle));
    assert.strictEqual(await page.getAttribute(toggle, 'aria-expanded'), 'false');
    assert.ok(!(await visible(page, '#main-nav')), 'the menu starts closed');
    const box = await page.locator(toggle).boundingBox();
    assert.ok(box.height >= 24 && box.width >= 24, 'a target of at least 24 px');
    await noSideScroll('dashboard');
    await shot('ui-10-phone-menu-closed.png');
    await page.click(toggle);
    assert.strictEqual(await page.getAttribute(toggle, 'aria-expanded'), 'true');
    assert.ok(await visible(page, '#main-nav a[href="/time"]'));
    await shot('ui-11-phone-menu-open.png');
    await page.click(toggle);
    assert.strictEqual(await page.getAttribute(toggle, 'aria-expanded'), 'false');
    assert.ok(!(await visible(page, '#main-nav')));
    await page.focus(toggle);
    await page.keyboard.press('Enter');
    assert.strictEqual(await page.getAttribute(toggle, 'aria-expanded'), 'true');
    await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => !!document.activeElement.closest('#main-nav')), 'Tab goes into the opened menu');
    await page.keyboard.press('Escape');
    assert.strictEqual(await page.getAttribute(toggle, 'aria-expanded'), 'false');
    assert.ok(await page.evaluate(() => document.activeElement.matches('[data-testid=menu-toggle]')), 'Escape gives the focus back');

    // A project page has no sideways scroll.
    await page.goto(base + '/projects');
    const href = await page.getAttribute('main table a[href^="/projects/"]', 'href');
    await page.goto(base + href);
    await noSideScroll('project page');
    await assertClean(page);
    await shot('ui-12-phone-project.png');
    // A client record too (its history table of changes wraps long values).
    await page.goto(base + '/clients');
    await page.goto(base + await page.getAttribute('main table a[href^="/clients/"]', 'href'));
    await noSideScroll('client record');
    await assertClean(page, 'client record on a phone');

    // The week grid: one day's column at a time with previous / next day buttons, opening on
    // today; typing in two days and saving sends both (every cell stays in the form).
    await page.goto(base + '/time');
    await noSideScroll('time page');
    const days = await page.$$eval('table.grid thead th[data-day]', ths => ths.map(t => t.textContent.trim()));
    // Today as the workspace sees it (its time zone, not this machine's).
    const today = Number(await page.getAttribute('table.grid', 'data-today'));
    const shownDays = () => page.$$eval('table.grid thead th[data-day]', ths => ths.filter(t => t.offsetParent !== null).map(t => t.textContent.trim()));
    assert.deepStrictEqual(await shownDays(), [days[today]]);
    assert.strictEqual((await page.textContent('[data-testid=grid-day-label]')).trim(), days[today]);
    await shot('ui-13-phone-week.png');
    const other = today > 0 ? today - 1 : today + 1;
    await page.selectOption('[data-testid=grid-project-0]', { index: 1 });
    // The blank row's first cell index is the number of filled rows.
    const row = await page.$$eval('table.grid tbody tr', trs => trs.findIndex(tr => tr.querySelector('[data-testid=grid-project-0]')));
    await page.fill(`[data-testid=grid-cell-${row}-${today}]`, '1:15');
    await page.click(other < today ? '[data-testid=grid-prev-day]' : '[data-testid=grid-next-day]');
    assert.deepStrictEqual(await shownDays(), [days[other]]);
    assert.ok(!(await visible(page, `[data-testid=grid-cell-${row}-${today}]`)), 'the other day is folded away');
    await page.fill(`[data-testid=grid-cell-${row}-${other}]`, '0:45');
    await shot('ui-14-phone-week-other-day.png');
    await page.click('[data-testid=grid-save]');
    await page.waitForURL(/notice=week-saved/);
    assert.match(await page.textContent('[data-testid=week-total]'), /2:00/);
    const saved = await page.$$eval('table.grid tbody tr', trs => trs.length);
    assert.ok(saved >= 4, 'the saved row is now a grid row');
    await noSideScroll('time page after saving');
    await assertClean(page, 'time page after saving on a phone');

    // The header timer fits on the phone too.
    await page.selectOption('#t-project', { index: 0 });
    await page.click('[data-testid=timer-start]');
    await page.waitForURL(/notice=timer-started/);
    await page.goto(base + href);
    assert.ok(await visible(page, '[data-testid=header-timer-stop]'));
    await noSideScroll('project page with a timer');
    await shot('ui-15-phone-timer.png');
  } finally {
    await browser.close();
    server.proc.kill('SIGTERM');
    fs.rmSync(server.dir, { recursive: true, force: true });
  }
});

test('without JavaScript: the menu, every billing model and the whole week show', { timeout: 120000 }, async () => {
  fs.mkdirSync(ART, { recursive: true });
  const server = await startServer();
  const browser = await launch();
  try {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'fr-FR', javaScriptEnabled: false });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15000);
    const base = server.base;
    await signIn(page, base);
    await page.goto(base + '/projects/new');
    assert.ok(await visible(page, '#main-nav a[href="/time"]'), 'the menu is shown');
    assert.ok(!(await visible(page, '[data-testid=menu-toggle]')), 'no button that would do nothing');
    for (const m of ['time_materials', 'fixed_fee', 'retainer']) {
      assert.ok(await visible(page, `[data-testid=model-${m}] legend`), `${m} fields under their heading`);
    }
    await page.screenshot({ path: path.join(ART, 'ui-20-nojs-form.png'), fullPage: true });
    await page.goto(base + '/time');
    assert.strictEqual(await page.locator('table.grid thead th[data-day]:visible').count(), 7);
    assert.ok(!(await visible(page, '[data-day-pager]')));
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w <= 390, `the time page is ${w} px wide (the grid scrolls inside its frame)`);
    await page.screenshot({ path: path.join(ART, 'ui-21-nojs-week.png'), fullPage: true });
  } finally {
    await browser.close();
    server.proc.kill('SIGTERM');
    fs.rmSync(server.dir, { recursive: true, force: true });
  }
});
