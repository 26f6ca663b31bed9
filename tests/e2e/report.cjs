// report.cjs - opens an HTML report of `llmbench report` from disk in
// headless Chromium (Debian's /usr/bin/chromium through playwright-core) for
// tests/e2e/report.sh: no console error, no request but the file itself,
// JavaScript off (the page needs none), the charts drawn as inline SVG, the
// hostile model name shown as text; a screenshot.
// Usage: node report.cjs PLAYWRIGHT_DIR REPORT.html SCREENSHOT.png [TEXT...]
//   TEXT: strings the page must show (figures the test read from the store).
// Prints "ok NAME" or "FAIL NAME: why" per check; exits 0 when it could run.
'use strict';
const path = require('path');
const [pwdir, file, shot, ...texts] = process.argv.slice(2);
const { chromium } = require(pwdir);

const ok = (n) => console.log('ok ' + n);
const fail = (n, why) => console.log('FAIL ' + n + ': ' + String(why).split('\n')[0]);
async function check(name, fn) {
  try { await fn(); ok(name); } catch (e) { fail(name, e.message || e); }
}

(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, javaScriptEnabled: false });
  const page = await ctx.newPage();
  const url = 'file://' + path.resolve(file);
  const errors = [], requests = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push('page error: ' + e.message));
  page.on('request', (r) => { if (r.url() !== url) requests.push(r.url()); });
  page.on('requestfailed', (r) => errors.push('request failed: ' + r.url()));
  try {
    const resp = await page.goto(url, { waitUntil: 'load' });
    await check('opens from disk', () => { if (!resp || !resp.ok()) throw new Error('no page at ' + url); });
    await page.waitForTimeout(300);
    const facts = await page.evaluate(() => ({
      svgs: document.querySelectorAll('figure svg').length,
      bars: document.querySelectorAll('figure svg rect').length,
      dots: document.querySelectorAll('figure svg circle').length,
      tables: document.querySelectorAll('table').length,
      scripts: document.querySelectorAll('script, iframe, object, embed, img').length,
      text: document.body.innerText,
      width: document.documentElement.scrollWidth,
    }));
    await check('charts drawn as inline SVG (' + facts.svgs + ')', () => {
      if (facts.svgs < 3 || facts.bars < 4 || facts.dots < 4) throw new Error(JSON.stringify({ svgs: facts.svgs, bars: facts.bars, dots: facts.dots }));
    });
    await check('tables (' + facts.tables + ')', () => { if (facts.tables < 6) throw new Error(facts.tables + ' tables'); });
    await check('no script, image or frame element', () => { if (facts.scripts) throw new Error(facts.scripts + ' found'); });
    for (const t of texts)
      await check('shows "' + t + '"', () => { if (!facts.text.includes(t)) throw new Error('not on the page'); });
    await page.screenshot({ path: shot, fullPage: false });
    await check('no console errors', () => { if (errors.length) throw new Error(errors.join(' | ')); });
    await check('no network requests', () => { if (requests.length) throw new Error(requests.join(' ')); });
  } catch (e) {
    fail('driver', e.message || e);
  }
  await browser.close();
})();
