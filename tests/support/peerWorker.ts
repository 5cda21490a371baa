/**
 * A worker process for tests/cli/podCli.test.ts: opens a runtime on the shared
 * home (env PODMESH_HOME) and registers peer relations, all at once, so
 * several workers write the same records at the same moment.
 *
 * Usage: node --import tsx tests/support/peerWorker.ts <self>:<peer> ...
 *
 * It starts on `go` (startOnGo.ts) and prints one JSON line `{"registered":n}`.
 */
import { openRuntime } from '../../src/cli/cliRuntime.js';
import { resolvePodmeshPaths } from '../../src/actors/process/podPaths.js';
import { fail, startOnGo } from './startOnGo.js';

const pairs = process.argv.slice(2).map((arg) => arg.split(':'));
if (pairs.length === 0 || pairs.some((pair) => pair.length !== 2)) fail('usage: peerWorker.ts <self>:<peer> ...');

startOnGo(async () => {
  const cli = await openRuntime(resolvePodmeshPaths());
  try {
    await Promise.all(pairs.map(([self, peer]) => cli.runtime.discovery(self!).registerPeer(peer!)));
    return { registered: pairs.length };
  } finally {
    await cli.close();
  }
});
