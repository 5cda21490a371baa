/** Progress for check:package: one prefixed line on stderr, so stdout keeps only the summary. */
export const PREFIX = '[check:package]';

export function log(line: string): void {
  process.stderr.write(`${PREFIX} ${line}\n`);
}
