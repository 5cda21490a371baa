/**
 * An embedded runtime watched with `createRuntimeInspector()`, in Chromium:
 * weak notifies decided in the test process appear on the page, and selecting
 * one draws the path it took through weakNotifyMachine, in order, ending in
 * the final state of its outcome, with its reason and facts beside it.
 */
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { createMemoryPodStore, createPodRuntime } from '../../src/index.js';
import { createRuntimeInspector } from '../../src/inspector/createRuntimeInspector.js';
import { activeStates, attributesOf, browserSuite, chromiumAvailable, openPage, PAGE_TIMEOUT_MS } from '../support/browser.js';
import { repoRoot, waitFor } from '../support/podProcess.js';

/** The built page (`npm test` builds first); the source folder holds only its sources. */
const pageDir = join(repoRoot, 'dist', 'inspector', 'page');

/** Whether the drawn box of state `id` in `chart` lies inside the chart's pane (what a person can see without panning). */
async function insidePane(chart: import('playwright-core').Locator, id: string): Promise<boolean> {
  return chart.evaluate((svg, stateId) => {
    const box = svg.querySelector(`[data-testid="chart-state"][data-state-id="${stateId}"] > rect.box`)?.getBoundingClientRect();
    const pane = svg.parentElement!.getBoundingClientRect();
    return box !== undefined && box.width > 0 && box.left >= pane.left - 1 && box.right <= pane.right + 1 && box.top >= pane.top - 1 && box.bottom <= pane.bottom + 1;
  }, id);
}

const embedded = browserSuite('createRuntimeInspector on an embedded runtime (Chromium)');
const test = chromiumAvailable() ? embedded : embedded.skip;

test('should list a weak notify decision and draw its path through weakNotifyMachine to its outcome', async ({ browser }) => {
  const inspector = await createRuntimeInspector({ pageDir, source: 'runtimeInspector.browser.test' });
  const runtime = createPodRuntime({ store: createMemoryPodStore(), inspect: inspector.inspect });
  const watched = await openPage(browser!);
  try {
    await runtime.spawnPod({ name: 'sender' });
    await runtime.spawnPod({ name: 'stranger' });
    await runtime.spawnPod({ name: 'friend' });
    const discovery = runtime.discovery('sender');
    // A stranger (no relation, no common workspace): the decision stops at the visibility check.
    const notVisible = await discovery.sendWeakNotifyToLivePeer('stranger', 'hello?');
    assert.is(notVisible.type, 'skipped-not-visible');

    const { page } = watched;
    await page.goto(inspector.url);
    await page.getByTestId('mode').and(page.locator('[data-mode="runtime"]')).waitFor();
    await page.locator('[data-testid="pod-row"][data-name="friend"]:not([hidden])').waitFor();

    // A decision made while the page is open arrives live.
    assert.ok((await discovery.ensureExistingPeer('friend')) !== null);
    const delivered = await discovery.sendWeakNotifyToLivePeer('friend', 'hello, friend');
    assert.is(delivered.type, 'delivered');

    await page.getByTestId('tab-decisions').click();
    const rows = page.locator('[data-testid="decision-row"]:not([hidden])');
    await rows.and(page.locator('[data-outcome="delivered"]')).waitFor();
    await rows.and(page.locator('[data-outcome="skipped-not-visible"]')).waitFor();
    assert.is(await page.locator('[data-testid="outcome-count"][data-outcome="delivered"] b').textContent(), '1');
    assert.is(await page.locator('[data-testid="outcome-count"][data-outcome="skipped-not-visible"] b').textContent(), '1');

    // The skipped one: its path ends in skippedNotVisible, drawn in order.
    await rows.and(page.locator('[data-outcome="skipped-not-visible"][data-peer="stranger"]')).click();
    await page.getByTestId('decision-outcome').and(page.locator('[data-outcome="skipped-not-visible"]')).waitFor();
    const path = ((await page.getByTestId('decision-path').textContent()) ?? '').split(' → ');
    assert.equal(path.slice(0, 2), ['resolvingTarget', 'resolvingVisibility']);
    assert.is(path.at(-1), 'skippedNotVisible');
    assert.is(await page.getByTestId('decision-reason').textContent(), 'stranger is not self, a spawned child nor a peer of sender');
    const chart = page.locator('svg[data-testid="statechart"][data-machine="weakNotify"]');
    await chart.waitFor();
    const active = await waitFor(async () => {
      const ids = await activeStates(page, 'weakNotify');
      return ids.length >= path.length && ids;
    }, PAGE_TIMEOUT_MS, 'the path drawn');
    for (const state of path) assert.ok(active.includes(`weakNotify.${state}`), `${state} highlighted: ${active.join(', ')}`);
    assert.not.ok(active.includes('weakNotify.delivered'), 'the other outcome is not highlighted');
    const last = chart.locator('[data-testid="chart-state"][data-state-id="weakNotify.skippedNotVisible"]');
    assert.is(await last.getAttribute('data-state-type'), 'final');
    assert.is(await last.getAttribute('data-active'), 'true');
    // The badges number the states in the order the decision passed them.
    const badges = await chart.locator('[data-testid="path-order"] text').allTextContents();
    assert.equal(badges.map(Number).sort((a, b) => a - b), path.map((_, i) => i + 1));
    // The pane is fitted to the path: every state it passed is inside the chart's pane, not scrolled off.
    for (const state of path) assert.ok(await insidePane(chart, `weakNotify.${state}`), `${state} in view`);
    await watched.screenshot('decision-path');

    // The delivered one: the path runs through every check to delivered.
    await rows.and(page.locator('[data-outcome="delivered"]')).click();
    await page.getByTestId('decision-outcome').and(page.locator('[data-outcome="delivered"]')).waitFor();
    const deliveredPath = ((await page.getByTestId('decision-path').textContent()) ?? '').split(' → ');
    assert.is(deliveredPath.at(-1), 'delivered');
    await waitFor(async () => {
      const ids = await activeStates(page, 'weakNotify');
      return ids.includes('weakNotify.delivered') && !ids.includes('weakNotify.skippedNotVisible');
    }, PAGE_TIMEOUT_MS, 'the delivered path drawn instead');
    const edges = await attributesOf(chart.locator('[data-testid="chart-edge"][data-active="true"]'), 'data-target');
    assert.ok(edges.includes('weakNotify.delivered'), `an active edge into delivered: ${edges.join(', ')}`);

    // The statecharts tab draws every machine the hello named.
    await page.getByTestId('tab-charts').click();
    await page.locator('svg[data-testid="statechart"]:visible').first().waitFor();
    // The whole chart fits its pane on first show (the root state's box is inside it), and zooming changes the view.
    const shownChart = page.locator('svg[data-testid="statechart"]:visible').first();
    const machine = (await shownChart.getAttribute('data-machine')) ?? '';
    assert.ok(await insidePane(shownChart, machine), `the root of ${machine} fits its pane`);
    const fitted = await shownChart.getAttribute('viewBox');
    await page.getByRole('button', { name: 'zoom in' }).locator('visible=true').click();
    assert.is.not(await shownChart.getAttribute('viewBox'), fitted, 'zoom in changed the view');
    await page.getByRole('button', { name: 'fit the whole chart' }).locator('visible=true').click();
    assert.is(await shownChart.getAttribute('viewBox'), fitted, 'fit restored it');
    await watched.screenshot('statechart');
    watched.assertClean();
  } finally {
    await watched.close();
    await runtime.stop();
    await inspector.close();
  }
});

embedded.run();
