// Browser tests of the web page: a real `buildhub serve` on a temporary SQLite
// database (the reference samples, a generated corpus and one broken file),
// driven by Debian's headless Chromium through playwright-core.
//
// Run: node --test tests/web/page.test.mjs (from the source tree), with
// BUILDHUB_BIN pointing at the binary (default build/release/buildhub) and the
// page built (scripts/build-web.sh). Missing pieces fail the run, loudly.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = process.env.BUILDHUB_BIN || path.join(ROOT, 'build/release/buildhub');
const SHARED = process.env.BUILDHUB_SHARED_DIR || path.resolve(ROOT, '../shared');
const WEB_DIST = path.join(ROOT, 'web/dist');
const CHROMIUM = process.env.BUILDHUB_CHROMIUM || '/usr/bin/chromium';
const STEP_MS = 10000; // any single wait in a test

function requirePresent(file, what, fix) {
  if (!fs.existsSync(file)) throw new Error(`${what} is missing (${file}); ${fix}`);
}
requirePresent(BIN, 'the buildhub binary', 'build it (cmake --build --preset release) or set BUILDHUB_BIN');
requirePresent(path.join(WEB_DIST, 'index.html'), 'the built page', 'run scripts/build-web.sh');
requirePresent(path.join(ROOT, 'web/node_modules/playwright-core'), 'playwright-core', 'run scripts/install-npm.sh');
requirePresent(CHROMIUM, 'Chromium', 'run scripts/install-deps.sh');
requirePresent(path.join(SHARED, 'reference/samples'), 'the reference samples', 'the shared/ folder must sit beside the source tree');

const { chromium } = createRequire(path.join(ROOT, 'web/package.json'))('playwright-core');

// The request bodies the original SearchKit page sent, by section title.
function referenceBodies() {
  const text = fs.readFileSync(path.join(SHARED, 'reference/searchkit_requests.txt'), 'utf8');
  const out = {};
  for (const section of text.split(/^### /m).slice(1)) {
    const newline = section.indexOf('\n');
    out[section.slice(0, newline).trim()] = JSON.parse(section.slice(newline + 1));
  }
  return out;
}
const REFERENCE = referenceBodies();
function reference(prefix) {
  const key = Object.keys(REFERENCE).find((k) => k.startsWith(prefix));
  assert.ok(key, `no reference request titled ${prefix}`);
  return REFERENCE[key];
}

function run(args, { allowFailure = false } = {}) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', timeout: 60000 });
  if (r.error) throw r.error;
  if (r.status !== 0 && !allowFailure) throw new Error(`buildhub ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let tmp;
let server;
let serverLog = '';
let base;
let browser;

async function api(pathname, body) {
  const init = body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) };
  const r = await fetch(base + pathname, { ...init, signal: AbortSignal.timeout(STEP_MS) });
  assert.equal(r.status, 200, `${pathname}: HTTP ${r.status}`);
  return r.json();
}

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'buildhub-web-test-'));
  const db = `sqlite:${path.join(tmp, 'web.db')}`;
  // The samples directory holds SQS bodies too: those are rejected (exit 1).
  run(['--database-url', db, 'ingest', path.join(SHARED, 'reference/samples')], { allowFailure: true });
  run(['generate', '--count', '2000', '--seed', '7', '--output', path.join(tmp, 'corpus.ndjson')]);
  run(['--database-url', db, 'ingest', path.join(tmp, 'corpus.ndjson')]);
  fs.writeFileSync(path.join(tmp, 'broken-buildhub.json'), '{"build": ');
  const bad = run(['--database-url', db, 'ingest', path.join(tmp, 'broken-buildhub.json')], { allowFailure: true });
  assert.equal(bad.status, 1, 'ingesting a broken file must fail');

  for (let attempt = 0; attempt < 3 && !server; attempt++) {
    const port = await freePort();
    const child = spawn(BIN, ['--database-url', db, 'serve', '--web-root', WEB_DIST, '--listen', `127.0.0.1:${port}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d) => (serverLog += d));
    child.stderr.on('data', (d) => (serverLog += d));
    let exited = false;
    child.on('exit', () => (exited = true));
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100 && !exited; i++) {
      try {
        const r = await fetch(`${url}/api/records`, { signal: AbortSignal.timeout(1000) });
        if (r.ok) {
          server = child;
          base = url;
          break;
        }
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    if (!server) child.kill('SIGKILL');
  }
  assert.ok(server, `buildhub serve did not start:\n${serverLog}`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    timeout: 30000,
  });
}, { timeout: 120000 });

after(async () => {
  await browser?.close().catch(() => {});
  if (server) {
    server.kill('SIGTERM');
    await Promise.race([new Promise((r) => server.once('exit', r)), sleep(5000)]);
    if (server.exitCode === null) server.kill('SIGKILL');
  }
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
}, { timeout: 30000 });

// A page that records its console errors, uncaught errors and /api/search
// request bodies. `allowedErrors` are regexes of console errors a test expects.
async function openPage(urlPath, { allowedErrors = [] } = {}) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  const errors = [];
  const searches = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !allowedErrors.some((re) => re.test(m.text()))) errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    if (r.url() === `${base}/api/search` && r.method() === 'POST') searches.push(JSON.parse(r.postData()));
  });
  const started = Date.now();
  await page.goto(base + urlPath, { waitUntil: 'load' });
  const handle = {
    page,
    searches,
    mainSearches: () => searches.filter((b) => b.size === 30),
    lastMain: () => handle.mainSearches().at(-1),
    loadedIn: Date.now() - started,
    async close() {
      await context.close();
      assert.deepEqual(errors, [], `errors on ${urlPath}`);
    },
  };
  return handle;
}

// Waits until the results shown are those of the page's current state.
async function settled(page) {
  await page.waitForFunction(() => {
    const main = document.querySelector('main.results-area');
    return main && main.dataset.loading === 'false' && main.dataset.key === main.dataset.resultKey;
  });
}

async function hitCount(page) {
  const text = await page.locator('#hit-count').textContent();
  return Number(text.replace(/,/g, ''));
}

// The table's cells, one object per row, by column title.
async function rows(page) {
  return page.$$eval('table.results', (tables) => {
    const table = tables[0];
    if (!table) return [];
    const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
    return [...table.querySelectorAll('tbody tr')].map((tr) => {
      const row = { _domId: tr.id };
      [...tr.children].forEach((td, i) => (row[heads[i]] = td.textContent.trim()));
      return row;
    });
  });
}

async function apiIds(body) {
  const r = await api('/api/search', { ...body, _source: false });
  return { total: r.hits.total, ids: r.hits.hits.map((h) => h._id) };
}

const urlParams = (page) => new URL(page.url()).searchParams;

describe('search page', { timeout: 120000 }, () => {
  test('loads with the hit count, 30 rows of eleven columns and the original request', async () => {
    const { total } = await api('/api/records').then((r) => ({ total: r.builds.total }));
    const p = await openPage('/');
    await settled(p.page);
    assert.equal(await hitCount(p.page), total);
    assert.equal(await p.page.evaluate(() => document.activeElement?.id), 'search-input', 'the search box has the focus');
    assert.match(await p.page.locator('.hits-stats').textContent(), /results found in \d+ms/);
    const table = await rows(p.page);
    assert.equal(table.length, 30);
    const heads = await p.page.$$eval('table.results thead th', (ths) => ths.map((t) => t.textContent.trim()));
    assert.deepEqual(heads, ['#', 'Product', 'Version', 'Platform', 'Channel', 'Locale', 'Tree', 'Size', 'Published on', 'Build ID', 'Revision']);
    // Rows come in the server's order for the default sort (newest download first).
    const expected = await apiIds({ size: 30, sort: [{ 'download.date': 'desc' }] });
    assert.deepEqual(table.map((r) => r._domId), expected.ids);
    // The very body the original page sent on first load, key order included.
    assert.equal(JSON.stringify(p.mainSearches()[0]), JSON.stringify(reference('initial page load')));
    // Product tabs with counts that add up.
    const tabs = await p.page.$$eval('.product-tabs .tab', (els) =>
      els.map((e) => ({ product: e.dataset.product, count: Number(e.querySelector('.tab-count').textContent.replace(/,/g, '')) })),
    );
    assert.equal(tabs[0].product, '');
    assert.equal(tabs[0].count, total);
    assert.ok(tabs.length >= 3, 'several product tabs');
    assert.equal(tabs.slice(1).reduce((a, t) => a + t.count, 0), total);
    await p.close();
  });

  test('deep links send the bodies the original sent', async () => {
    const cases = [
      ['/?q=20170713200529&channel[0]=nightly', 'URL ?q=20170713200529&channel[0]=nightly'],
      ['/?versions[0]=54.0&products[0]=firefox&channel[0]=release&p=2&sort=build.date_desc', 'URL ?versions[0]=54.0'],
      [`/?q=${encodeURIComponent("'build.id:2019*")}`, 'query string mode'],
      // qs also encodes the brackets; those links must work the same.
      ['/?versions%5B0%5D=54.0&products%5B0%5D=firefox&channel%5B0%5D=release&p=2&sort=build.date_desc', 'URL ?versions[0]=54.0'],
    ];
    for (const [url, title] of cases) {
      const p = await openPage(url);
      await settled(p.page);
      assert.equal(JSON.stringify(p.mainSearches()[0]), JSON.stringify(reference(title)), url);
      await p.close();
    }
  });

  test('typing narrows the results, debounced, with the original query_string', async () => {
    const p = await openPage('/');
    await settled(p.page);
    const before = await hitCount(p.page);
    const sentBefore = p.mainSearches().length;
    await p.page.locator('#search-input').pressSequentially('thunderbird', { delay: 15 });
    await p.page.waitForFunction(() => new URL(location.href).searchParams.get('q') === 'thunderbird');
    await settled(p.page);
    const count = await hitCount(p.page);
    const expected = await apiIds({ query: { term: { 'source.product': 'thunderbird' } }, size: 0 });
    assert.ok(count > 0 && count < before, `${count} of ${before}`);
    assert.equal(count, expected.total);
    for (const row of await rows(p.page)) assert.equal(row.Product, 'thunderbird');
    // Highlighting: the matched product is wrapped in <em>.
    assert.equal(await p.page.locator('table.results tbody tr:first-child td.col-product em').textContent(), 'thunderbird');
    // Eleven keystrokes, far fewer searches.
    assert.ok(p.mainSearches().length - sentBefore <= 3, `${p.mainSearches().length - sentBefore} searches for one word`);
    const body = p.lastMain();
    const ref = reference('URL ?q=20170713200529').query.query_string;
    assert.equal(JSON.stringify(body.query), JSON.stringify({ query_string: { ...ref, query: 'thunderbird*' } }));
    assert.equal(body.suggest.text, 'thunderbird');
    // Two words: both prefixes must match.
    await p.page.locator('#search-input').fill('thunderbird 128');
    await p.page.waitForFunction(() => new URL(location.href).searchParams.get('q') === 'thunderbird 128');
    await settled(p.page);
    assert.equal(p.lastMain().query.query_string.query, 'thunderbird* 128*');
    const narrowed = await rows(p.page);
    assert.ok(narrowed.length > 0);
    for (const row of narrowed) {
      assert.equal(row.Product, 'thunderbird');
      assert.match(row.Version, /^128/);
    }
    await p.close();
  });

  test('a product tab filters, and its count is the hit count', async () => {
    const p = await openPage('/');
    await settled(p.page);
    const tab = p.page.locator('.product-tabs .tab[data-product="devedition"]');
    const tabCount = Number((await tab.locator('.tab-count').textContent()).replace(/,/g, ''));
    await tab.click();
    await p.page.waitForFunction(() => new URL(location.href).searchParams.get('products[0]') === 'devedition');
    await settled(p.page);
    assert.equal(await hitCount(p.page), tabCount);
    for (const row of await rows(p.page)) assert.equal(row.Product, 'devedition');
    assert.deepEqual(p.lastMain().post_filter, { term: { 'source.product': 'devedition' } });
    assert.ok(await p.page.locator('.product-tabs .tab.is-active[data-product="devedition"]').isVisible());
    assert.ok(await p.page.locator('.chip[data-filter="products"][data-value="devedition"]').isVisible());
    // "All products" takes it off again.
    await p.page.locator('.product-tabs .tab[data-product=""]').click();
    await p.page.waitForFunction(() => !new URL(location.href).searchParams.has('products[0]'));
    await settled(p.page);
    assert.ok((await hitCount(p.page)) > tabCount);
    await p.close();
  });

  test('two versions OR together, chips remove one, "clear all" removes everything', async () => {
    const p = await openPage('/?products[0]=firefox');
    await settled(p.page);
    const firefoxTotal = await hitCount(p.page);
    const input = p.page.locator('#facet-versions-input');
    await input.click();
    await p.page.locator('#facet-versions-list .facet-option').first().waitFor();
    // The typeahead's request is the original's shape (versions2, _term desc, size 1000).
    const suggest = p.searches.find((b) => b.size === 0);
    assert.deepEqual(Object.keys(suggest.aggs), ['versions2']);
    assert.deepEqual(suggest.aggs.versions2.aggs['target.version'].terms.order, { _term: 'desc' });
    const options = await p.page.$$eval('#facet-versions-list .facet-option', (els) =>
      els.map((e) => ({ value: e.dataset.value, count: Number(e.querySelector('.facet-option-count').textContent.replace(/,/g, '')) })),
    );
    assert.ok(options.length >= 2, 'at least two firefox versions');
    const [a, b] = options;
    await p.page.locator(`#facet-versions-list .facet-option[data-value="${a.value}"]`).click();
    await p.page.waitForFunction((v) => new URL(location.href).searchParams.get('versions[0]') === v, a.value);
    await p.page.locator(`#facet-versions-list .facet-option[data-value="${b.value}"]`).click();
    await p.page.waitForFunction((v) => new URL(location.href).searchParams.get('versions[1]') === v, b.value);
    await input.blur();
    await settled(p.page);
    assert.equal(await hitCount(p.page), a.count + b.count);
    for (const row of await rows(p.page)) assert.ok([a.value, b.value].includes(row.Version), row.Version);
    assert.deepEqual(p.lastMain().post_filter, {
      bool: {
        must: [
          { bool: { should: [{ term: { 'target.version': a.value } }, { term: { 'target.version': b.value } }] } },
          { term: { 'source.product': 'firefox' } },
        ],
      },
    });
    const chips = await p.page.$$eval('.selected-filters .chip-label', (els) => els.map((e) => e.textContent.trim()));
    assert.deepEqual(chips, [`Version: ${a.value}`, `Version: ${b.value}`, 'Product: firefox']);

    // Remove the first version's chip.
    await p.page.locator(`.chip[data-filter="versions"][data-value="${a.value}"] .chip-remove`).click();
    await p.page.waitForFunction((v) => new URL(location.href).searchParams.get('versions[0]') === v, b.value);
    await settled(p.page);
    assert.equal(await hitCount(p.page), b.count);
    assert.equal(await p.page.locator('.chip[data-filter="versions"]').count(), 1);

    // Clear all: no filters, no query, everything again.
    await p.page.locator('#clear-all').click();
    await p.page.waitForFunction(() => location.search === '');
    await settled(p.page);
    assert.equal(await p.page.locator('.selected-filters .chip').count(), 0);
    const all = await api('/api/records');
    assert.equal(await hitCount(p.page), all.builds.total);
    assert.ok(all.builds.total > firefoxTotal);
    await p.close();
  });

  test('the typeahead narrows by what is typed and sends the original include regex', async () => {
    const p = await openPage('/?products[0]=firefox');
    await settled(p.page);
    await p.page.locator('#facet-versions-input').fill('60');
    await p.page.waitForFunction(() => {
      const opts = [...document.querySelectorAll('#facet-versions-list .facet-option, #facet-versions-list .facet-note')];
      return opts.length > 0 && !opts.some((o) => o.textContent === 'Loading…');
    });
    await sleep(400); // past the debounce: the last request is for "60"
    const typed = p.searches.filter((b) => b.size === 0).at(-1);
    assert.equal(JSON.stringify(typed), JSON.stringify(reference('RefinementAutosuggest "Version" typing "60"')));
    const shownValues = () => p.page.$$eval('#facet-versions-list .facet-option', (els) => els.map((e) => e.dataset.value));
    const serverValues = async (include) => {
      const r = await api('/api/search', {
        size: 0,
        query: { term: { 'source.product': 'firefox' } },
        aggs: { v: { terms: { field: 'target.version', size: 200, order: { _term: 'desc' }, include } } },
      });
      return r.aggregations.v.buckets.map((b) => b.key);
    };
    const values = await shownValues();
    assert.deepEqual(values, await serverValues('60.*'));
    for (const v of values) assert.match(v, /^60/);
    // Past two characters the regex allows leading words; the list is still the server's.
    const all = await serverValues('.*');
    assert.ok(all.length > 3, 'firefox has several versions');
    const prefix = all[Math.floor(all.length / 2)].slice(0, 3);
    await p.page.locator('#facet-versions-input').fill(prefix);
    await sleep(400);
    await p.page.waitForFunction(() => ![...document.querySelectorAll('#facet-versions-list .facet-note')].some((o) => o.textContent === 'Loading…'));
    await p.page.waitForFunction(
      (want) => [...document.querySelectorAll('#facet-versions-list .facet-option')].length === want,
      (await serverValues(`([a-zA-Z]+ )+?${prefix.replace(/\./g, '\\.')}.*`)).length,
    );
    const narrowed = await shownValues();
    assert.ok(narrowed.length > 0 && narrowed.length < all.length, `${narrowed.length} of ${all.length} for ${prefix}`);
    for (const v of narrowed) assert.ok(v.startsWith(prefix), `${v} starts with ${prefix}`);
    assert.equal(p.searches.filter((b) => b.size === 0).at(-1).aggs.versions2.aggs['target.version'].terms.include.startsWith('([a-zA-Z]+ )+?'), true);
    await p.page.locator('#facet-versions-input').fill('');
    await p.page.locator('#facet-versions-input').press('Escape');
    assert.equal(await p.page.locator('#facet-versions-list').count(), 0, 'Escape closes the list');
    // Platforms: an OR facet too (the original ANDed them and found nothing).
    await p.page.locator('#facet-platform-input').click();
    await p.page.locator('#facet-platform-list .facet-option').nth(1).waitFor();
    const [p1, p2] = await p.page.$$eval('#facet-platform-list .facet-option', (els) =>
      els.slice(0, 2).map((e) => ({ value: e.dataset.value, count: Number(e.querySelector('.facet-option-count').textContent.replace(/,/g, '')) })),
    );
    await p.page.locator(`#facet-platform-list .facet-option[data-value="${p1.value}"]`).click();
    await p.page.waitForFunction(() => new URL(location.href).searchParams.has('platform[0]'));
    await p.page.locator(`#facet-platform-list .facet-option[data-value="${p2.value}"]`).click();
    await p.page.waitForFunction(() => new URL(location.href).searchParams.has('platform[1]'));
    await p.page.locator('#search-input').focus();
    await settled(p.page);
    assert.equal(await hitCount(p.page), p1.count + p2.count);
    await p.close();
  });

  test('the sort switch changes the order', async () => {
    const p = await openPage('/');
    await settled(p.page);
    const published = (await rows(p.page)).map((r) => r._domId);
    await p.page.locator('#sort-select').selectOption('build.date_desc');
    await p.page.waitForFunction(() => new URL(location.href).searchParams.get('sort') === 'build.date_desc');
    await settled(p.page);
    assert.deepEqual(p.lastMain().sort, [{ 'build.date': 'desc' }]);
    const built = (await rows(p.page)).map((r) => r._domId);
    const expected = await apiIds({ size: 30, sort: [{ 'build.date': 'desc' }] });
    assert.deepEqual(built, expected.ids);
    assert.notDeepEqual(built, published);
    await p.close();
  });

  test('pagination goes to page 2 with p=2 in the URL', async () => {
    const p = await openPage('/?products[0]=firefox');
    await settled(p.page);
    const first = (await rows(p.page)).map((r) => r._domId);
    await p.page.locator('.pagination a[data-page="2"]').first().click();
    await p.page.waitForFunction(() => new URL(location.href).searchParams.get('p') === '2');
    await settled(p.page);
    assert.equal(p.lastMain().from, 30);
    const second = (await rows(p.page)).map((r) => r._domId);
    const expected = await apiIds({ post_filter: { term: { 'source.product': 'firefox' } }, size: 30, from: 30, sort: [{ 'download.date': 'desc' }] });
    assert.deepEqual(second, expected.ids);
    assert.equal(second.filter((id) => first.includes(id)).length, 0);
    assert.equal(await p.page.locator('.pagination .is-current').first().textContent(), '2');
    // Back goes to page 1.
    await p.page.goBack();
    await p.page.waitForFunction(() => !new URL(location.href).searchParams.has('p'));
    await settled(p.page);
    assert.deepEqual((await rows(p.page)).map((r) => r._domId), first);
    await p.close();
  });

  test('a URL with q, products[0] and versions[0] restores that state', async () => {
    const agg = await api('/api/search', {
      size: 0,
      query: { term: { 'source.product': 'firefox' } },
      aggs: { v: { terms: { field: 'target.version', size: 1 } } },
    });
    const version = agg.aggregations.v.buckets[0].key;
    const p = await openPage(`/?q=firefox&products[0]=firefox&versions[0]=${encodeURIComponent(version)}`);
    await settled(p.page);
    assert.equal(await p.page.locator('#search-input').inputValue(), 'firefox');
    assert.ok(await p.page.locator('.product-tabs .tab.is-active[data-product="firefox"]').isVisible());
    const chips = await p.page.$$eval('.selected-filters .chip-label', (els) => els.map((e) => e.textContent.trim()));
    assert.deepEqual(chips, [`Version: ${version}`, 'Product: firefox']);
    assert.equal(await hitCount(p.page), agg.aggregations.v.buckets[0].doc_count);
    for (const row of await rows(p.page)) {
      assert.equal(row.Product, 'firefox');
      assert.equal(row.Version, version);
    }
    await p.close();
  });

  test('a nonsense query shows the no-hits help', async () => {
    const p = await openPage('/?q=zzqxjvwk&products[0]=firefox');
    await settled(p.page);
    assert.equal(await hitCount(p.page), 0);
    const help = p.page.locator('#no-hits');
    assert.match(await help.textContent(), /No builds were found for zzqxjvwk/);
    assert.match(await help.textContent(), /query string syntax/);
    assert.equal(await p.page.locator('table.results').count(), 0);
    assert.equal(await p.page.locator('#search-without-filters').count(), 0, 'nothing to find without filters either');
    await p.close();

    // A query that matches without its filters offers to drop them.
    const q = await openPage('/?q=thunderbird&products[0]=devedition');
    await settled(q.page);
    assert.equal(await hitCount(q.page), 0);
    assert.ok(q.lastMain().aggs.no_filters_top_hits, 'the no-hits helper aggregation is requested');
    await q.page.locator('#search-without-filters').click();
    await q.page.waitForFunction(() => location.search === '?q=thunderbird');
    await settled(q.page);
    assert.ok((await hitCount(q.page)) > 0);
    await q.close();
  });

  test('a bad query_string shows the server error, and the page still works', async () => {
    const p = await openPage(`/?q=${encodeURIComponent("'target.version:(")}`, { allowedErrors: [/status of 400/] });
    await p.page.locator('.error-banner').waitFor();
    assert.match(await p.page.locator('.error-banner').textContent(), /The search failed/);
    await p.page.locator('#search-input').fill('firefox');
    await p.page.waitForFunction(() => new URL(location.href).searchParams.get('q') === 'firefox');
    await settled(p.page);
    assert.equal(await p.page.locator('.error-banner').count(), 0);
    assert.ok((await hitCount(p.page)) > 0);
    await p.close();
  });
});

describe('hostile links', { timeout: 120000 }, () => {
  test('odd parameters are ignored or shown as text, never run', async () => {
    const p = await openPage(
      `/?p=abc&sort=evil&versions[0]=${encodeURIComponent('<img src=x onerror=window.pwned=1>')}&versions[999999]=b&bogus=1`,
    );
    await settled(p.page);
    assert.equal(await hitCount(p.page), 0);
    assert.equal(
      await p.page.locator('.chip[data-filter="versions"] .chip-label').first().textContent(),
      'Version: <img src=x onerror=window.pwned=1>',
    );
    assert.equal(await p.page.evaluate(() => window.pwned), undefined);
    const body = p.lastMain();
    assert.equal(body.from, undefined, 'p=abc is page 1');
    assert.deepEqual(body.sort, [{ 'download.date': 'desc' }], 'an unknown sort is the default');
    await p.close();

    const far = await openPage('/?p=99999');
    await settled(far.page);
    assert.equal(far.lastMain().from, 30 * 332, 'pages stop inside the 10,000-hit window');
    await far.close();

    const nowhere = await openPage('/no/such/page');
    assert.match(await nowhere.page.locator('h1').textContent(), /Page not found/);
    await nowhere.close();
  });
});

describe('build page', { timeout: 120000 }, () => {
  test('a result links to its build page: record, download link, revision link, JSON', async () => {
    const p = await openPage('/');
    await settled(p.page);
    const id = (await rows(p.page))[0]._domId;
    await p.page.locator(`tr[id="${id}"] td.col-id a`).click();
    await p.page.waitForURL(`${base}/builds/${id}`);
    await p.page.locator('#build-title').waitFor();
    const record = await api(`/api/records/${id}`);
    assert.match(await p.page.locator('#build-title').textContent(), new RegExp(`${record.source.product} ${record.target.version.replace(/\./g, '\\.')}`));
    assert.equal(await p.page.locator('#download-link').getAttribute('href'), record.download.url);
    assert.equal(
      await p.page.locator('#revision-link').getAttribute('href'),
      `${record.source.repository}/rev/${record.source.revision}`,
    );
    assert.equal(await p.page.locator('#json-link').getAttribute('href'), `/api/records/${id}`);
    const shown = JSON.parse(await p.page.locator('#record-json').textContent());
    assert.equal(shown.id, record.id);
    assert.deepEqual(shown.build, record.build);
    assert.equal(await p.page.locator('td[data-field="build.id"]').textContent(), record.build.id);
    // Back to the search.
    await p.page.goBack();
    await settled(p.page);
    assert.equal((await rows(p.page)).length, 30);
    await p.close();
  });

  test('a build page loads directly, and an unknown id says so', async () => {
    const hit = (await api('/api/search', { query: { term: { 'build.id': '20190603181408' } }, size: 1 })).hits.hits[0];
    assert.ok(hit, 'the reference sample 20190603181408 is stored');
    const p = await openPage(`/builds/${hit._id}`);
    await p.page.locator('#build-title').waitFor();
    assert.match(await p.page.locator('#build-title').textContent(), /firefox 68\.0b7/);
    assert.equal(await p.page.locator('#download-link').getAttribute('href'), hit._source.download.url);
    await p.close();

    const missing = await openPage('/builds/987654321', { allowedErrors: [/status of 404/] });
    await missing.page.locator('#build-error').waitFor();
    assert.match(await missing.page.locator('#build-error').textContent(), /There is no build 987654321/);
    await missing.close();
  });
});

describe('rejected page', { timeout: 120000 }, () => {
  test('lists the rejected files with their reasons', async () => {
    const p = await openPage('/rejected');
    await p.page.locator('table.rejected').waitFor();
    const data = await api('/api/rejected?limit=50&offset=0');
    assert.ok(data.total >= 2);
    assert.match(await p.page.locator('#rejected-count').textContent(), new RegExp(`^${data.total} rejected files`));
    const text = await p.page.locator('table.rejected').textContent();
    assert.match(text, /broken-buildhub\.json/);
    assert.match(text, /invalid JSON/);
    assert.match(text, /sqs-body-direct-records\.json/);
    assert.match(text, /required property 'build' is missing/);
    assert.equal(await p.page.locator('table.rejected tbody tr').count(), Math.min(data.total, 50));
    await p.close();
  });
});

describe('speed', { timeout: 120000 }, () => {
  test('the first page shows its results quickly and the bundle stays small', async () => {
    const p = await openPage('/');
    await settled(p.page);
    const shownIn = await p.page.evaluate(() => performance.now());
    console.log(`# page load: 'load' event after ${p.loadedIn} ms, results shown ${Math.round(shownIn)} ms after navigation`);
    assert.ok(shownIn < 5000, `results shown after ${shownIn} ms`);
    await p.close();
    const assets = fs.readdirSync(path.join(WEB_DIST, 'assets'));
    const js = assets.filter((f) => f.endsWith('.js')).reduce((n, f) => n + fs.statSync(path.join(WEB_DIST, 'assets', f)).size, 0);
    console.log(`# bundle: ${js} bytes of JavaScript in ${assets.length} assets`);
    assert.ok(js < 200 * 1024, `${js} bytes of JavaScript`);
    for (const f of assets) assert.match(f, /-[0-9a-f]{8}\.(js|css)$/, 'hashed asset names (cached as immutable)');
  });
});
