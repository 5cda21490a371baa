import { readFile, stat } from 'node:fs/promises';
import { errorCode } from '../core/errors.js';
import { UsageError } from './cliArgs.js';

/** A file the user named (`--file`, a scenario), as text; a missing, folder, unreadable or too large one is a one-line usage error. */
export async function readUserFile(path: string, label: string, maxBytes: number): Promise<string> {
  try {
    if ((await stat(path)).size > maxBytes) throw new UsageError(`${label}: larger than ${maxBytes} bytes`);
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = errorCode(error);
    throw new UsageError(`${label}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : `cannot read (${code ?? 'error'})`}`);
  }
}
