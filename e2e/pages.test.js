// Every page, both languages, every role: signs in as each demo login, visits every page the
// navigation offers and the pages one link further (bounded), in French then in English, and
// fails on a server error or on any raw text (placeholder, message id, snake_case value, UUID).
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');

const { ART, PASSWORD, startServer, launch, leftovers } = require('./helpers');

const LOGINS = [
  ['owner', 'camille.martin@atelier-lumiere.fr'],
  ['manager', 'hugo.bernard@atelier-lumiere.fr'],
  ['staff', 'lea.petit@atelier-lumiere.fr'],
  ['contact', 'anne.dupont@boulangerie-dupain.fr'],
];
const SKIP = /\/logout|\.csv|\/exports\/|\/edit$|\/new$|^mailto:|#/;
const PER_ROLE = 45;

test('every page in both languages for every role shows only text', { timeout: 600000 }, async () => {
  fs.mkdirSync(ART, { recursive: true });
  const server = await startServer();
  const browser = await launch();
  const problems = [];
  const visited = {};
  try {
    for (const [role, email] of LOGINS) {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await ctx.newPage();
      page.setDefaultTimeout(15000);
      await page.goto(server.base + '/login');
      await page.fill('#email', email);
      await page.fill('#password', PASSWORD);
      await page.click('button[type=submit].primary');
      await page.waitForLoadState('load');
      for (const lang of ['fr', 'en']) {
        if ((await page.getAttribute('html', 'lang')) !== lang) {
          await page.click('[data-testid=switch-language]');
          await page.waitForFunction(l => document.documentElement.lang === l, lang);
        }
        const start = page.url();
        const nav = await page.$$eval('nav a[href^="/"]', as => as.map(a => a.getAttribute('href')));
        const queue = [...new Set([start.replace(server.base, ''), ...nav])];
        const seen = new Set();
        while (queue.length && seen.size < PER_ROLE) {
          const href = queue.shift();
          if (seen.has(href) || SKIP.test(href)) continue;
          seen.add(href);
          const res = await page.goto(server.base + href);
          const status = res ? res.status() : 0;
          if (status >= 500 || (status === 404 && nav.includes(href))) problems.push(`${role} ${lang} ${href}: HTTP ${status}`);
          for (const f of await leftovers(page)) problems.push(`${role} ${lang} ${href}: ${f}`);
          if (nav.includes(href)) {
            const links = await page.$$eval('main a[href^="/"]', as => as.map(a => a.getAttribute('href')));
            // One detail page of each kind is enough: keep the first link per path shape.
            const shapes = new Set(queue.concat([...seen]).map(h => h.replace(/[0-9a-f-]{36}/g, ':id').split('?')[0]));
            for (const l of links) {
              const shape = l.replace(/[0-9a-f-]{36}/g, ':id').split('?')[0];
              if (!shapes.has(shape)) { shapes.add(shape); queue.push(l); }
            }
          }
        }
        visited[`${role} ${lang}`] = seen.size;
        await page.screenshot({ path: path.join(ART, `pages-${role}-${lang}.png`) });
      }
      await ctx.close();
    }
  } finally {
    await browser.close();
    server.proc.kill('SIGTERM');
    fs.rmSync(server.dir, { recursive: true, force: true });
  }
  console.log('pages visited:', JSON.stringify(visited));
  // The sweep must really have walked the application (not stopped at the login page).
  assert.ok(visited['owner fr'] >= 15 && visited['owner en'] >= 15, JSON.stringify(visited));
  assert.ok(visited['contact fr'] >= 2, JSON.stringify(visited));
  assert.deepStrictEqual(problems, [], problems.join('\n'));
});
