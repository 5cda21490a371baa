import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/cli/cliIo.js';

/** A CliIo that keeps what a command wrote; `tty` makes stdout look like a terminal. */
export function captureIo(options: { readonly tty?: boolean; readonly env?: NodeJS.ProcessEnv; readonly stdin?: string } = {}): CliIo & { stdout: string; stderrText: string } {
  const stdin = new PassThrough();
  stdin.end(options.stdin ?? '');
  const io = {
    stdout: '',
    stderrText: '',
    out: (text: string) => void (io.stdout += text),
    err: (text: string) => void (io.stderrText += text),
    interactive: false,
    stdoutTty: options.tty === true,
    stderr: new PassThrough(),
    stdin,
    env: options.env ?? { PATH: process.env.PATH },
  };
  return io;
}
