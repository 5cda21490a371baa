import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createFsPodStore } from '../../src/actors/stores/createFsPodStore.js';
import { main, podmeshVersion } from '../../src/cli/main.js';
import { captureIo } from '../support/captureIo.js';

const cli = suite('podmesh CLI conventions (in process)');
let root = '';
let home = '';
let env: NodeJS.ProcessEnv = {};
cli.before(async () => {
  root = await mkdtemp(join(tmpdir(), 'podmesh-conv-'));
  home = join(root, 'home');
  env = { PATH: process.env.PATH, PODMESH_HOME: home, PODMESH_RUNTIME_DIR: join(root, 'run') };
  const store = createFsPodStore(join(home, 'pods'));
  await store.write({ name: 'yoi', role: 'companion', workspaceRoot: '/w/yoi', peers: [], spawnedChildren: [] });
  await store.write({ name: 'coder', role: 'coder', peers: [], spawnedChildren: [] });
});
cli.after(() => rm(root, { recursive: true, force: true }));

async function run(args: string[], options: Parameters<typeof captureIo>[0] = {}) {
  const io = captureIo({ env, ...options });
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderrText };
}

cli('should print the version and a help that names every command once', async () => {
  const version = await run(['--version']);
  assert.is(version.code, 0);
  assert.is(version.stdout, `${podmeshVersion()}\n`);
  const help = await run(['--help']);
  assert.is(help.code, 0);
  for (const command of ['ps', 'pod', 'peer', 'notify', 'orchestrator', 'ticket', 'simulate', 'completion']) assert.match(help.stdout, new RegExp(`\\n  ${command} `));
  assert.not.match(help.stdout, /orchestratorrun/);
  assert.match(help.stdout, /exit status: 0 ok, 1 failed/);
});

cli("should give each subcommand its own help, not its group's", async () => {
  const start = await run(['pod', 'start', '--help']);
  assert.is(start.code, 0);
  assert.match(start.stdout, /Usage: podmesh pod start \[options\] <name>/);
  assert.match(start.stdout, /--parent <pod>/);
  assert.not.match(start.stdout, /--discard-notices/, 'rm has that option, start does not');
  const rm = await run(['pod', 'rm', '-h']);
  assert.match(rm.stdout, /--discard-notices/);
});

cli('should suggest the command meant, as one line with exit 2', async () => {
  for (const [args, pattern] of [
    [['pdo', 'ls'], /^podmesh: unknown command 'pdo' \(did you mean pod\?\) \(try --help\)\n$/],
    [['tikcet'], /unknown command 'tikcet' \(did you mean ticket\?\)/],
    [['pod', 'lss'], /unknown command 'lss' \(did you mean ls\?\)/],
    [['pod', 'start', 'x', '--rol', 'c'], /unknown option '--rol' \(did you mean --role\?\)/],
  ] as const) {
    const result = await run([...args]);
    assert.is(result.code, 2, args.join(' '));
    assert.match(result.stderr, pattern);
    assert.is(result.stdout, '');
  }
});

cli("should never show Node's own parser messages", async () => {
  const result = await run(['notify', '--as', 'yoi', '-x']);
  assert.is(result.code, 2);
  assert.not.match(result.stderr, /To specify a positional argument/);
  assert.match(result.stderr, /unknown option '-x'/);
});

cli('should take global flags before or after the command', async () => {
  const before = await run(['--home', join(root, 'nowhere'), 'ps']);
  const after = await run(['ps', '--home', join(root, 'nowhere')]);
  for (const result of [before, after]) {
    assert.is(result.code, 2);
    assert.match(result.stderr, /--home .*nowhere does not exist/);
  }
  const json = await run(['--json', 'ps']);
  assert.is(json.code, 0);
  assert.equal(JSON.parse(json.stdout).pods.map((p: { name: string }) => p.name), ['coder', 'yoi']);
});

cli('should name the server and the flag when --nats cannot connect', async () => {
  const result = await run(['ps', '--nats', 'nats://127.0.0.1:1']);
  assert.is(result.code, 1);
  assert.match(result.stderr, /^podmesh: --nats nats:\/\/127\.0\.0\.1:1: cannot use this NATS server \(.*refused.*\)\n$/);
});

cli('should refuse a home that is a file, with one line', async () => {
  const file = join(root, 'a-file');
  await writeFile(file, 'x');
  const result = await run(['ps', '--home', file]);
  assert.is(result.code, 2);
  assert.is(result.stderr, `podmesh: --home ${file} is not a folder\n`);
  const below = await run(['pod', 'start', 'z', '--home', join(file, 'sub')]);
  assert.is(below.code, 2);
  assert.match(below.stderr, /lies under .*a-file, which is not a folder/);
});

cli('should answer errors under --json as a JSON object on stdout', async () => {
  for (const args of [['--json', 'pdo'], ['pod', 'state', 'yoii', '--json'], ['pod', 'ls', '--as', 'nobody', '--json'], ['--json'], ['pod', '--json'], ['pod', 'start', '--json']]) {
    const result = await run(args);
    assert.ok(result.code !== 0, args.join(' '));
    const error = JSON.parse(result.stdout) as { ok: boolean; code: string; message: string };
    assert.is(error.ok, false);
    assert.type(error.code, 'string');
    assert.type(error.message, 'string');
    assert.is(result.stderr, '');
  }
});

cli('should say that a mistyped pod does not exist, with the name meant', async () => {
  const state = await run(['pod', 'state', 'yoii']);
  assert.is(state.code, 1);
  assert.is(state.stderr, `podmesh: no pod named yoii in ${home} (did you mean yoi?)\n`);
  const ls = await run(['pod', 'ls', '--as', 'nobody']);
  assert.is(ls.code, 1);
  assert.match(ls.stderr, /no pod named nobody/);
  const stopped = await run(['pod', 'state', 'coder']);
  assert.is(stopped.code, 1);
  assert.match(stopped.stderr, /pod coder is stopped; start it with podmesh pod start coder/);
});

cli('should colour statuses only on a terminal, never with NO_COLOR or --json', async () => {
  const tty = await run(['ps'], { tty: true });
  assert.match(tty.stdout, /\x1b\[/);
  assert.match(tty.stdout, /NAME +ROLE +WORKSPACE +STATUS/);
  const piped = await run(['ps']);
  assert.not.match(piped.stdout, /\x1b\[/);
  const noColor = await run(['ps'], { tty: true, env: { ...env, NO_COLOR: '1' } });
  assert.not.match(noColor.stdout, /\x1b\[/);
  const flag = await run(['ps', '--no-color'], { tty: true });
  assert.not.match(flag.stdout, /\x1b\[/);
  const json = await run(['ps', '--json'], { tty: true });
  assert.not.match(json.stdout, /\x1b\[/);
  // The colour codes do not move the columns.
  const strip = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');
  assert.is(strip(tty.stdout), piped.stdout);
});

cli('should complete commands, options and pod names in bash', async () => {
  const script = await run(['completion', 'bash']);
  assert.is(script.code, 0);
  const complete = (words: string[]): string[] => {
    const line = `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _podmesh_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const out = execFileSync('bash', ['-c', `${script.stdout}\n${line}`], { env: { PATH: process.env.PATH, HOME: root, PODMESH_HOME: home }, encoding: 'utf8' });
    return out.split('\n').filter((w) => w !== '').sort();
  };
  assert.equal(complete(['podmesh', 'pod', 'st']), ['start', 'state', 'stop']);
  assert.equal(complete(['podmesh', 'ti']), ['ticket']);
  assert.ok(complete(['podmesh', 'pod', 'rm', '--']).includes('--discard-notices'));
  assert.equal(complete(['podmesh', 'pod', 'show', 'y']), ['yoi'], 'pod names from the home');
  assert.equal(complete(['podmesh', '--json', 'pod', 'stop', '--f']), ['--force'], 'global flags before the command are skipped');
  const zsh = await run(['completion', 'zsh']);
  assert.match(zsh.stdout, /^autoload -U \+X bashcompinit && bashcompinit\n/);
  const bad = await run(['completion', 'fish']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /Allowed choices are bash, zsh/);
});

cli.run();
