/**
 * Section 5: thousands of malformed connections to one pod process's socket
 * (malformedKinds.ts), from a few clients at once. Afterwards the pod must be
 * the same process, answer `ping`, and have grown its RSS by at most the
 * bound; no connection may hang and no complete line may go unanswered.
 */
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { createSocketTransport } from '../../src/actors/process/createSocketTransport.js';
import { podSocketPath } from '../../src/actors/process/podPaths.js';
import { payloadOf, type Kind, type Payload } from './malformedKinds.js';
import { isAlive, mb, openFds, rssBytes, startPodProcess, stopPodProcess, type PodFolders } from './podProcess.js';
import type { SectionContext, SectionReport } from './report.js';
import { bump, errorKey, maxOf, ms, quantile, sleep, tally } from './stats.js';

const TARGET = 'target';
// Descriptors a pod may hold more after every client left than before (timers, the journal): more is a leak.
const FD_SLACK = 64;

type Result = 'ok' | 'hung' | 'dropped' | 'connect-error' | 'wrong-answer';

interface Outcome {
  readonly result: Result;
  readonly ms: number;
  readonly codes: readonly string[];
  readonly detail?: string;
}

interface Answer {
  readonly id?: unknown;
  readonly ok?: unknown;
  readonly error?: { readonly code?: unknown };
}

/** One connection: send the payload, end it as its kind says, and judge what came back. */
function connectOnce(path: string, payload: Payload, hangMs: number): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = createConnection(path);
    const answers: Answer[] = [];
    let buffered = '';
    let connected = false;
    let settled = false;
    const finish = (result: Result, detail?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const codes = answers.map((answer) => String(answer.error?.code ?? (answer.ok === true ? 'ok' : '?')));
      resolve({ result, ms: performance.now() - started, codes, ...(detail === undefined ? {} : { detail }) });
    };
    const timer = setTimeout(() => finish('hung', `${payload.kind}: ${answers.length}/${payload.answers} answers after ${hangMs} ms`), hangMs);
    const judge = (): void => {
      if (answers.length < payload.answers) return;
      const wrong = payload.code !== undefined && answers.some((a) => a.error?.code !== payload.code || a.id !== payload.id);
      finish(wrong ? 'wrong-answer' : 'ok', wrong ? `${payload.kind}: expected ${payload.code} for id ${payload.id}, got ${JSON.stringify(answers[0]).slice(0, 160)}` : undefined);
    };
    socket.on('connect', () => {
      connected = true;
      socket.write(payload.bytes);
      if (payload.ending === 'destroy') finish('ok');
      else if (payload.ending === 'end') socket.end();
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const text = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          const message = JSON.parse(text) as Answer;
          // Snapshots (on connect) are not answers.
          if (typeof message === 'object' && message !== null && 'ok' in message) answers.push(message);
        } catch {
          answers.push({ error: { code: 'unparsable answer' } });
        }
      }
      if (payload.ending === 'read') judge();
    });
    socket.on('error', (error) => {
      if (!connected) finish('connect-error', `${payload.kind}: ${errorKey(error)}`);
      // After connecting, a reset ends the connection: 'close' judges it.
    });
    socket.on('close', () => {
      if (payload.ending === 'end') finish('ok');
      else finish('dropped', `${payload.kind}: closed by the pod after ${answers.length}/${payload.answers} answers`);
    });
  });
}

export async function malformedConnections(context: SectionContext, report: SectionReport): Promise<void> {
  const { counts, random, signal } = context;
  const folders: PodFolders = { home: join(context.dir, 'home'), runtimeDir: join(context.dir, 'run') };
  const pod = await startPodProcess(folders, TARGET, [], signal);
  const path = podSocketPath(folders.runtimeDir, TARGET);
  const transport = createSocketTransport({ runtimeDir: folders.runtimeDir });
  try {
    // Warm the pod up (its answers' code paths, the JIT) so the RSS before is not a cold start.
    for (let i = 0; i < 50; i += 1) await transport.request(TARGET, 'ping');
    await sleep(500);
    const rssBefore = rssBytes(pod.pid);
    const fdsBefore = openFds(pod.pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssBytes(pod.pid) || 0)), 200);

    const total = counts.connections;
    const results = new Map<string, number>();
    const codes = new Map<string, number>();
    const perKind = new Map<Kind, number>();
    const failures: string[] = [];
    const durations: number[] = [];
    let next = 0;
    let lastLog = performance.now();
    const client = async (): Promise<void> => {
      while (next < total && !signal.aborted) {
        const id = next++;
        // Round robin, so every kind gets its share whatever the count.
        const payload = payloadOf(context.kinds[id % context.kinds.length]!, id, random);
        const outcome = await connectOnce(path, payload, counts['hang-ms']);
        bump(results, outcome.result);
        bump(perKind, payload.kind);
        for (const code of outcome.codes) bump(codes, code);
        durations.push(outcome.ms);
        if (outcome.result !== 'ok' && outcome.detail !== undefined) failures.push(`#${id} ${outcome.result}: ${outcome.detail}`);
        if (performance.now() - lastLog > 3000) {
          lastLog = performance.now();
          context.progress(`${id + 1}/${total} connections, pod RSS ${mb(rssBytes(pod.pid))}`);
        }
      }
    };
    const wall = performance.now();
    await Promise.all(Array.from({ length: counts.clients }, client));
    const wallMs = performance.now() - wall;
    clearInterval(sampler);
    await sleep(1000);
    const rssAfter = rssBytes(pod.pid);
    const fdsAfter = openFds(pod.pid);
    const done = [...results.values()].reduce((a, b) => a + b, 0);
    report.tries(done);

    let pinged = 'no answer';
    try {
      const fresh = createSocketTransport({ runtimeDir: folders.runtimeDir });
      const t = performance.now();
      await fresh.request(TARGET, 'ping', undefined, { timeoutMs: 5000 });
      pinged = ms(performance.now() - t);
      fresh.close();
    } catch (error) {
      failures.push(`ping after: ${errorKey(error)}`);
    }
    const alive = isAlive(pod.pid) && !pod.child.exited;
    const grew = rssAfter - rssBefore;
    const boundBytes = counts['rss-bound-mb'] * 1024 * 1024;
    const sample = (result: Result): string => failures.filter((line) => line.includes(` ${result}: `)).slice(0, 3).join(' | ');
    report.check('pod crashed or gone', alive ? 0 : 1, `pid ${pod.pid}: ${pod.child.stderrTail().trim().slice(-300)}`);
    report.check('no answer to ping after', pinged === 'no answer' ? 1 : 0, failures.find((line) => line.startsWith('ping')));
    report.check('hung connections', results.get('hung') ?? 0, sample('hung'));
    report.check('lines left unanswered (closed by the pod)', results.get('dropped') ?? 0, sample('dropped'));
    report.check('wrong answers', results.get('wrong-answer') ?? 0, sample('wrong-answer'));
    report.check('connect errors', results.get('connect-error') ?? 0, sample('connect-error'));
    report.check(`RSS grew over ${counts['rss-bound-mb']} MB`, Number.isFinite(grew) && grew > boundBytes ? 1 : 0, `${mb(rssBefore)} → ${mb(rssAfter)}`);
    report.check(`descriptors leaked (over ${FD_SLACK})`, fdsAfter - fdsBefore > FD_SLACK ? 1 : 0, `${fdsBefore} → ${fdsAfter}`);
    report.figure('RSS before → after (peak)', `${mb(rssBefore)} → ${mb(rssAfter)} (${mb(rssPeak)})`);
    report.figure('open descriptors before → after', `${fdsBefore} → ${fdsAfter}`);
    report.figure('ping after', pinged);
    report.figure('kinds', tally(perKind));
    report.figure('answer codes', tally(codes));
    report.figure('connection time', `p50 ${ms(quantile(durations, 0.5))}, p99 ${ms(quantile(durations, 0.99))}, max ${ms(maxOf(durations))}`);
    report.figure('connections/s', Math.round(done / (wallMs / 1000)));
    const stderr = pod.child.stderrTail().trim();
    if (stderr !== '') report.figure('pod stderr', stderr.split('\n').slice(-2).join(' | ').slice(0, 200));
    if (signal.aborted) report.incomplete(`time limit reached after ${done} of ${total} connections`);
  } finally {
    transport.close();
    const stopped = await stopPodProcess(pod);
    if (stopped.forced) report.check('pod ignored SIGTERM for 10 s', 1, `pid ${pod.pid}`);
  }
}
