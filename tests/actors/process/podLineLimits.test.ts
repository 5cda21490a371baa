import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocketTransport, RequestTooLongError, type SocketTransport } from '../../../src/actors/process/createSocketTransport.js';
import { MAX_REQUEST_LINE_BYTES, requestIdOfLineStart } from '../../../src/actors/process/podProtocol.js';
import { createSandbox, type Sandbox } from '../../support/podProcess.js';
import { startInProcessPod, type InProcessPod } from '../../support/inProcessPod.js';
import { connectRawClient, type RawPodClient } from '../../support/rawPodClient.js';

interface Context {
  sandbox?: Sandbox;
  pod?: InProcessPod;
  clients: RawPodClient[];
  transport?: SocketTransport;
}

const lineLimits = suite<Context>("the sender's and the pod's line limits", { clients: [] });

lineLimits.before.each((context) => {
  context.clients = [];
});

lineLimits.after.each(async (context) => {
  for (const client of context.clients) client.close();
  context.transport?.close();
  context.transport = undefined;
  await context.pod?.stop();
  context.pod = undefined;
  await context.sandbox?.cleanup();
  context.sandbox = undefined;
});

lineLimits('should fail at once a weak notify under 1 MiB whose escaped line is over the pod limit, naming the limit', async (context) => {
  const s = (context.sandbox = await createSandbox());
  const pod = await s.startPod('yoi', ['--role', 'companion', '--quiet']);
  const { runtime } = s.openRuntime();
  await runtime.store.write({ name: 'yoi-orchestrator', role: 'orchestrator', peers: [], spawnedChildren: [] });
  await runtime.discovery('yoi-orchestrator').registerPeer('yoi');
  const notify = (message: string) => runtime.discovery('yoi-orchestrator').sendWeakNotifyToLivePeer('yoi', message);
  assert.equal(await notify('warm-up: the connection is open'), { type: 'delivered' });

  // Each of these is 1 byte of the message and 2 or 6 bytes of JSON.
  for (const char of ['"', '\n', '\u0001']) {
    const message = char.repeat(MAX_REQUEST_LINE_BYTES - 1024);
    const started = performance.now();
    const outcome = await notify(message);
    const ms = performance.now() - started;
    assert.is(outcome.type, 'send-failed', JSON.stringify(char));
    assert.match(outcome.type === 'send-failed' ? outcome.error : '', String(MAX_REQUEST_LINE_BYTES));
    assert.ok(ms < 1_000, `${JSON.stringify(char)}: failed after ${Math.round(ms)} ms (the acknowledgement timeout is 5,000)`);
  }
  // Nothing half-sent: the connection still carries the next notice.
  assert.equal(await notify('after'), { type: 'delivered' });
  assert.ok(pod.isRunning());
});

lineLimits('should reject a request whose line is over the limit with a typed error before writing it', async (context) => {
  context.pod = await startInProcessPod();
  const transport = (context.transport = createSocketTransport({ runtimeDir: context.pod.runtimeDir }));
  const error = await transport.request('yoi', 'notify', { message: '\\'.repeat(MAX_REQUEST_LINE_BYTES / 2) }).catch((caught: unknown) => caught);
  assert.instance(error, RequestTooLongError);
  assert.is((error as RequestTooLongError).reason, 'line-too-long');
  assert.is((error as RequestTooLongError).code, 'request-rejected');
  assert.is(context.pod.runtime.pod('yoi')!.pendingNotices().length, 0);
  // Exactly at the limit still goes (the newline is not counted).
  const base = Buffer.byteLength(JSON.stringify({ id: 2, method: 'notify', params: { message: '' } }));
  assert.equal(await transport.request('yoi', 'notify', { message: 'm'.repeat(MAX_REQUEST_LINE_BYTES - base) }), { accepted: true, pending: 1 });
});

lineLimits('should name the request in a line-too-long answer when the line starts with its id', async (context) => {
  context.pod = await startInProcessPod();
  const client = await connectRawClient(context.pod.socketPath);
  context.clients.push(client);
  await client.next();
  const tail = 'x'.repeat(MAX_REQUEST_LINE_BYTES + 10);
  const cases: [string, unknown][] = [
    [`{"id":41,"method":"notify","params":{"message":"${tail}"}}\n`, 41],
    [`{"id":"req-\\"7\\"","method":"ping","params":{"pad":"${tail}"}}\n`, 'req-"7"'],
    [` { "id" : -3.5e2 , "method":"ping","pad":"${tail}"}\n`, -350],
    // No id first, an id too long, or not JSON at all: id null, as before.
    [`{"method":"ping","id":9,"pad":"${tail}"}\n`, null],
    [`{"id":"${'i'.repeat(201)}","pad":"${tail}"}\n`, null],
    [`${tail}\n`, null],
  ];
  for (const [line, id] of cases) {
    client.send(line);
    const answer = (await client.nextAnswer()).value;
    assert.is(answer.error?.code, 'line-too-long');
    assert.is(answer.id, id);
  }
  client.send('{"id":"next","method":"ping"}\n');
  assert.is((await client.nextAnswer()).value.id, 'next');
});

lineLimits('should read an id off a line start without parsing the rest', () => {
  assert.is(requestIdOfLineStart('{"id":7,"method":"ping"}'), 7);
  assert.is(requestIdOfLineStart('{"id":"a\\u0062c"}'), 'abc');
  assert.is(requestIdOfLineStart('{"id":7'), null, 'an id must be followed by , or }');
  assert.is(requestIdOfLineStart('{"id":1e999,'), null, 'not a finite number');
  assert.is(requestIdOfLineStart('{"id":{"a":1},'), null);
  assert.is(requestIdOfLineStart('{"id":"bad\u0001","x":1}'), null, 'a raw control character is not JSON');
  assert.is(requestIdOfLineStart(Buffer.from('{"id":"日本","x":')), '日本');
});

lineLimits.run();
