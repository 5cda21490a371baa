import type { Socket } from 'node:net';
import { errorLine } from '../../core/text.js';
import { failureCode, type AnswerPodRequest } from '../runtime/createPodRequestAnswerer.js';
import { exceedsBytes } from '../../core/exceedsBytes.js';
import {
  createLineReader,
  isResponse,
  MAX_REQUEST_LINE_BYTES,
  MAX_RESPONSE_LINE_BYTES,
  parseRequest,
  requestIdOfLineStart,
  type PodResponse,
} from './podProtocol.js';

/** What one client may cost a pod (docs/protocol.md, Backpressure). */
export interface ConnectionLimits {
  /** Unsent output (bytes) above which the pod reads no more of the client's requests until it has drained. */
  readonly highWaterBytes: number;
  /** Most unsent output a client may leave: a line that would go past it drops the client (one larger line into an empty queue is sent). */
  readonly maxUnsentBytes: number;
  /** A client whose unsent output is over the high-water mark and has not shrunk for this long (ms) is dropped. */
  readonly stallMs: number;
  /** Requests answered with a promise (tools, say) in progress at once; more wait unread. */
  readonly maxInFlight: number;
  /** Characters of the requests in progress at once (one request always goes). */
  readonly maxInFlightChars: number;
}

/** The limits of every connection unless a test gives others. */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = Object.freeze({
  highWaterBytes: 1024 * 1024,
  maxUnsentBytes: MAX_RESPONSE_LINE_BYTES,
  stallMs: 10_000,
  maxInFlight: 256,
  maxInFlightChars: 4 * 1024 * 1024,
});

/** One client of a pod. */
export interface PodConnection {
  /** Sends a line (a snapshot, say) within the connection's limits: a client past them is dropped. */
  send(line: string): void;
}

/** A line waiting to be answered, or the start of a line too long to be one. */
type Work = string | { readonly head: Buffer };

const errorResponse = (id: number | string | null, code: string, message: string): PodResponse => ({ id, ok: false, error: { code, message } });

/** An answer as one line; an answer that cannot be encoded or is too long becomes an `internal-error` line with its id. */
function encodeAnswer(response: PodResponse): string {
  let line: string;
  try {
    line = `${JSON.stringify(response)}\n`;
  } catch (error) {
    return `${JSON.stringify(errorResponse(response.id, 'internal-error', `the answer could not be encoded: ${errorLine(error)}`))}\n`;
  }
  if (exceedsBytes(line, MAX_RESPONSE_LINE_BYTES + 1)) {
    return `${JSON.stringify(errorResponse(response.id, 'internal-error', `the answer is longer than a response line may be (${MAX_RESPONSE_LINE_BYTES} bytes)`))}\n`;
  }
  return line;
}

/**
 * Serves one client socket of a pod: reads request lines, answers each with
 * exactly one line, and keeps what the client costs bounded. Requests are
 * read only while the client takes its answers: over `highWaterBytes` of
 * unsent output (or `maxInFlight` requests in progress) the socket is paused
 * and the lines already read wait; on `drain` reading resumes. A client that
 * stalls (`stallMs`) or would leave more than `maxUnsentBytes` unsent is
 * destroyed. No request, answer or failure to encode one throws out of here.
 */
export function servePodConnection(socket: Socket, answer: AnswerPodRequest, limits: ConnectionLimits = DEFAULT_CONNECTION_LIMITS): PodConnection {
  let queue: (Work | undefined)[] = [];
  let next = 0;
  let inFlight = 0;
  let inFlightChars = 0;
  let waitingForDrain = false;
  let readingPaused = false;
  let stallTimer: NodeJS.Timeout | undefined;
  let unsentAtCheck = 0;

  const blocked = (): boolean => waitingForDrain || inFlight >= limits.maxInFlight || (inFlight > 0 && inFlightChars >= limits.maxInFlightChars);

  const checkStall = (): void => {
    stallTimer = undefined;
    if (socket.destroyed || !waitingForDrain) return;
    const unsent = socket.writableLength;
    if (unsent >= unsentAtCheck) {
      socket.destroy();
      return;
    }
    unsentAtCheck = unsent;
    stallTimer = setTimeout(checkStall, limits.stallMs);
  };

  const send = (line: string): void => {
    if (socket.destroyed) return;
    const unsent = socket.writableLength;
    // The usual case is an empty queue: then nothing is measured.
    if (unsent > 0 && (unsent >= limits.maxUnsentBytes || exceedsBytes(line, limits.maxUnsentBytes - unsent))) {
      socket.destroy();
      return;
    }
    socket.write(line);
    if (!waitingForDrain && socket.writableLength > limits.highWaterBytes) {
      waitingForDrain = true;
      pauseReading();
      unsentAtCheck = socket.writableLength;
      stallTimer = setTimeout(checkStall, limits.stallMs);
    }
  };

  const pauseReading = (): void => {
    if (readingPaused) return;
    readingPaused = true;
    socket.pause();
  };

  const settle = (response: PodResponse, chars: number): void => {
    inFlight -= 1;
    inFlightChars -= chars;
    try {
      send(encodeAnswer(response));
      pump();
    } catch {
      socket.destroy(); // never an unhandled rejection: a pod outlives any one client
    }
  };

  const work = (item: Work): void => {
    try {
      answerWork(item);
    } catch (error) {
      // Not reached by any request we know of; still an answer, never an exception out of a socket event.
      send(encodeAnswer(errorResponse(null, 'internal-error', errorLine(error))));
    }
  };

  const answerWork = (item: Work): void => {
    if (typeof item !== 'string') {
      const message = `a request line is limited to ${MAX_REQUEST_LINE_BYTES} bytes`;
      send(encodeAnswer(errorResponse(requestIdOfLineStart(item.head), 'line-too-long', message)));
      return;
    }
    const request = parseRequest(item);
    if (isResponse(request)) return send(encodeAnswer(request));
    const { id } = request;
    let answered: PodResponse | Promise<PodResponse>;
    try {
      answered = answer(request);
    } catch (error) {
      return send(encodeAnswer(errorResponse(id, failureCode(error), errorLine(error))));
    }
    if (!(answered instanceof Promise)) return send(encodeAnswer(answered));
    inFlight += 1;
    inFlightChars += item.length;
    answered.then(
      (response) => settle(response, item.length),
      (error: unknown) => settle(errorResponse(id, failureCode(error), errorLine(error)), item.length),
    );
  };

  /** Works off the lines read while blocked, then reads on. */
  const pump = (): void => {
    while (next < queue.length && !blocked()) {
      const item = queue[next]!;
      queue[next++] = undefined;
      work(item);
    }
    if (next < queue.length) return;
    queue = [];
    next = 0;
    if (readingPaused && !blocked() && !socket.destroyed) {
      readingPaused = false;
      socket.resume();
    }
  };

  const take = (item: Work): void => {
    if (next < queue.length || blocked()) {
      // Only the rest of the chunk being read lands here: reading is paused.
      queue.push(item);
      pauseReading();
      return;
    }
    work(item);
  };

  socket.on('drain', () => {
    if (!waitingForDrain) return;
    waitingForDrain = false;
    clearTimeout(stallTimer);
    stallTimer = undefined;
    pump();
  });
  socket.on('close', () => {
    clearTimeout(stallTimer);
    stallTimer = undefined;
    queue = [];
    next = 0;
  });
  socket.on('data', createLineReader(MAX_REQUEST_LINE_BYTES, take, (head) => take({ head })));
  return { send };
}
