import { closestName } from '../../core/closestName.js';
import { formatOutcome } from '../../core/formatOutcome.js';
import { validatePodName } from '../../core/validatePodName.js';
import { UsageError } from '../cliArgs.js';
import { type CliContext } from '../cliContext.js';
import { cliPaths, withRuntime } from '../cliRuntime.js';
import { printJson } from '../cliOutput.js';
import { readUserFile } from '../readUserFile.js';
import { knownPodNames } from './collectPodRows.js';
import { requirePod } from './requirePod.js';

/** Largest message read from stdin or a file; the runtime's own limit (1 MiB by default) then decides. */
const MAX_READ_BYTES = 64 * 1024 * 1024;

async function readStdin(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    bytes += buffer.length;
    if (bytes > MAX_READ_BYTES) throw new UsageError(`the message on stdin is larger than ${MAX_READ_BYTES} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `podmesh notify --as <self> <peer> <message|->`: a notice to a live peer
 * (weak unless `--auto-run`), from the argument, stdin (`-`) or `--file`;
 * prints the outcome; exit 0 only when delivered.
 */
export async function notifyCommand(
  context: CliContext,
  rawPeer: string,
  text: string | undefined,
  flags: { readonly as: string; readonly autoRun?: boolean; readonly file?: string },
): Promise<number> {
  if ((text === undefined) === (flags.file === undefined)) throw new UsageError('give the message as an argument, as - (stdin) or with --file, once');
  const message = flags.file !== undefined ? await readUserFile(flags.file, `--file ${flags.file}`, MAX_READ_BYTES) : text === '-' ? await readStdin(context.io.stdin) : text!;
  validatePodName(flags.as); // names are checked before any folder
  const paths = await cliPaths(context);
  return withRuntime(paths, async (cli) => {
    const self = await requirePod(cli, flags.as);
    const autoRun = flags.autoRun === true;
    const outcome = await cli.runtime.discovery(self).notifyLivePeer(rawPeer, message, { autoRun });
    let line = formatOutcome(outcome, { autoRun });
    if (outcome.type === 'skipped-missing') {
      const meant = closestName(rawPeer, await knownPodNames(cli));
      if (meant !== undefined) line += ` (did you mean ${meant}?)`;
    }
    if (context.json) printJson(context, { ...outcome, autoRun, text: line });
    else context.io.out(`notify ${rawPeer}: ${line}\n`);
    return outcome.type === 'delivered' ? 0 : 1;
  });
}
