import { errorCode } from '../../core/errors.js';
import { errorLine } from '../../core/text.js';
import type { PodHandle } from './createPodHandle.js';
import type { PodRuntime } from './createPodRuntime.js';
import { exceedsBytes } from '../../core/exceedsBytes.js';
import { tryStringify } from '../../core/jsonLimits.js';
import { isValidPodName } from '../../core/validatePodName.js';
import type { PodRequest, PodResponse } from '../../core/podMessages.js';
import { pingAnswer, podStateAnswer, snapshotOf, type PodProcessFacts, type StateBudget } from './podStateAnswer.js';

/**
 * Serves the `tool` method: called with the request's `params.tool` and
 * `params.args`, resolves to the JSON-safe result to answer with. A
 * rejection is answered as an error line (its message made one line).
 */
export type PodToolHandler = (tool: unknown, args: unknown) => Promise<unknown>;

/** Largest `run` input a pod keeps, as UTF-8 bytes of JSON (each turn of its history keeps one). */
export const MAX_RUN_INPUT_BYTES = 64 * 1024;
/** Runs a pod queues behind a running turn before it answers `busy`. */
export const MAX_QUEUED_RUNS = 128;

/** What the answers of one pod need. */
export interface PodAnswerContext {
  readonly runtime: PodRuntime;
  readonly pod: PodHandle;
  readonly tools?: PodToolHandler;
  /** The serving process, for the `ping` answer. */
  readonly process: PodProcessFacts;
  /** How much a `state` answer may hold; called per answer (default: a socket's budget). */
  stateBudget?(): StateBudget;
  /** Called for each accepted notice; `from` is the sender the notify named (`params.from`). */
  /**
   * Called as each notice reaches a live pod, just before the pod takes it,
   * synchronously: record it and show it later (the acknowledgement waits).
   */
  onNotice?(message: string, autoRun: boolean, from: string | undefined): void;
  onStopRequested?(): void;
}

/** Answers one request: at once when it can, else with a promise. May throw; the caller answers `internal-error`. */
export type AnswerPodRequest = (request: PodRequest) => PodResponse | Promise<PodResponse>;

// A handler refusing its input is the caller's mistake; anything else is the pod's.
export const failureCode = (error: unknown): string => (errorCode(error) === 'invalid-input' ? 'invalid-params' : 'internal-error');

/** The request handler of one pod (docs/protocol.md, Requests). */
export function createPodRequestAnswerer(context: PodAnswerContext): AnswerPodRequest {
  const { runtime, pod, tools } = context;

  const accepted = (id: number | string): PodResponse => ({ id, ok: true, result: { accepted: true, pending: pod.pendingNotices().length } });

  const notify = (id: number | string, params: Record<string, unknown>): PodResponse | Promise<PodResponse> => {
    const message = params.message;
    if (typeof message !== 'string') return fail(id, 'invalid-params', 'params.message must be a string');
    if (params.autoRun !== undefined && typeof params.autoRun !== 'boolean') return fail(id, 'invalid-params', 'params.autoRun must be a boolean');
    const from = params.from;
    if (from !== undefined && (typeof from !== 'string' || !isValidPodName(from))) return fail(id, 'invalid-params', 'params.from must be a valid pod name');
    const autoRun = params.autoRun === true;
    // Before the pod takes it: a turn it starts (and ends) inside receive is then told after the notice.
    if (context.onNotice !== undefined && pod.liveness().status === 'live') context.onNotice(message, autoRun, from);
    let receipt: void | Promise<void>;
    try {
      receipt = pod.receive(message, { autoRun });
    } catch (error) {
      return fail(id, 'not-live', errorLine(error));
    }
    // Synchronous in the usual case: no promise on the hot path.
    if (!(receipt instanceof Promise)) return accepted(id);
    return receipt.then(
      () => accepted(id),
      (error: unknown) => fail(id, 'not-live', errorLine(error)),
    );
  };

  const run = (id: number | string, params: Record<string, unknown>): PodResponse => {
    const input = params.input;
    if (input !== undefined) {
      const json = tryStringify(input);
      if (json === undefined) return fail(id, 'invalid-params', 'params.input cannot be encoded as JSON');
      if (exceedsBytes(json, MAX_RUN_INPUT_BYTES)) return fail(id, 'invalid-params', `params.input is limited to ${MAX_RUN_INPUT_BYTES} bytes of JSON`);
    }
    if (pod.actor.getSnapshot().context.inputs.length >= MAX_QUEUED_RUNS) {
      return fail(id, 'busy', `${MAX_QUEUED_RUNS} runs already wait for their turn`);
    }
    pod.run(input);
    return { id, ok: true, result: snapshotOf(pod) };
  };

  return (request) => {
    const { id, params = {} } = request;
    switch (request.method) {
      case 'ping':
        return { id, ok: true, result: pingAnswer(pod, context.process) };
      case 'notify':
        return notify(id, params);
      case 'run':
        return run(id, params);
      case 'pause':
        pod.pause();
        return { id, ok: true, result: snapshotOf(pod) };
      case 'resume':
        pod.resume();
        return { id, ok: true, result: snapshotOf(pod) };
      case 'stop':
        setImmediate(() => context.onStopRequested?.());
        return { id, ok: true, result: { stopping: true } };
      case 'state':
        return { id, ok: true, result: podStateAnswer(pod, runtime, context.stateBudget?.()) };
      case 'tool':
        if (tools === undefined) return fail(id, 'not-an-orchestrator', 'this pod runs no ticket tools');
        return tools(params.tool, params.args ?? {}).then((result) => ({ id, ok: true, result }));
    }
  };
}

function fail(id: number | string, code: string, message: string): PodResponse {
  return { id, ok: false, error: { code, message } };
}
