import { fromPromise } from 'xstate';
import { errorLine } from '../../core/text.js';
import { podMachine, type OverflowReport, type TurnInput } from '../../machines/podMachine.js';
import type { Diagnostics } from './createDiagnostics.js';

/**
 * `podMachine` bound to a runtime: its turns run `runTurn` (the user's
 * handler) and its overflow and failed-turn reports become warn diagnostics.
 */
export function wirePodMachine(diagnostics: Diagnostics, runTurn: (input: TurnInput, signal: AbortSignal) => Promise<void>) {
  return podMachine.provide({
    actors: {
      runTurn: fromPromise<void, TurnInput>(({ input, signal }) => runTurn(input, signal)),
    },
    actions: {
      reportOverflow: ({ self }, report: OverflowReport) => {
        if (report.dropped === 0) return;
        const message =
          report.cause === 'notify'
            ? 'notify buffer full: dropped the oldest notice'
            : 'notify buffer full: an interrupted turn put its notices back and the oldest were dropped';
        diagnostics.record('warn', 'pod', message, { pod: self.id, outcome: `dropped ${report.dropped} of ${report.bufferSize}` });
      },
      reportTurnFailure: ({ self }, failure: { turn: number; error: unknown }) =>
        diagnostics.record('warn', 'pod', 'turn failed; its notices went back to the buffer', {
          pod: self.id,
          error: errorLine(failure.error),
        }),
    },
  });
}
