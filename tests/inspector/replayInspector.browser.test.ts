/**
 * The replay of a recorded simulation in Chromium: `podmesh simulate
 * examples/original-bug.json --record run.jsonl`, then `podmesh inspect
 * run.jsonl` (both real CLI processes). Stepping forward and back changes the
 * shown step, play moves on by itself and pause stops it, and "first failure"
 * jumps to the first failed invariant — of a copy of the trace in which one
 * invariant at a known step is marked failed (original-bug's invariants all
 * hold, as they should).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import type { TraceStep } from '../../src/core/inspectorProtocol.js';
import { browserSuite, chromiumAvailable, openPage, PAGE_TIMEOUT_MS, type WatchedPage } from '../support/browser.js';
import { createSandbox, waitFor, type Sandbox } from '../support/podProcess.js';

const replay = browserSuite('podmesh inspect run.jsonl: the replay of a recorded simulation (Chromium)');
const test = chromiumAvailable() ? replay : replay.skip;

/** The step whose invariant the copy marks failed. */
const FAILED_STEP = 137;

async function record(s: Sandbox): Promise<string> {
  const path = join(s.root, 'run.jsonl');
  const run = await s.run(['simulate', 'examples/original-bug.json', '--record', path, '--quiet'], 60_000);
  assert.is(run.code, 0, run.stderr);
  return path;
}

async function openReplay(s: Sandbox, watched: WatchedPage, trace: string): Promise<void> {
  const inspect = s.spawnCli(['inspect', trace]);
  const [, url] = await inspect.waitForStdout(/podmesh inspect: (http:\/\/127\.0\.0\.1:\d+\/?)/);
  await watched.page.goto(url!);
  await watched.page.getByTestId('mode').and(watched.page.locator('[data-mode="replay"]')).waitFor();
  await watched.page.locator('[data-testid="replay-loading"][data-state="loaded"]').waitFor({ timeout: 30_000 });
}

const shownStep = async (watched: WatchedPage): Promise<number> => Number(await watched.page.getByTestId('replay-position').getAttribute('data-step'));

test('should step forward and back, play and pause through a recorded trace', async ({ browser }) => {
  const s = await createSandbox('podmesh-replay-');
  const watched = await openPage(browser!);
  try {
    await openReplay(s, watched, await record(s));
    const { page } = watched;
    assert.is(await shownStep(watched), 0, 'the replay starts at step 0, every pod shown');
    await page.locator('[data-testid="pod-row"]:not([hidden])').first().waitFor();
    assert.match((await page.getByTestId('pod-count').textContent()) ?? '', /of 40 pods/);

    await page.getByTestId('replay-step-forward').click();
    await waitFor(async () => (await shownStep(watched)) === 1, PAGE_TIMEOUT_MS, 'step 1 shown');
    await page.getByTestId('replay-step-forward').click();
    await page.getByTestId('replay-step-forward').click();
    await waitFor(async () => (await shownStep(watched)) === 3, PAGE_TIMEOUT_MS, 'step 3 shown');
    await page.getByTestId('replay-step-back').click();
    await waitFor(async () => (await shownStep(watched)) === 2, PAGE_TIMEOUT_MS, 'back to step 2');

    // The replay tab lists the shown step's events.
    await page.getByTestId('tab-replay').click();
    await page.locator('[data-testid="step-event"][data-type="podmesh.step"]').waitFor();

    // Play moves on by itself; pause holds the step.
    await page.getByTestId('replay-speed').selectOption('10');
    await page.getByTestId('replay-play').click();
    await waitFor(async () => (await shownStep(watched)) >= 5, PAGE_TIMEOUT_MS, 'playing past step 5');
    await page.getByTestId('replay-pause').click();
    const held = await shownStep(watched);
    await page.waitForTimeout(400);
    assert.is(await shownStep(watched), held, 'paused: the step holds');
    assert.is(await page.getByTestId('replay-pause').isDisabled(), true);
    assert.is(await page.getByTestId('replay-play').isEnabled(), true);

    // No failed invariant in this trace: the control says so and stays put.
    await page.getByTestId('replay-first-failure').click();
    const none = page.locator('[data-testid="invariant-message"][data-found="false"]');
    await none.waitFor();
    assert.is(await shownStep(watched), held);
    // Good news is not drawn as a failure: green, not the failure's red.
    assert.match((await none.textContent()) ?? '', /No invariant failed in steps 0–400/);
    assert.is(await none.evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).color), 'rgb(46, 125, 50)');
    await watched.screenshot('replay');
    watched.assertClean();
  } finally {
    await watched.close();
    await s.cleanup();
  }
});

test('should jump to the first failed invariant of a trace', async ({ browser }) => {
  const s = await createSandbox('podmesh-replay-');
  const watched = await openPage(browser!);
  try {
    // A copy of a recorded trace with one invariant failed at FAILED_STEP (and a later one, which must not win).
    const lines = (await readFile(await record(s), 'utf8')).trimEnd().split('\n');
    const failing = lines.map((line, i) => {
      if (i === 0) return line;
      const step = JSON.parse(line) as TraceStep;
      if (step.step !== FAILED_STEP && step.step !== FAILED_STEP + 50) return line;
      const failed = { type: 'podmesh.invariant', at: step.at, step: step.step, name: 'notices-arrive', ok: false, message: `marked failed by the test at step ${step.step}` };
      return JSON.stringify({ ...step, events: [...step.events, failed] });
    });
    const trace = join(s.root, 'failing.jsonl');
    await writeFile(trace, `${failing.join('\n')}\n`);
    await openReplay(s, watched, trace);
    const { page } = watched;

    await page.getByTestId('replay-first-failure').click();
    await waitFor(async () => (await shownStep(watched)) === FAILED_STEP, PAGE_TIMEOUT_MS, `jumped to step ${FAILED_STEP}`);
    const message = page.locator('[data-testid="invariant-message"][data-found="true"]');
    await message.waitFor();
    assert.is(await message.evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).color), 'rgb(198, 40, 40)', 'a real failure is red');
    assert.match((await message.textContent()) ?? '', new RegExp(`Step ${FAILED_STEP}: notices-arrive failed`));
    await page.getByTestId('tab-replay').click();
    await page.locator('[data-testid="step-invariant"][data-ok="false"]').waitFor();
    assert.match((await page.getByTestId('step-invariants').textContent()) ?? '', /marked failed by the test at step 137/);
    await watched.screenshot('replay-failure');
    watched.assertClean();
  } finally {
    await watched.close();
    await s.cleanup();
  }
});

replay.run();
