import { PodmeshError } from '../../core/errors.js';
import type { CliTransport } from '../cliRuntime.js';

/**
 * "pod yoi is already running (pid 41201): stop it with podmesh pod stop yoi", code `pod-already-running`.
 * The pid is the running pod's own answer to a ping, on its socket or over NATS alike (a process file of
 * this host would name a local pod's process, not a NATS pod's).
 */
export async function alreadyRunning(transport: CliTransport, name: string): Promise<PodmeshError> {
  const ping = (await transport.request(name, 'ping').catch(() => null)) as { pid?: unknown } | null;
  const pid = typeof ping?.pid === 'number' ? ` (pid ${ping.pid})` : '';
  return new PodmeshError('pod-already-running', `pod ${name} is already running${pid}: stop it with podmesh pod stop ${name}`);
}
