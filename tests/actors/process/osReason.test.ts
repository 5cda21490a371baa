import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocketTransport, osReason } from '../../../src/actors/process/createSocketTransport.js';

const reasons = suite<{ root: string }>('probe reasons: one code each', { root: '' });

reasons.before.each(async (context) => {
  context.root = await mkdtemp(join(tmpdir(), 'podmesh-why-'));
});
reasons.after.each(async ({ root }) => {
  await rm(root, { recursive: true, force: true });
});

const systemError = (code: string, message: string): Error => Object.assign(new Error(message), { code });

reasons('should prefix the code only to a message that does not hold it', () => {
  assert.is(osReason(systemError('ECONNREFUSED', 'connect ECONNREFUSED /run/yoi/sock')), 'connect ECONNREFUSED /run/yoi/sock');
  assert.is(osReason(systemError('ENOTDIR', "ENOTDIR: not a directory, stat '/run/yoi/sock'")), "ENOTDIR: not a directory, stat '/run/yoi/sock'");
  assert.is(osReason(systemError('EACCES', 'permission denied')), 'EACCES: permission denied');
  assert.is(osReason(new Error('no code here')), 'no code here');
});

reasons('should name ECONNREFUSED once when a socket refuses', async ({ root }) => {
  // A regular file where the socket should be refuses the connection as a crashed pod's socket does.
  await mkdir(join(root, 'yoi'));
  await writeFile(join(root, 'yoi', 'sock'), '');
  const transport = createSocketTransport({ runtimeDir: root });
  try {
    const live = await transport.probe('yoi');
    assert.is(live?.status, 'unreachable');
    assert.match(live?.reason ?? '', /ECONNREFUSED/);
    assert.is((live?.reason ?? '').split('ECONNREFUSED').length - 1, 1, `one ECONNREFUSED in ${live?.reason}`);
  } finally {
    transport.close();
  }
});

reasons('should name ENOTDIR once when a file stands where the pod folder should be', async ({ root }) => {
  await writeFile(join(root, 'yoi'), '');
  const transport = createSocketTransport({ runtimeDir: root });
  try {
    const live = await transport.probe('yoi');
    assert.is(live?.status, 'unreachable');
    assert.match(live?.reason ?? '', /^ENOTDIR: not a directory/);
    assert.is((live?.reason ?? '').split('ENOTDIR').length - 1, 1, `one ENOTDIR in ${live?.reason}`);
  } finally {
    transport.close();
  }
});

reasons.run();
