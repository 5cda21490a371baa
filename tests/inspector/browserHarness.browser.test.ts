/**
 * The browser harness itself (tests/support/browser.ts): the inspector tests
 * lean on it to say "no request left 127.0.0.1" and "no console error", so it
 * must catch both, let a local page and its live stream through, and fail a
 * wait instead of hanging.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as assert from 'uvu/assert';
import { browserSuite, chromiumAvailable, isLocalUrl, openPage } from '../support/browser.js';
import { within } from '../support/podProcess.js';

interface HarnessContext {
  browser?: import('playwright-core').Browser;
  server?: Server;
  url?: string;
}

const PAGES: Record<string, string> = {
  '/clean': '<!doctype html><title>clean</title><p data-testid="hello">hello</p><script src="/app.js"></script>',
  '/app.js': 'document.body.dataset.ready = "yes";',
  '/leaky':
    '<!doctype html><title>leaky</title><link rel="stylesheet" href="https://fonts.example.com/a.css">' +
    '<script>fetch("http://cdn.example.org/x.js").catch(() => {}); console.error("boom"); console.warn("careful");</script>',
  '/throws': '<!doctype html><title>throws</title><script>setTimeout(() => { throw new Error("uncaught in page") }, 0)</script>',
  '/stream':
    '<!doctype html><title>stream</title><ol id="got"></ol><script>' +
    'const s = new EventSource("/events"); s.onmessage = (e) => { const li = document.createElement("li"); li.textContent = e.data; document.getElementById("got").append(li); };' +
    '</script>',
};

const harness = browserSuite<HarnessContext>('browser harness (tests/support/browser.ts)');
const test = chromiumAvailable() ? harness : harness.skip;

harness.before(async (ctx) => {
  ctx.server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      let n = 0;
      const timer = setInterval(() => {
        n += 1;
        response.write(`data: tick ${n}\n\n`);
        if (n === 3) clearInterval(timer);
      }, 30);
      request.on('close', () => clearInterval(timer));
      return;
    }
    const body = PAGES[path];
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': path.endsWith('.js') ? 'text/javascript' : 'text/html' }).end(body);
  });
  await within(new Promise<void>((resolve) => ctx.server!.listen(0, '127.0.0.1', resolve)), 5_000, 'listening');
  ctx.url = `http://127.0.0.1:${(ctx.server.address() as AddressInfo).port}`;
});

harness.after(async (ctx) => {
  ctx.server?.closeAllConnections();
  await new Promise<void>((resolve) => (ctx.server === undefined ? resolve() : ctx.server.close(() => resolve())));
});

harness('should tell loopback URLs from the rest', () => {
  assert.ok(isLocalUrl('http://127.0.0.1:4000/api/events'));
  assert.ok(isLocalUrl('http://localhost/'));
  assert.ok(isLocalUrl('data:image/png;base64,AAAA'));
  assert.not.ok(isLocalUrl('https://fonts.googleapis.com/css'));
  assert.not.ok(isLocalUrl('http://127.0.0.1.example.com/'));
  assert.not.ok(isLocalUrl('not a url'));
});

test('should pass a local page that loads its own script', async ({ browser, url }) => {
  const watched = await openPage(browser!);
  try {
    await watched.page.goto(`${url}/clean`);
    await watched.page.getByTestId('hello').waitFor();
    assert.is(await watched.page.locator('body').getAttribute('data-ready'), 'yes');
    watched.assertClean();
  } finally {
    await watched.close();
  }
});

test('should abort and record every request off 127.0.0.1, and collect console errors and warnings', async ({ browser, url }) => {
  const watched = await openPage(browser!);
  try {
    await watched.page.goto(`${url}/leaky`);
    await watched.page.waitForFunction('document.readyState === "complete"');
    await watched.page.waitForTimeout(200);
    assert.ok(watched.offsite.includes('https://fonts.example.com/a.css'), watched.offsite.join(', '));
    assert.ok(watched.offsite.includes('http://cdn.example.org/x.js'), watched.offsite.join(', '));
    assert.ok(watched.problems.some((line) => line.startsWith('console.error: boom')), watched.problems.join('\n'));
    assert.ok(watched.problems.some((line) => line.startsWith('console.warning: careful')), watched.problems.join('\n'));
    assert.throws(() => watched.assertClean(), /requests left 127\.0\.0\.1/);
  } finally {
    await watched.close();
  }
});

test('should collect an uncaught page error', async ({ browser, url }) => {
  const watched = await openPage(browser!);
  try {
    await watched.page.goto(`${url}/throws`);
    await watched.page.waitForTimeout(100);
    assert.ok(watched.problems.some((line) => line.includes('uncaught in page')), watched.problems.join('\n'));
  } finally {
    await watched.close();
  }
});

test('should let a server-sent event stream through the route as it arrives', async ({ browser, url }) => {
  const watched = await openPage(browser!);
  try {
    await watched.page.goto(`${url}/stream`);
    await watched.page.locator('#got li').nth(2).waitFor();
    assert.equal(await watched.page.locator('#got li').allTextContents(), ['tick 1', 'tick 2', 'tick 3']);
    watched.assertClean();
  } finally {
    await watched.close();
  }
});

test('should fail a wait for something that never appears, within its bound', async ({ browser, url }) => {
  const watched = await openPage(browser!);
  try {
    await watched.page.goto(`${url}/clean`);
    const started = performance.now();
    const error = await watched.page.getByTestId('never').waitFor({ timeout: 300 }).then(() => null, (caught: Error) => caught);
    assert.match(String(error?.message), /Timeout 300ms/);
    assert.ok(performance.now() - started < 5_000);
  } finally {
    await watched.close();
  }
});

harness.run();
