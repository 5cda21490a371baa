import { validatePodName } from '../../core/validatePodName.js';
import { open, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorCode, PodmeshError } from '../../core/errors.js';
import { intOption } from '../cliArgs.js';
import { interruption } from '../interruption.js';
import { type CliContext } from '../cliContext.js';
import { cliPaths, withRuntime } from '../cliRuntime.js';
import { printJson, printJsonLine } from '../cliOutput.js';
import { podLogPath } from './startDetached.js';
import { requirePod } from './requirePod.js';

/** Bytes read from the end of a log for `--tail`: enough for any sensible line count. */
const TAIL_WINDOW = 4 * 1024 * 1024;

async function readRange(path: string, from: number, to: number): Promise<string> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(to - from);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, from);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await file.close();
  }
}

/**
 * `podmesh pod logs <name> [-f] [-n N]`: the log of a pod started with
 * `--detach`; `-f` follows it until Ctrl-C or until the pod has stopped.
 */
export async function podLogs(context: CliContext, rawName: string, flags: { readonly follow?: boolean; readonly tail?: string }): Promise<number> {
  validatePodName(rawName); // names are checked before any folder
  const paths = await cliPaths(context);
  const tail = intOption(flags.tail, '--tail', 0);
  return withRuntime(paths, async (cli) => {
    const name = await requirePod(cli, rawName);
    const log = podLogPath(paths, name);
    let size: number;
    try {
      size = (await stat(log)).size;
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
      throw new PodmeshError('invalid-argument', `pod ${name} has no log (${log}): only a pod started with --detach writes one`);
    }
    const start = tail === undefined ? 0 : Math.max(0, size - TAIL_WINDOW);
    let text = await readRange(log, start, size);
    if (tail !== undefined) text = text.split('\n').slice(-(tail + 1)).join('\n');
    const emit = (chunk: string): void => {
      if (chunk === '') return;
      if (context.json) for (const line of chunk.split('\n').filter((l) => l !== '')) printJsonLine(context, { line });
      else context.io.out(chunk);
    };
    if (flags.follow !== true) {
      if (context.json) printJson(context, { name, log, lines: text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1) });
      else context.io.out(text);
      return 0;
    }
    emit(text);
    const signal = interruption();
    try {
      let offset = size;
      let checked = 0;
      while (!signal.interrupted()) {
        await sleep(200);
        const now = (await stat(log)).size;
        if (now < offset) offset = 0; // truncated: start again from its beginning
        if (now > offset) {
          emit(await readRange(log, offset, now));
          offset = now;
        }
        // Like `docker logs -f`: the stream ends once the pod is gone and its last lines are out.
        if (++checked % 5 === 0 && (await cli.transport.probe(name))?.status === 'stopped') {
          const last = (await stat(log)).size;
          if (last > offset) emit(await readRange(log, offset, last));
          break;
        }
      }
    } finally {
      signal.dispose();
    }
    return 0;
  });
}
