/**
 * `podmesh inspect` on a real home, in Chromium: two pod processes and a
 * workspace orchestrator started through the CLI, the inspector started as a
 * process of its own, and the page checked as a person would see it — the pod
 * rows and their states, a pause and a stop (through the CLI) arriving live
 * without a reload, and the selected pod's state highlighted in podMachine's
 * chart. No request may leave 127.0.0.1 and the console must stay clean.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { activeStates, browserSuite, chromiumAvailable, openPage, PAGE_TIMEOUT_MS } from '../support/browser.js';
import { createSandbox, waitFor } from '../support/podProcess.js';

const home = browserSuite('podmesh inspect on a home with pod processes (Chromium)');
const test = chromiumAvailable() ? home : home.skip;

/** A bound on a change travelling from a pod process to the page (the home feed follows sockets and the store). */
const LIVE_MS = 15_000;

test('should show the pods live, follow a pause and a stop without a reload, and highlight the selected pod in podMachine', async ({ browser }) => {
  const s = await createSandbox('podmesh-insp-');
  const watched = await openPage(browser!);
  try {
    const workspace = join(s.root, 'yoi');
    await mkdir(workspace, { recursive: true });
    await writeFile(join(workspace, '.podmesh-workspace'), '');
    await s.startPod('yoi', ['--role', 'companion', '--workspace', workspace, '--quiet']);
    await s.startPod('coder', ['--role', 'coder', '--parent', 'yoi', '--quiet']);
    const orchestrator = s.spawnCli(['orchestrator', 'start', '--workspace', workspace]);
    await orchestrator.waitForStdout(/orchestrator yoi-orchestrator of .* live at /);

    const inspect = s.spawnCli(['inspect']);
    const [, url] = await inspect.waitForStdout(/podmesh inspect: (http:\/\/127\.0\.0\.1:\d+\/?)/);
    const { page } = watched;
    await page.goto(url!);
    await page.getByTestId('mode').and(page.locator('[data-mode="home"]')).waitFor();

    // The three pods, live and idle.
    const row = (name: string) => page.locator(`[data-testid="pod-row"][data-name="${name}"]:not([hidden])`);
    for (const name of ['coder', 'yoi', 'yoi-orchestrator']) {
      await row(name).and(page.locator('[data-status="live"]')).waitFor({ timeout: LIVE_MS });
      await waitFor(async () => (await row(name).locator('.c-activity').textContent()) === 'idle', LIVE_MS, `${name} shown idle`);
    }
    assert.is(await row('yoi').locator('.c-role').textContent(), 'companion');
    assert.is(await row('yoi-orchestrator').locator('.c-role').textContent(), 'orchestrator');
    assert.match((await page.getByTestId('pod-count').textContent()) ?? '', /3 of 3 pods/);
    await page.evaluate('window.__notReloaded = true');

    // Selecting coder shows its details and podMachine in live.idle.
    await row('coder').click();
    await page.getByTestId('pod-details-name').and(page.getByText('coder', { exact: true })).waitFor();
    await waitFor(async () => (await activeStates(page, 'pod')).includes('pod.live.idle'), PAGE_TIMEOUT_MS, 'pod.live.idle highlighted');

    // Paused through the CLI: the row and the chart follow, live.
    const paused = await s.run(['pod', 'pause', 'coder']);
    assert.is(paused.code, 0, paused.stderr);
    await waitFor(async () => (await row('coder').locator('.c-activity').textContent()) === 'paused', LIVE_MS, 'coder shown paused');
    await waitFor(async () => (await page.getByTestId('pod-details-activity').textContent()) === 'paused', PAGE_TIMEOUT_MS, 'details say paused');
    await waitFor(async () => {
      const active = await activeStates(page, 'pod');
      return active.includes('pod.live.paused') && !active.includes('pod.live.idle') && active;
    }, PAGE_TIMEOUT_MS, 'pod.live.paused highlighted instead of idle');
    await watched.screenshot('pods');

    // Stopped through the CLI: the row's status changes, still without a reload.
    const stopped = await s.run(['pod', 'stop', 'yoi']);
    assert.is(stopped.code, 0, stopped.stderr);
    await row('yoi').and(page.locator('[data-status="stopped"]')).waitFor({ timeout: LIVE_MS });
    assert.is(await row('coder').getAttribute('data-status'), 'live', 'the other pods are unchanged');
    assert.is(await page.evaluate('window.__notReloaded === true'), true, 'the page was not reloaded');
    assert.is(await page.getByTestId('connection').getAttribute('data-state'), 'connected');

    await row('yoi').click();
    await waitFor(async () => (await activeStates(page, 'pod')).includes('pod.stopped'), PAGE_TIMEOUT_MS, 'pod.stopped highlighted');
    watched.assertClean();
  } finally {
    await watched.close();
    await s.cleanup();
  }
});

home.run();
