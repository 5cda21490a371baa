/**
 * Reads a recorded trace (JSON lines: a TraceHeader, then TraceSteps) as it
 * downloads, one line at a time, handing each step over as soon as it is
 * parsed. A 100,000-pod trace's first step is one long line: the chunks of
 * an unfinished line are kept in a list and joined once, so reading stays
 * linear. After step 0 it waits a frame, so the page draws the pods before
 * the rest is parsed, and later it yields every ~30 ms to stay responsive.
 */
import { INSPECTOR_PROTOCOL_VERSION, TRACE_FORMAT, type TraceHeader, type TraceStep } from '../../core/inspectorProtocol.js';

/** What the loader reports. */
export interface TraceSink {
  header(header: TraceHeader): void;
  step(step: TraceStep): void;
  /** Bytes read so far. */
  progress(bytes: number): void;
}

const frame = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

/** Loads the trace at `url` into `sink`; resolves with the count of steps, rejects on a malformed trace. */
export async function loadTrace(url: string, sink: TraceSink): Promise<number> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`GET ${url}: ${response.status} ${response.statusText}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let pending: string[] = [];
  let lineNo = 0;
  let steps = 0;
  let bytes = 0;
  let lastYield = performance.now();

  const handle = async (line: string): Promise<void> => {
    lineNo += 1;
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new Error(`trace line ${lineNo} is not JSON`);
    }
    if (lineNo === 1) {
      const header = parsed as TraceHeader;
      if (header.format !== TRACE_FORMAT) throw new Error(`not a podmesh trace (format ${JSON.stringify(header.format)})`);
      if (header.version > INSPECTOR_PROTOCOL_VERSION) throw new Error(`trace version ${header.version} is newer than this page reads (${INSPECTOR_PROTOCOL_VERSION})`);
      sink.header(header);
      return;
    }
    sink.step(parsed as TraceStep);
    steps += 1;
    if (steps === 1) performance.mark('podmesh:trace-step0');
    if (steps === 1 || performance.now() - lastYield > 30) {
      await frame();
      lastYield = performance.now();
    }
  };

  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    const text = decoder.decode(value, { stream: true });
    let from = 0;
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', from)) {
      pending.push(text.slice(from, at));
      const line = pending.length === 1 ? pending[0]! : pending.join('');
      pending = [];
      from = at + 1;
      await handle(line);
    }
    if (from < text.length) pending.push(text.slice(from));
    sink.progress(bytes);
  }
  const rest = pending.join('') + decoder.decode();
  if (rest.trim() !== '') await handle(rest);
  if (lineNo === 0) throw new Error('the trace is empty');
  return steps;
}
