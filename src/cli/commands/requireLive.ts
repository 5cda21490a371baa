import { PodmeshError } from '../../core/errors.js';
import type { CliRuntime } from '../cliRuntime.js';
import { requirePod } from './requirePod.js';

/** `name`, known to the home and live; else a one-line error saying what it is and what to do. */
export async function requireLive(cli: CliRuntime, rawName: string): Promise<string> {
  const name = await requirePod(cli, rawName);
  const live = await cli.transport.probe(name);
  if (live?.status === 'live') return name;
  const hint = live?.status === 'unreachable' ? `; end it with podmesh pod stop ${name} --force` : `; start it with podmesh pod start ${name}`;
  throw new PodmeshError('pod-not-live', `pod ${name} is ${live?.status ?? 'stopped'}${live?.reason === undefined ? '' : ` (${live.reason})`}${hint}`);
}

