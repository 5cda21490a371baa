/**
 * A sender process for tests/cli/podNotifyLoad.test.ts: opens a runtime on the
 * shared home and runtime dir (env PODMESH_HOME / PODMESH_RUNTIME_DIR) with
 * its own socket transport, and sends weak notifies from `self` to `peer`.
 *
 * Usage: node --import tsx tests/support/notifySender.ts <self> <peer> <count> [lanes]
 *   messages are `<self> <i>` for i < count, sent by `lanes` loops at once (default 16)
 *
 * It starts on `go` (startOnGo.ts) and prints one JSON line
 * `{"outcomes":{"delivered":n,...},"firstProblem":"..."}`.
 */
import { openRuntime } from '../../src/cli/cliRuntime.js';
import { resolvePodmeshPaths } from '../../src/actors/process/podPaths.js';
import { formatOutcome } from '../../src/core/formatOutcome.js';
import { fail, startOnGo } from './startOnGo.js';

async function send(self: string, peer: string, count: number, lanes: number) {
  const cli = await openRuntime(resolvePodmeshPaths());
  try {
    const discovery = cli.runtime.discovery(self);
    const outcomes: Record<string, number> = {};
    let firstProblem: string | undefined;
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < count) {
        const i = next++;
        const outcome = await discovery.sendWeakNotifyToLivePeer(peer, `${self} ${i}`);
        outcomes[outcome.type] = (outcomes[outcome.type] ?? 0) + 1;
        if (outcome.type !== 'delivered') firstProblem ??= `${outcome.type}: ${formatOutcome(outcome)}`;
      }
    };
    await Promise.all(Array.from({ length: lanes }, lane));
    return { outcomes, ...(firstProblem === undefined ? {} : { firstProblem }) };
  } finally {
    await cli.close();
  }
}

const [self, peer, countText, lanesText = '16'] = process.argv.slice(2);
const count = Number(countText);
const lanes = Number(lanesText);
if (self === undefined || peer === undefined || !Number.isInteger(count) || !Number.isInteger(lanes) || lanes < 1) {
  fail('usage: notifySender.ts <self> <peer> <count> [lanes]');
}

startOnGo(() => send(self, peer, count, lanes));
