/**
 * Runs one bench task in a fresh Node process (`--expose-gc`, tsx), so it
 * starts from an empty heap and leaves nothing behind in this one. Its stderr
 * lines are passed on as progress; its stdout is the JSON result.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { Progress } from './stats.js';
import type { TaskArgs, TaskName, TaskResult } from './tasks.js';

const benchDir = import.meta.dirname;
const root = resolve(benchDir, '..');

export function runTask<K extends TaskName>(name: K, args: TaskArgs<K>, progress: Progress): Promise<TaskResult<K>> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(benchDir, 'task.ts'), name, JSON.stringify(args)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let pending = '';
    const tail: string[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        progress(line);
        tail.push(line);
        if (tail.length > 20) tail.shift();
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (pending !== '') tail.push(pending);
      if (code !== 0) {
        reject(new Error(`bench task ${name} exited with ${signal ?? code}${tail.length > 0 ? `:\n${tail.join('\n')}` : ''}`));
        return;
      }
      try {
        resolvePromise(JSON.parse(stdout) as TaskResult<K>);
      } catch {
        reject(new Error(`bench task ${name} printed no JSON result`));
      }
    });
  });
}
