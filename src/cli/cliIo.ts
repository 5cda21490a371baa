/** Where a command reads and writes; tests pass their own to capture output. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (progress bars only there). */
  readonly interactive: boolean;
  /** Whether stdout is a terminal (colour and in-place refresh only there). */
  readonly stdoutTty: boolean;
  readonly stderr: NodeJS.WritableStream;
  /** What `-` names as a message (`podmesh notify … -`). */
  readonly stdin: NodeJS.ReadableStream;
  readonly env: NodeJS.ProcessEnv;
}

/** The process's own streams. */
export function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    interactive: process.stderr.isTTY === true,
    stdoutTty: process.stdout.isTTY === true,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
  };
}
