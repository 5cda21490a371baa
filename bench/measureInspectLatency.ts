/**
 * `inspect-update-latency-p50` and `-p95`: the time from a pod's change (the
 * moment the feed hands its `podmesh.pod` event to the inspector server) to
 * its row showing the change in Chromium, at `rate` events per second, over a
 * home of `pods` pods sorted by name. Every event changes one pod's `queued`
 * to the event's own number, cycling through the pods, so each visible row
 * changes about once per second and every change is told apart by its number;
 * the rows off screen are changed as well (the page must keep up with them
 * too) but only the visible ones can be seen. The page's MutationObserver
 * stamps each changed `queued` cell with the wall clock; the browser's clock
 * is aligned with Node's by the round trip with the smallest delay.
 *
 * Baseline: the same events at the same rate through a bare server-sent event
 * stream (node:http, one `data:` line per tick) to a page that writes each
 * pod's number into a cell: what the browser and the socket cost alone.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import type { HelloEvent, InspectorEvent, PodView } from '../src/core/inspectorProtocol.js';
import type { InspectorFeed } from '../src/inspector/inspectorFeed.js';
import { machineCharts } from '../src/machines/machineCharts.js';
import { startInspectorServer } from '../src/inspector/startInspectorServer.js';
import { chromiumMissing, launchChromium, PAGE_DIR } from './launchChromium.js';
import { median, result, skippedResult, type BenchResult, type Progress } from './stats.js';

export interface InspectLatencyOptions {
  readonly pods: number;
  /** Events per second. */
  readonly rate: number;
  /** Timed seconds (after one second of warm-up). */
  readonly seconds: number;
  readonly progress?: Progress;
}

const TICK_MS = 10;

function pod(i: number, queued: number): PodView {
  return {
    name: `p-${String(i).padStart(5, '0')}`,
    role: 'worker',
    workspace: '/bench/ws',
    status: 'live',
    activity: 'idle',
    pid: 20_000 + i,
    queued,
    dropped: 0,
    turns: 0,
    peers: [],
    spawnedChildren: [],
    reason: null,
  };
}

/** Stamps every change of a `[data-name] .c-queued` cell (inspector) or `[data-name]` cell (bare page). */
const CHANGE_PROBE = `(() => {
  window.__podmeshChanges = [];
  const stamp = () => performance.timeOrigin + performance.now();
  const observer = new MutationObserver((records) => {
    const at = stamp();
    for (const record of records) {
      const node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
      const cell = node && node.closest('.c-queued, [data-cell]');
      const row = cell && cell.closest('[data-name]');
      if (row && !row.hidden) window.__podmeshChanges.push([row.dataset.name, cell.textContent, at]);
    }
  });
  const start = () => observer.observe(document.documentElement, { childList: true, characterData: true, subtree: true });
  if (document.documentElement) start(); else document.addEventListener('DOMContentLoaded', start);
})();`;

const BARE_PAGE = `<!doctype html><meta charset="utf-8"><title>bare</title><div id="rows"></div><script>
const rows = document.getElementById('rows');
const cells = new Map();
for (let i = 0; i < 20; i += 1) {
  const name = 'p-' + String(i).padStart(5, '0');
  const row = document.createElement('div'); row.dataset.name = name;
  const cell = document.createElement('span'); cell.dataset.cell = 'queued'; cell.textContent = '0';
  row.append(cell); rows.append(row); cells.set(name, cell);
}
const source = new EventSource('/events');
source.onmessage = (message) => {
  for (const event of JSON.parse(message.data).events) { const cell = cells.get(event.pod.name); if (cell) cell.textContent = String(event.pod.queued); }
  document.body.dataset.got = '1';
};
</script>`;

interface Driver {
  /** Sends the events due now; returns each sent event's [name, queued, wall ms]. */
  tick(): void;
  readonly sent: Array<[string, string, number]>;
}

function createDriver(pods: number, rate: number, push: (events: InspectorEvent[]) => void): Driver {
  const sent: Array<[string, string, number]> = [];
  const started = performance.now();
  let k = 0;
  return {
    sent,
    tick() {
      const due = Math.floor(((performance.now() - started) * rate) / 1000);
      if (due <= k) return;
      const events: InspectorEvent[] = [];
      const at = performance.timeOrigin + performance.now();
      for (; k < due; k += 1) {
        const changed = pod(k % pods, k + 1);
        events.push({ type: 'podmesh.pod', at, pod: changed });
        sent.push([changed.name, String(k + 1), at]);
      }
      push(events);
    },
  };
}

/** Browser clock minus Node clock, from the round trip with the smallest delay. */
async function clockOffset(page: Page): Promise<number> {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < 15; i += 1) {
    const before = performance.timeOrigin + performance.now();
    const there = (await page.evaluate('performance.timeOrigin + performance.now()')) as number;
    const after = performance.timeOrigin + performance.now();
    if (after - before < best.rtt) best = { rtt: after - before, offset: there - (before + after) / 2 };
  }
  return best.offset;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

interface Sampled {
  readonly latencies: number[];
  readonly sent: number;
}

async function drive(page: Page, options: InspectLatencyOptions, push: (events: InspectorEvent[]) => void): Promise<Sampled> {
  const warm = createDriver(options.pods, options.rate, push);
  let timer = setInterval(() => warm.tick(), TICK_MS);
  await new Promise((resolve) => setTimeout(resolve, Math.min(1, options.seconds) * 1000));
  clearInterval(timer);
  const offset = await clockOffset(page);
  await page.evaluate('window.__podmeshChanges.length = 0');
  // Numbers restart above the warm-up's, so no change is mistaken for another.
  const driver = createDriver(options.pods, options.rate, (events) =>
    push(events.map((event) => (event.type === 'podmesh.pod' ? { ...event, pod: { ...event.pod, queued: (event.pod.queued ?? 0) + 1e7 } } : event))),
  );
  timer = setInterval(() => driver.tick(), TICK_MS);
  await new Promise((resolve) => setTimeout(resolve, options.seconds * 1000));
  clearInterval(timer);
  await new Promise((resolve) => setTimeout(resolve, Math.min(500, options.seconds * 400)));
  const changes = (await page.evaluate('window.__podmeshChanges')) as Array<[string, string, number]>;
  const shown = new Map<string, number>();
  for (const [name, text, at] of changes) {
    const key = `${name} ${text}`;
    if (!shown.has(key)) shown.set(key, at - offset);
  }
  const latencies: number[] = [];
  for (const [name, queued, at] of driver.sent) {
    const seen = shown.get(`${name} ${Number(queued) + 1e7}`);
    if (seen !== undefined) latencies.push(seen - at);
  }
  if (latencies.length === 0) throw new Error(`no change of ${driver.sent.length} reached a visible row (${changes.length} cell changes seen)`);
  return { latencies, sent: driver.sent.length };
}

async function sampleInspector(browser: Browser, options: InspectLatencyOptions): Promise<Sampled> {
  const listeners = new Set<(events: InspectorEvent[]) => void>();
  const hello: HelloEvent = { type: 'podmesh.hello', version: 1, mode: 'home', source: 'bench: a synthetic home', machines: machineCharts() };
  const current = Array.from({ length: options.pods }, (_, i) => pod(i, 0));
  const feed: InspectorFeed = {
    hello: () => hello,
    pods: () => current,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => listeners.clear(),
  };
  const server = await startInspectorServer({ feed, port: 0, pageDir: PAGE_DIR });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(CHANGE_PROBE);
    await page.goto(server.url);
    await page.locator('[data-testid="pod-row"][data-name="p-00000"]').waitFor({ timeout: 30_000 });
    return await drive(page, options, (events) => {
      for (const event of events) if (event.type === 'podmesh.pod') current[Number(event.pod.name.slice(2))] = event.pod;
      for (const listener of listeners) listener(events);
    });
  } finally {
    await context.close();
    await server.close();
  }
}

async function sampleBare(browser: Browser, options: InspectLatencyOptions): Promise<Sampled> {
  const clients = new Set<import('node:http').ServerResponse>();
  const server = createServer((request, response) => {
    if (request.url === '/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      response.write(': hello\n\n');
      clients.add(response);
      request.on('close', () => clients.delete(response));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html' }).end(BARE_PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(CHANGE_PROBE);
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.locator('[data-name="p-00000"]').waitFor({ timeout: 30_000 });
    return await drive(page, options, (events) => {
      const line = `data: ${JSON.stringify({ events })}\n\n`;
      for (const client of clients) client.write(line);
    });
  } finally {
    await context.close();
    for (const client of clients) client.end();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export async function measureInspectLatency(options: InspectLatencyOptions): Promise<BenchResult[]> {
  const names = ['inspect-update-latency-p50-vs-bare-sse', 'inspect-update-latency-p95-vs-bare-sse'] as const;
  const missing = chromiumMissing();
  if (missing !== null) return names.map((name) => skippedResult({ name, unit: 'ms', goal: null, reason: missing }));
  const browser = await launchChromium();
  try {
    options.progress?.(`inspect-update-latency: the inspector page, ${options.rate} events/s over ${options.pods} pods for ${options.seconds} s`);
    const inspector = await sampleInspector(browser, options);
    options.progress?.('inspect-update-latency: the bare event-stream page');
    const bare = await sampleBare(browser, options);
    const info = (sampled: Sampled, what: string): string =>
      `${what}: ${sampled.latencies.length} visible changes timed of ${sampled.sent} sent; median ${median(sampled.latencies).toFixed(1)} ms, p95 ${percentile(sampled.latencies, 95).toFixed(1)} ms, max ${Math.max(...sampled.latencies).toFixed(1)} ms`;
    const common = [
      `value: from the feed handing a podmesh.pod event to startInspectorServer to the row's queued cell changing in Chromium's DOM,`,
      `  ${options.rate} events/s (sent every ${TICK_MS} ms) over ${options.pods} pods sorted by name, ${options.seconds} s after ${Math.min(1, options.seconds)} s of warm-up`,
      'baseline: the same events at the same rate over a bare node:http event stream to a page writing each number into a cell',
      info(inspector, 'inspector'),
      info(bare, 'bare'),
    ];
    return [
      result({ name: names[0], unit: 'ms', value: median(inspector.latencies), baseline: median(bare.latencies), goal: null, info: common }),
      result({ name: names[1], unit: 'ms', value: percentile(inspector.latencies, 95), baseline: percentile(bare.latencies, 95), goal: null, info: ['the same samples, 95th percentile'] }),
    ];
  } finally {
    await browser.close();
  }
}
