import { createColors } from 'picocolors';
import type { CliIo } from './cliIo.js';

/** The global options every command sees (`--home`, `--runtime-dir`, `--json`, `--no-color`), wherever they were written. */
export interface GlobalOptions {
  readonly home?: string;
  readonly runtimeDir?: string;
  readonly json?: boolean;
  readonly color?: boolean;
  /** NATS server URL(s): pods, records and notices over NATS instead of the home's sockets (docs/nats.md). */
  readonly nats?: string;
}

/** What a command runs with: its streams, the global options, and colours that are on only for a terminal. */
export interface CliContext {
  readonly io: CliIo;
  readonly json: boolean;
  readonly options: GlobalOptions;
  /** picocolors' functions; plain identity functions unless stdout is a TTY, without NO_COLOR, --no-color or --json. */
  readonly colors: ReturnType<typeof createColors>;
}

/** The context of one CLI run. */
export function cliContext(io: CliIo, options: GlobalOptions): CliContext {
  const json = options.json === true;
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
  const colorOn = io.stdoutTty && !noColor && !json && options.color !== false;
  return { io, json, options, colors: createColors(colorOn) };
}
