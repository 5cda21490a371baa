/**
 * The start protocol of the worker processes in tests/support/: the worker
 * prints `ready` once loaded and starts `work` on a `go` line on stdin, so a
 * test can start several and release them together. It prints the result as
 * one JSON line and exits 0, or prints the error on stderr and exits 1; it
 * also exits (1) when stdin closes before `go`, so it never outlives its test.
 */
import { createInterface } from 'node:readline';

/** Prints `message` on stderr and exits 1. */
export function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

export function startOnGo(work: () => Promise<unknown>): void {
  const lines = createInterface({ input: process.stdin });
  let started = false;
  lines.on('line', (line) => {
    if (line.trim() !== 'go' || started) return;
    started = true;
    lines.close();
    work().then(
      (result) => {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        process.exitCode = 0;
      },
      (error: unknown) => fail(error instanceof Error ? `${error.name}: ${error.message}` : String(error)),
    );
  });
  lines.on('close', () => {
    if (!started) fail('stdin closed before go');
  });
  process.stdout.write('ready\n');
}
