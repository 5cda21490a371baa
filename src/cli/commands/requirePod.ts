import { closestName } from '../../core/closestName.js';
import { PodmeshError } from '../../core/errors.js';
import { validatePodName } from '../../core/validatePodName.js';
import type { CliRuntime } from '../cliRuntime.js';
import { knownPodNames } from './collectPodRows.js';

/** A name the home does not know: "no pod named yoii (did you mean yoi?)", code `missing-pod`. */
export class NoSuchPodError extends PodmeshError {
  constructor(
    readonly pod: string,
    readonly suggestion: string | undefined,
    readonly home: string,
  ) {
    super('missing-pod', `no pod named ${pod} in ${home}${suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`}`);
  }
}

/** `name`, validated, when the home knows it (a record or a runtime folder); else {@link NoSuchPodError} with the closest name. */
export async function requirePod(cli: CliRuntime, rawName: string): Promise<string> {
  const name = validatePodName(rawName);
  const names = await knownPodNames(cli);
  if (names.includes(name)) return name;
  throw new NoSuchPodError(name, closestName(name, names), cli.paths.home);
}
