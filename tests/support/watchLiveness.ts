/**
 * Probes one pod over and over and keeps the phases it went through: each
 * run of probes with the same status and kind of reason, from the first to the
 * last probe that said so. A measurement of how liveness looks from outside
 * while something breaks (tests/actors/nats/natsPartition.test.ts).
 */
import type { PodLiveness, PodTransport } from '../../src/core/types.js';
import { waitFor } from './podProcess.js';

/** One run of equal answers, in ms since the watch's origin. */
export interface LivenessPhase {
  readonly status: PodLiveness['status'];
  /** The reason without its numbers (`heard 12 ms ago` → `heard N ms ago`), so one kind is one phase. */
  readonly kind: string;
  /** The first reason of the run, as it was. */
  readonly reason?: string;
  readonly from: number;
  to: number;
}

export interface LivenessWatch {
  /** The phases so far, oldest first. */
  phases(): readonly LivenessPhase[];
  /** Resolves to the first phase, of those from index `from` on, whose status is `status` (bounded). */
  until(status: PodLiveness['status'], timeoutMs: number, from?: number): Promise<LivenessPhase>;
  /** Ends the polling and waits for the probe in flight. */
  stop(): Promise<void>;
}

/** Probes `name` through `transport` every `everyMs` (after each answer); times are from `origin` (performance clock). */
export function watchLiveness(transport: PodTransport, name: string, origin: number, everyMs = 5): LivenessWatch {
  const phases: LivenessPhase[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const probed = await Promise.resolve(transport.probe(name)).catch((error: unknown) => ({ status: 'unreachable' as const, reason: `probe threw: ${String(error)}` }));
      const at = performance.now() - origin;
      const status = probed?.status ?? 'stopped';
      const reason = probed?.reason;
      const kind = reason?.replace(/\d+/g, 'N') ?? '';
      const last = phases[phases.length - 1];
      if (last !== undefined && last.status === status && last.kind === kind) last.to = at;
      else phases.push({ status, kind, ...(reason === undefined ? {} : { reason }), from: at, to: at });
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    phases: () => phases,
    until(status, timeoutMs, from = 0) {
      return waitFor(() => phases.slice(from).find((phase) => phase.status === status), timeoutMs, `${name} ${status}`, everyMs).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}; phases: ${JSON.stringify(phases)}`);
      });
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
