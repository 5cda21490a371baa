/**
 * Child-process entry of one bench task:
 *   node --expose-gc --import tsx bench/task.ts <task> <json args>
 * Prints the task's result as JSON on stdout and its progress on stderr.
 */
import { isTaskName, tasks } from './tasks.js';

const [name, json] = process.argv.slice(2);
if (name === undefined || !isTaskName(name) || json === undefined) {
  process.stderr.write(`usage: node --expose-gc --import tsx bench/task.ts <${Object.keys(tasks).join('|')}> <json args>\n`);
  process.exit(2);
}
const task = tasks[name] as (args: unknown, progress: (line: string) => void) => Promise<unknown>;
const value = await task(JSON.parse(json), (line) => process.stderr.write(`${line}\n`));
process.stdout.write(`${JSON.stringify(value)}\n`);
