import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { INSPECTOR_PROTOCOL_VERSION, type InspectorEvent, type PodView } from '../../src/core/inspectorProtocol.js';
import { startInspectorServer, type InspectorFeed, type InspectorServer } from '../../src/inspector/index.js';
import { readEventStream } from './readEventStream.js';

const test = suite('startInspectorServer');

const pod = (name: string, queued: number): PodView => ({
  name, role: null, workspace: null, status: 'live', activity: 'idle', pid: null, queued, dropped: 0, turns: 0, peers: [], spawnedChildren: [], reason: null,
});

/** A feed a test pushes by hand: the seam the server reads. */
function handFeed(tracePath?: string): InspectorFeed & { push(events: InspectorEvent[]): void; subscribers(): number } {
  const listeners = new Set<(events: InspectorEvent[]) => void>();
  return {
    hello: () => ({ type: 'podmesh.hello', version: INSPECTOR_PROTOCOL_VERSION, mode: 'runtime', source: 'test', machines: {} }),
    pods: () => [pod('a', 0)],
    ...(tracePath === undefined ? {} : { tracePath }),
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    push: (events) => listeners.forEach((listener) => listener(events)),
    subscribers: () => listeners.size,
    close: () => undefined,
  };
}

/** A raw GET with the request path and Host header exactly as given (fetch would normalise `..`). */
function rawGet(port: number, path: string, host = `127.0.0.1:${port}`): Promise<{ status: number; type: string | undefined; body: string; cache: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body, cache: res.headers['cache-control'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

let root = '';
let pageDir = '';
test.before(async () => {
  root = await mkdtemp(join(tmpdir(), 'podmesh-inspector-'));
  pageDir = join(root, 'page');
  await mkdir(pageDir);
  await writeFile(join(pageDir, 'index.html'), '<!doctype html><title>page</title>');
  await writeFile(join(pageDir, 'app.js'), 'console.log(1)');
  await writeFile(join(pageDir, 'app.css'), 'body{}');
  await writeFile(join(root, 'secret.txt'), 'secret');
});
test.after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function withServer(fn: (server: InspectorServer, feed: ReturnType<typeof handFeed>) => Promise<void>, tracePath?: string): Promise<void> {
  const feed = handFeed(tracePath);
  const server = await startInspectorServer({ feed, pageDir });
  try {
    await fn(server, feed);
  } finally {
    await server.close();
  }
}

test('should serve the page and its assets with their content types, revalidated on every load', () =>
  withServer(async (server) => {
    const index = await rawGet(server.port, '/');
    assert.is(index.status, 200);
    assert.is(index.type, 'text/html; charset=utf-8');
    assert.is(index.body, '<!doctype html><title>page</title>');
    assert.is(index.cache, 'no-cache');
    assert.is((await rawGet(server.port, '/assets/app.js')).type, 'text/javascript; charset=utf-8');
    assert.is((await rawGet(server.port, '/assets/app.css')).type, 'text/css; charset=utf-8');
    assert.is((await rawGet(server.port, '/assets/missing.js')).status, 404);
    const hello = await rawGet(server.port, '/api/hello');
    assert.is(hello.type, 'application/json; charset=utf-8');
    assert.is(JSON.parse(hello.body).type, 'podmesh.hello');
    assert.is((await rawGet(server.port, '/api/trace')).status, 404, 'no trace outside replay');
  }));

test('should refuse paths that leave the page folder, however they are spelt', () =>
  withServer(async (server) => {
    for (const path of ['/assets/../secret.txt', '/assets/..%2Fsecret.txt', '/assets/%2e%2e/secret.txt', '/assets/../../etc/passwd', '/assets/sub/app.js', '/assets/.hidden', '/../secret.txt', '/assets/..']) {
      const answer = await rawGet(server.port, path);
      assert.is(answer.status, 404, `${path} is refused`);
      assert.not.ok(answer.body.includes('secret'), `${path} shows nothing of the folder above`);
    }
  }));

test('should bind 127.0.0.1 only, refuse another Host, and refuse a non-loopback address', async () => {
  await withServer(async (server) => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:/);
    const outside = Object.values(networkInterfaces()).flat().find((a) => a !== undefined && a.family === 'IPv4' && !a.internal);
    if (outside !== undefined) {
      const refused = await new Promise<boolean>((resolve) => {
        const socket = connect(server.port, outside.address);
        socket.once('connect', () => (socket.destroy(), resolve(false)));
        socket.once('error', () => resolve(true));
      });
      assert.ok(refused, `nothing listens on ${outside.address}:${server.port}`);
    }
    const rebound = await rawGet(server.port, '/api/hello', `evil.example:${server.port}`);
    assert.is(rebound.status, 403, 'a DNS-rebound Host is refused');
    assert.is((await rawGet(server.port, '/', `localhost:${server.port}`)).status, 200);
  });
  try {
    await startInspectorServer({ feed: handFeed(), host: '0.0.0.0', pageDir });
    assert.unreachable('0.0.0.0 must be refused');
  } catch (error) {
    assert.is((error as { code?: string }).code, 'invalid-argument');
  }
});

test('should answer a plain page saying how to build it when the page folder is missing', async () => {
  const server = await startInspectorServer({ feed: handFeed(), pageDir: join(root, 'nothing-here') });
  try {
    const index = await rawGet(server.port, '/');
    assert.is(index.status, 200);
    assert.match(index.body, /npm run build/);
  } finally {
    await server.close();
  }
});

test('should batch what the feed pushes, at most every 50 ms, coalescing pod rows but keeping every decision', () =>
  withServer(async (server, feed) => {
    const stream = await readEventStream(`${server.url}api/events`);
    try {
      await stream.waitFor((e) => e.type === 'podmesh.pods');
      const started = performance.now();
      for (let i = 1; i <= 200; i += 1) {
        feed.push([{ type: 'podmesh.pod', at: i, pod: pod('a', i) }]);
        feed.push([{ type: 'podmesh.decision', at: i, self: 'a', peer: 'b', autoRun: false, state: 'delivered', outcome: 'delivered', path: ['delivered'], facts: {} }]);
      }
      await stream.waitFor((e) => e.type === 'podmesh.pod' && e.pod.queued === 200);
      await new Promise((resolve) => setTimeout(resolve, 120));
      const later = stream.batches.slice(1);
      assert.ok(later.length <= 1 + Math.ceil((performance.now() - started) / 50), `${later.length} batches in ${Math.round(performance.now() - started)} ms`);
      assert.is(stream.events.filter((e) => e.type === 'podmesh.decision').length, 200, 'every decision arrived');
      assert.ok(stream.events.filter((e) => e.type === 'podmesh.pod').length < 200, 'pod rows were coalesced');
      await stream.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.is(feed.subscribers(), 0, 'a page that left is unsubscribed');
      feed.push([{ type: 'podmesh.pod', at: 0, pod: pod('a', 0) }]);
    } finally {
      await stream.close();
    }
  }));

test('should serve the trace file of a replay as JSON lines', async () => {
  const tracePath = join(root, 'run.jsonl');
  await writeFile(tracePath, '{"format":"podmesh-trace"}\n{"step":0}\n');
  await withServer(async (server) => {
    const trace = await rawGet(server.port, '/api/trace');
    assert.is(trace.status, 200);
    assert.is(trace.type, 'application/x-ndjson');
    assert.is(trace.body, '{"format":"podmesh-trace"}\n{"step":0}\n');
  }, tracePath);
});

test.run();
