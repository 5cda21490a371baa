import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { errorCode, PodmeshError } from '../core/errors.js';
import { INSPECTOR_PROTOCOL_VERSION, TRACE_FORMAT, type HelloEvent, type TraceHeader } from '../core/inspectorProtocol.js';
import type { InspectorFeed } from './inspectorFeed.js';

/** Longest header line read (the machines' definitions are in it). */
export const MAX_TRACE_HEADER_BYTES = 16 * 1024 * 1024;

/** A replay's feed: its header, and the trace file the page reads whole. */
export interface TraceFeed extends InspectorFeed {
  readonly header: TraceHeader;
  readonly tracePath: string;
}

const invalid = (path: string, why: string): PodmeshError => new PodmeshError('invalid-trace', `${path}: ${why}`);

/** The first line of the file, at most {@link MAX_TRACE_HEADER_BYTES}. */
async function readFirstLine(path: string): Promise<string> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    const code = errorCode(error);
    throw invalid(path, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a trace file' : `cannot be read (${code ?? 'error'})`);
  }
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    const chunk = Buffer.alloc(64 * 1024);
    for (;;) {
      const { bytesRead } = await file.read(chunk, 0, chunk.length, size);
      if (bytesRead === 0) break;
      const piece = chunk.subarray(0, bytesRead);
      const newline = piece.indexOf(0x0a);
      chunks.push(Buffer.from(newline === -1 ? piece : piece.subarray(0, newline)));
      size += bytesRead;
      if (newline !== -1) break;
      if (size > MAX_TRACE_HEADER_BYTES) throw invalid(path, `the first line is longer than ${MAX_TRACE_HEADER_BYTES} bytes: not a podmesh trace`);
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    await file.close();
  }
}

/**
 * Checks a trace's header line: a JSON object of format `podmesh-trace`
 * whose version this podmesh reads (a higher one is refused: its events may
 * mean something this reader does not know). Throws `PodmeshError`
 * (`invalid-trace`) with a one-line message naming the file.
 */
export function parseTraceHeader(path: string, line: string): TraceHeader {
  if (line.trim() === '') throw invalid(path, 'empty: a podmesh trace starts with its header line (podmesh simulate --record writes one)');
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw invalid(path, 'the first line is not JSON: not a podmesh trace (podmesh simulate --record writes one)');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(path, 'the first line is not a JSON object: not a podmesh trace');
  const header = value as Record<string, unknown>;
  if (header.format !== TRACE_FORMAT) throw invalid(path, `the header's format is ${JSON.stringify(header.format ?? null)}, not "${TRACE_FORMAT}": not a podmesh trace`);
  const { version } = header;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw invalid(path, `the header's version is ${JSON.stringify(version ?? null)}, not a positive integer`);
  if (version > INSPECTOR_PROTOCOL_VERSION) {
    throw invalid(path, `trace version ${version} is newer than this podmesh reads (up to ${INSPECTOR_PROTOCOL_VERSION}); use a newer podmesh`);
  }
  if (typeof header.machines !== 'object' || header.machines === null || Array.isArray(header.machines)) throw invalid(path, "the header's machines is not an object");
  for (const field of ['scenario'] as const) if (typeof header[field] !== 'string') throw invalid(path, `the header's ${field} is not a string`);
  for (const field of ['seed', 'pods', 'steps'] as const) if (typeof header[field] !== 'number') throw invalid(path, `the header's ${field} is not a number`);
  return header as unknown as TraceHeader;
}

/**
 * The feed of a recorded run (`podmesh inspect run.jsonl`): the header is
 * checked now, the hello names the trace (mode `replay`, machines from the
 * header), and the page fetches the whole file from `/api/trace` and replays
 * it itself; the feed pushes nothing.
 */
export async function createTraceFeed(path: string): Promise<TraceFeed> {
  const tracePath = resolve(path);
  const header = parseTraceHeader(path, await readFirstLine(tracePath));
  const hello: HelloEvent = { type: 'podmesh.hello', version: INSPECTOR_PROTOCOL_VERSION, mode: 'replay', source: tracePath, machines: header.machines };
  return {
    header,
    tracePath,
    hello: () => hello,
    pods: () => [],
    subscribe: () => () => undefined,
    close: () => undefined,
  };
}
