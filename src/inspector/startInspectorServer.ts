import { createReadStream, existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PodmeshError } from '../core/errors.js';
import type { InspectorEvent } from '../core/inspectorProtocol.js';
import { createBatchBacklog, type BatchBacklog } from './createBatchBacklog.js';
import type { InspectorFeed } from './inspectorFeed.js';

/** Options of {@link startInspectorServer}. */
export interface InspectorServerOptions {
  /** TCP port; 0 (the default) takes any free one. */
  readonly port?: number;
  /** A loopback address (default `127.0.0.1`); nothing else is accepted. */
  readonly host?: string;
  readonly feed: InspectorFeed;
  /** Folder of the built page (index.html, app.js, app.css); default the package's `dist/inspector/page/`. */
  readonly pageDir?: string;
}

/** A running inspector server. */
export interface InspectorServer {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  readonly port: number;
  /** Ends every stream and stops listening (the feed is the caller's to close). */
  close(): Promise<void>;
}

/** Shortest time between two batches written to one page, in ms. */
export const BATCH_INTERVAL_MS = 50;
/** Time between two heartbeat comments on an idle stream, in ms. */
export const HEARTBEAT_MS = 15_000;
/** Decisions one page may have waiting before it is dropped (it reconnects and starts again from the current state). */
export const CLIENT_DECISION_LIMIT = 100_000;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>podmesh inspect</title>
<p>The inspector page is not built: run <code>npm run build</code> and reload.</p>\n`;

/** The built page: `./page/` beside this module in dist/, or dist/inspector/page/ when run from src/. */
export function defaultPageDir(): string {
  const here = fileURLToPath(new URL('./page/', import.meta.url));
  if (existsSync(join(here, 'index.html'))) return here;
  const fromSource = fileURLToPath(new URL('../../dist/inspector/page/', import.meta.url));
  return existsSync(join(fromSource, 'index.html')) ? fromSource : here;
}

/** One page reading `/api/events`. */
interface Client {
  readonly response: ServerResponse;
  readonly backlog: BatchBacklog;
  timer: NodeJS.Timeout | undefined;
  draining: boolean;
  lastWrite: number;
  unsubscribe(): void;
}

const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' } as const;

function answer(response: ServerResponse, status: number, type: string, body: string | Buffer, cache = 'no-store'): void {
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': cache, ...SECURITY_HEADERS });
  response.end(body);
}

const notFound = (response: ServerResponse): void => answer(response, 404, 'text/plain; charset=utf-8', 'not found\n');

/**
 * Serves the inspector page and its feed on a loopback address (node:http only):
 * `GET /` the page, `GET /assets/<file>` its files, `GET /api/hello`,
 * `GET /api/events` (server-sent events: one `data:` line per
 * {@link InspectorBatch}, at most every {@link BATCH_INTERVAL_MS} ms, a
 * heartbeat comment every {@link HEARTBEAT_MS} ms) and, in replay, `GET
 * /api/trace`. Requests whose `Host` is not this server's loopback name are
 * refused (a web page cannot reach it by DNS rebinding). See docs/inspector.md.
 */
export async function startInspectorServer(options: InspectorServerOptions): Promise<InspectorServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw new PodmeshError('invalid-argument', `the inspector binds a loopback address only (127.0.0.1, localhost or ::1), not ${JSON.stringify(host)}`);
  const { feed } = options;
  const pageDir = resolve(options.pageDir ?? defaultPageDir());
  const clients = new Set<Client>();
  let port = 0;

  const flush = (client: Client): void => {
    client.timer = undefined;
    if (client.draining || client.backlog.size() === 0) return;
    const ok = client.response.write(`data: ${JSON.stringify({ events: client.backlog.take() })}\n\n`);
    client.lastWrite = performance.now();
    if (!ok) {
      client.draining = true;
      client.response.once('drain', () => {
        client.draining = false;
        schedule(client);
      });
    }
  };

  const schedule = (client: Client): void => {
    if (client.timer !== undefined || client.draining || client.backlog.size() === 0) return;
    client.timer = setTimeout(() => flush(client), Math.max(0, client.lastWrite + BATCH_INTERVAL_MS - performance.now()));
  };

  const drop = (client: Client): void => {
    if (!clients.delete(client)) return;
    client.unsubscribe();
    clearTimeout(client.timer);
    client.response.destroy();
  };

  const streamEvents = (request: IncomingMessage, response: ServerResponse): void => {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...SECURITY_HEADERS,
    });
    const client: Client = { response, backlog: createBatchBacklog(), timer: undefined, draining: false, lastWrite: performance.now(), unsubscribe: () => undefined };
    clients.add(client);
    // Subscribed first: a feed settles what it holds as it is subscribed, so the state read next is complete.
    client.unsubscribe = feed.subscribe((events) => {
      client.backlog.push(events);
      // A page this far behind is dropped rather than grow without bound; it reconnects to the current state.
      if (client.backlog.decisions() > CLIENT_DECISION_LIMIT) drop(client);
      else schedule(client);
    });
    const first: InspectorEvent[] = [feed.hello(), { type: 'podmesh.pods', at: Date.now(), pods: feed.pods() }, ...(feed.recent?.() ?? [])];
    request.on('close', () => drop(client));
    response.on('error', () => drop(client));
    if (!response.write(`retry: 1000\ndata: ${JSON.stringify({ events: first })}\n\n`)) {
      client.draining = true;
      response.once('drain', () => {
        client.draining = false;
        schedule(client);
      });
    }
  };

  const serveFile = async (response: ServerResponse, name: string, head: boolean): Promise<void> => {
    const type = CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
    let body: Buffer;
    try {
      body = await readFile(join(pageDir, name));
    } catch {
      if (name === 'index.html') answer(response, 200, CONTENT_TYPES['.html']!, NOT_BUILT);
      else notFound(response);
      return;
    }
    // Revalidated on every load: a rebuilt page is never shadowed by a cached one.
    if (head) {
      response.writeHead(200, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-cache', ...SECURITY_HEADERS });
      response.end();
    } else answer(response, 200, type, body, 'no-cache');
  };

  const serveTrace = async (response: ServerResponse): Promise<void> => {
    const path = feed.tracePath;
    if (path === undefined) return notFound(response);
    const size = (await stat(path)).size;
    response.writeHead(200, { 'content-type': 'application/x-ndjson', 'content-length': size, 'cache-control': 'no-store', ...SECURITY_HEADERS });
    createReadStream(path).on('error', () => response.destroy()).pipe(response);
  };

  const allowedHost = (value: string | undefined): boolean =>
    value !== undefined && [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${host}:${port}`].includes(value.toLowerCase());

  const server = createServer((request, response) => {
    response.on('error', () => undefined);
    const method = request.method ?? 'GET';
    if (!allowedHost(request.headers.host)) return answer(response, 403, 'text/plain; charset=utf-8', 'the inspector answers only to its loopback address\n');
    if (method !== 'GET' && method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      return answer(response, 405, 'text/plain; charset=utf-8', 'only GET and HEAD\n');
    }
    const path = (request.url ?? '/').split('?')[0]!;
    const fail = (): void => {
      if (!response.headersSent) answer(response, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else response.destroy();
    };
    if (path === '/' || path === '/index.html') return void serveFile(response, 'index.html', method === 'HEAD').catch(fail);
    if (path.startsWith('/assets/')) {
      const name = path.slice('/assets/'.length);
      // Plain names only: no folder, no `..`, no encoded separators.
      if (!PLAIN_NAME.test(name) || name.includes('..')) return notFound(response);
      return void serveFile(response, name, method === 'HEAD').catch(fail);
    }
    if (path === '/api/hello') return answer(response, 200, 'application/json; charset=utf-8', JSON.stringify(feed.hello()));
    if (path === '/api/events') return streamEvents(request, response);
    if (path === '/api/trace') return void serveTrace(response).catch(fail);
    notFound(response);
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  const address = server.address();
  port = typeof address === 'object' && address !== null ? address.port : 0;
  const heartbeat = setInterval(() => {
    for (const client of clients) if (!client.draining) client.response.write(': heartbeat\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();
  const shownHost = host === '::1' ? '[::1]' : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    close() {
      closing ??= new Promise<void>((resolvePromise) => {
        clearInterval(heartbeat);
        for (const client of [...clients]) drop(client);
        server.close(() => resolvePromise());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
