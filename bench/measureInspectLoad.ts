/**
 * `inspect-load-100k-home` and `inspect-load-100k-trace`: Chromium's navigation
 * to the inspector page until its first rendered view (the first pod row in the
 * DOM and a frame painted after it), for a home of `count` pods (a synthetic
 * feed served by `startInspectorServer`) and for a recorded trace of `count` pods
 * (written to a temporary file and served by `createTraceFeed`). Each against
 * `JSON.parse` in Node of the same data (the bytes the page reads), so the ratio
 * says what the page costs over merely reading its input. The page's own
 * `performance.now()` is read when the view appears, so the figure runs from
 * navigation start in the browser (no CDP round trip in it).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { HelloEvent, InspectorEvent } from '../src/core/inspectorProtocol.js';
import type { InspectorFeed } from '../src/inspector/inspectorFeed.js';
import { startInspectorServer } from '../src/inspector/startInspectorServer.js';
import { createTraceFeed } from '../src/inspector/createTraceFeed.js';
import { machineCharts } from '../src/machines/machineCharts.js';
import { chromiumMissing, launchChromium, PAGE_DIR } from './launchChromium.js';
import { median, result, skippedResult, type BenchResult, type Progress } from './stats.js';
import { syntheticPods, syntheticTraceLines } from './syntheticInspectorData.js';

export const INSPECT_LOAD_GOAL_MS = 2000;

export interface InspectLoadOptions {
  readonly count: number;
  /** Steps of the synthetic trace after step 0. */
  readonly steps: number;
  /** Navigations per view (the median is reported; the first is a warm-up when there are 3 or more). */
  readonly reps: number;
  readonly progress?: Progress;
}

/** Records, in the page, when the first pod row is in the DOM and a frame was painted after it. */
const FIRST_VIEW_PROBE = `(() => {
  const seen = () => document.querySelector('[data-testid="pod-row"]:not([hidden])');
  const done = () => requestAnimationFrame(() => setTimeout(() => { window.__podmeshFirstView = performance.now(); }, 0));
  const observer = new MutationObserver(() => { if (seen()) { observer.disconnect(); done(); } });
  const start = () => observer.observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-testid', 'hidden'] });
  if (document.documentElement) start(); else document.addEventListener('DOMContentLoaded', start);
})();`;

/** Milliseconds from navigation start to the first rendered view of `url`. */
async function timeFirstView(browser: Browser, url: string, expectPods: number): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    await context.route('**/*', (route) => (/^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(route.request().url()) ? route.continue() : route.abort()));
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.addInitScript(FIRST_VIEW_PROBE);
    await page.goto(url, { waitUntil: 'commit', timeout: 60_000 });
    const ms = (await (await page.waitForFunction('window.__podmeshFirstView', undefined, { timeout: 60_000, polling: 20 })).jsonValue()) as number;
    if (problems.length > 0) throw new Error(`the page failed: ${problems.join('; ')}`);
    // The count proves the page holds every pod, not only its first screen.
    const counted = await page.getByTestId('pod-count').textContent({ timeout: 10_000 });
    const total = Number((/of ([\d,]+) pods/.exec(counted ?? '')?.[1] ?? '0').replace(/,/g, ''));
    if (total !== expectPods) throw new Error(`the page counted ${counted}, expected ${expectPods} pods`);
    return ms;
  } finally {
    await context.close();
  }
}

/** Median milliseconds of `JSON.parse` over every text in `texts` (the same data the page reads). */
function timeJsonParse(texts: readonly string[], reps: number): number {
  const samples: number[] = [];
  for (let i = 0; i < Math.max(3, reps); i += 1) {
    const start = performance.now();
    for (const text of texts) JSON.parse(text);
    samples.push(performance.now() - start);
  }
  return median(samples);
}

function homeFeed(hello: HelloEvent, pods: ReturnType<typeof syntheticPods>): InspectorFeed {
  return {
    hello: () => hello,
    pods: () => pods,
    subscribe: () => () => undefined,
    close: () => undefined,
  };
}

async function sample(browser: Browser, url: string, count: number, reps: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < reps; i += 1) samples.push(await timeFirstView(browser, url, count));
  return reps >= 3 ? samples.slice(1) : samples;
}

export async function measureInspectLoad(options: InspectLoadOptions): Promise<BenchResult[]> {
  const names = ['inspect-load-100k-home-vs-json-parse', 'inspect-load-100k-trace-vs-json-parse'] as const;
  const missing = chromiumMissing();
  if (missing !== null) {
    return names.map((name) => skippedResult({ name, unit: 'ms', goal: INSPECT_LOAD_GOAL_MS, goalOn: 'value', reason: missing }));
  }
  const progress = options.progress ?? (() => undefined);
  const browser = await launchChromium();
  const dir = await mkdtemp(join(tmpdir(), 'podmesh-bench-inspect-'));
  try {
    const machines = machineCharts();
    const pods = syntheticPods(options.count);
    const hello: HelloEvent = { type: 'podmesh.hello', version: 1, mode: 'home', source: `synthetic home of ${options.count} pods`, machines };

    progress(`inspect-load: home of ${options.count.toLocaleString('en-US')} pods`);
    const home = await startInspectorServer({ feed: homeFeed(hello, pods), port: 0, pageDir: PAGE_DIR });
    let homeMs: number[];
    try {
      homeMs = await sample(browser, home.url, options.count, options.reps);
    } finally {
      await home.close();
    }
    const homeText = JSON.stringify({ events: [hello, { type: 'podmesh.pods', at: 0, pods }] satisfies InspectorEvent[] });
    const homeParse = timeJsonParse([homeText], options.reps);

    progress(`inspect-load: trace of ${options.count.toLocaleString('en-US')} pods, ${options.steps} steps`);
    const lines = syntheticTraceLines(options.count, options.steps, machines);
    const tracePath = join(dir, 'trace.jsonl');
    await writeFile(tracePath, `${lines.join('\n')}\n`);
    const trace = await startInspectorServer({ feed: await createTraceFeed(tracePath), port: 0, pageDir: PAGE_DIR });
    let traceMs: number[];
    try {
      traceMs = await sample(browser, trace.url, options.count, options.reps);
    } finally {
      await trace.close();
    }
    const traceParse = timeJsonParse(lines, options.reps);
    const mb = (text: number): string => `${(text / 1e6).toFixed(1)} MB`;
    const common = [
      'value: Chromium (headless, 1280x800), navigation start to the first pod row in the DOM plus one painted frame, read',
      "  from the page's performance.now(); median of " + `${homeMs.length} navigations, each a fresh browser context`,
      'goal on the value: < 2 s on this machine',
    ];
    return [
      result({
        name: names[0],
        unit: 'ms',
        value: median(homeMs),
        baseline: homeParse,
        goal: INSPECT_LOAD_GOAL_MS,
        goalOn: 'value',
        info: [
          ...common,
          `home: a synthetic feed of ${options.count.toLocaleString('en-US')} PodViews served by startInspectorServer (${mb(homeText.length)} of JSON); samples ${homeMs.map((ms) => ms.toFixed(0)).join(', ')} ms`,
          'baseline: JSON.parse in Node of the same hello and podmesh.pods batch',
        ],
      }),
      result({
        name: names[1],
        unit: 'ms',
        value: median(traceMs),
        baseline: traceParse,
        goal: INSPECT_LOAD_GOAL_MS,
        goalOn: 'value',
        info: [
          ...common,
          `trace: header, step 0 with ${options.count.toLocaleString('en-US')} pods and ${options.steps} steps (${mb(lines.reduce((n, line) => n + line.length + 1, 0))}),`,
          `  served by createTraceFeed + startInspectorServer; samples ${traceMs.map((ms) => ms.toFixed(0)).join(', ')} ms`,
          'baseline: JSON.parse in Node of every line of the same file',
        ],
      }),
    ];
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
}
