import { spawn } from 'node:child_process';
import { createHomeFeed } from '../../inspector/createHomeFeed.js';
import { createTraceFeed } from '../../inspector/createTraceFeed.js';
import { redactUrl } from '../../core/text.js';
import type { InspectorFeed } from '../../inspector/inspectorFeed.js';
import { startInspectorServer } from '../../inspector/startInspectorServer.js';
import { intOption, UsageError } from '../cliArgs.js';
import type { CliContext } from '../cliContext.js';
import { printJsonLine } from '../cliOutput.js';
import { cliPaths, natsServerOf, natsUnusable } from '../cliRuntime.js';

/** Flags of `podmesh inspect`. */
export interface InspectFlags {
  readonly port?: string;
  readonly open?: boolean;
}

/** Opens `url` in the desktop's browser when a launcher is there; never fails the command. */
function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : 'xdg-open';
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no launcher: the URL is printed anyway
  }
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/**
 * `podmesh inspect [trace.jsonl] [--port N] [--open]`: serves the inspector
 * page on 127.0.0.1 (docs/inspector.md) — the pods of the home (of the NATS
 * server with `--nats`), or the replay of a recorded trace — and prints its
 * URL; serves until SIGINT or SIGTERM (exit 0).
 */
export async function inspectCommand(context: CliContext, trace: string | undefined, flags: InspectFlags): Promise<number> {
  const port = intOption(flags.port, '--port', 0);
  if (port !== undefined && port > 65_535) throw new UsageError('--port must be at most 65535');
  const nats = natsServerOf(context);
  let feed: InspectorFeed;
  let what: string;
  if (trace !== undefined) {
    const replay = await createTraceFeed(trace);
    feed = replay;
    what = `trace ${replay.tracePath}`;
  } else if (nats !== undefined) {
    // Loaded only here: a home's inspector needs no NATS client.
    const { createNatsFeed } = await import('../../inspector/createNatsFeed.js');
    feed = await createNatsFeed({ servers: nats }).catch((error: unknown) => {
      throw natsUnusable(nats, error);
    });
    what = `nats ${redactUrl(nats)}`;
  } else {
    const paths = await cliPaths(context);
    feed = await createHomeFeed({ home: paths.home, runtimeDir: paths.runtimeDir });
    what = `home ${paths.home}`;
  }
  try {
    const server = await startInspectorServer({ feed, ...(port === undefined ? {} : { port }) });
    const interrupted = untilInterrupted();
    try {
      if (context.json) printJsonLine(context, { url: server.url, port: server.port, mode: feed.hello().mode, source: feed.hello().source });
      else context.io.out(`podmesh inspect: ${server.url} (${what}; Ctrl-C to stop)\n`);
      if (flags.open === true) openBrowser(server.url);
      await interrupted;
    } finally {
      await server.close();
    }
  } finally {
    await feed.close();
  }
  return 0;
}
