import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { within, type PodmeshProcess, type Sandbox, createSandbox } from '../../support/podProcess.js';

interface Context {
  sandbox?: Sandbox;
}

const brokenPipe = suite<Context>('the CLI when its reader goes away (`podmesh … | head -1`)');

brokenPipe.before.each(async (context) => {
  context.sandbox = await createSandbox();
});

brokenPipe.after.each(async (context) => {
  await context.sandbox?.cleanup();
  context.sandbox = undefined;
});

/** Runs `podmesh <args>` with its stdout (or stderr) pipe closed before it writes; resolves to its exit and stderr. */
async function runWithClosedPipe(sandbox: Sandbox, args: readonly string[], closed: 'stdout' | 'stderr') {
  const proc: PodmeshProcess = sandbox.spawnCli(args);
  proc.child.stdin.end();
  // Node takes far longer to start than this takes: every write of the CLI meets a closed pipe.
  proc.child[closed].destroy();
  const exit = await within(proc.exited, 30_000, `podmesh ${args.join(' ')}`);
  return { ...exit, stdout: proc.stdout(), stderr: proc.stderr() };
}

brokenPipe('should end `pod state` quietly with exit 0 when stdout is closed', async (context) => {
  const s = context.sandbox!;
  await s.startPod('yoi', ['--quiet']);
  const { transport } = s.openRuntime();
  // More than a pipe holds (64 KiB), so the CLI writes to the closed pipe more than once.
  for (let i = 0; i < 4; i += 1) await transport.request('yoi', 'notify', { message: `notice ${i} `.repeat(20_000) });
  const result = await runWithClosedPipe(s, ['pod', 'state', 'yoi'], 'stdout');
  assert.equal([result.code, result.signal], [0, null], result.stderr);
  assert.is(result.stderr, '');
});

brokenPipe('should end `--help` quietly with exit 0 when stdout is closed', async (context) => {
  const result = await runWithClosedPipe(context.sandbox!, ['--help'], 'stdout');
  assert.equal([result.code, result.signal], [0, null], result.stderr);
  assert.is(result.stderr, '');
});

brokenPipe('should keep the exit code of a command whose stderr is closed', async (context) => {
  // An unknown command is exit 2; a crash on the closed stderr would be exit 1 (and its trace lost).
  const result = await runWithClosedPipe(context.sandbox!, ['no-such-command'], 'stderr');
  assert.equal([result.code, result.signal], [2, null]);
  assert.is(result.stdout, '');
});

brokenPipe.run();
