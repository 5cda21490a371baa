import { Argument, Command, Option } from 'commander';
import type { CliContext, GlobalOptions } from './cliContext.js';
import { cliContext } from './cliContext.js';
import type { CliIo } from './cliIo.js';

/** What an action runs: a command module, imported only then (`podmesh --help` starts without xstate or the runtime). */
type Run = (context: CliContext) => Promise<number>;

/** The footer of the top-level help: exit codes and where global options go. */
export const EXIT_CODES_HELP = `
exit status: 0 ok, 1 failed (the message says why), 2 bad usage.
Global options (--home, --runtime-dir, --json, --no-color) go anywhere on the line.`;

const HOME_HELP = 'durable state: pods/, tickets/, notices/, logs/ (env PODMESH_HOME, default ~/.podmesh)';
const RUNTIME_HELP = 'sockets and pid files (env PODMESH_RUNTIME_DIR, default $XDG_RUNTIME_DIR/podmesh, else <home>/run)';

/** The podmesh command tree and the exit code its action came to. */
export interface CliProgram {
  readonly program: Command;
  exitCode(): number;
}

/**
 * Builds the command tree of one CLI run (commander keeps parsed values on
 * its objects, so every run builds its own). Each action loads its module and
 * records the exit code it resolves to.
 */
export function buildProgram(io: CliIo, version: string, { json = false }: { readonly json?: boolean } = {}): CliProgram {
  let code = 0;
  const program = new Command('podmesh');
  program
    .description('podmesh — pods of agents on xstate: start, watch, notify and stop them; run tickets; simulate.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'this help')
    .option('--home <dir>', HOME_HELP)
    .option('--runtime-dir <dir>', RUNTIME_HELP)
    .option('--json', 'machine-readable output: one JSON object (errors too, on stdout)')
    .option('--nats <url>', 'pods and their records on a NATS server instead of this home (env PODMESH_NATS; docs/nats.md)')
    .option('--no-color', 'no colour (also off with NO_COLOR, --json, or when stdout is not a terminal)')
    .helpCommand('help [command]', 'help of a command (as podmesh <command> --help)')
    .showSuggestionAfterError(true)
    .showHelpAfterError(false)
    // Under --json the error object on stdout is all there is: commander's own stderr (a group's help) is dropped.
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => (json ? undefined : io.err(text)), outputError: () => undefined })
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride();

  /** An action: the context from the global options wherever they were written, then the module's function. */
  const act =
    (run: (...args: unknown[]) => Run) =>
    async (...args: unknown[]): Promise<void> => {
      const command = args.at(-1) as Command;
      const context = cliContext(io, command.optsWithGlobals<GlobalOptions>());
      code = await run(...args.slice(0, -1))(context);
    };

  const host = (command: Command): Command =>
    command
      .option('-d, --detach', 'run in the background; output goes to <home>/logs/<name>.log (podmesh pod logs)')
      .option('--buffer-size <n>', "notices the pod's buffer holds (default 128; the oldest is dropped, with a warn)")
      .option('--no-journal', 'keep accepted notices in memory only: faster, but a crash or stop loses them')
      .option('-q, --quiet', 'do not print each notice, drop and turn');

  const watch = (command: Command): Command =>
    command.option('-w, --watch', 'refresh until Ctrl-C').option('--interval <seconds>', 'seconds between refreshes of --watch (default 2)');

  watch(program
    .command('ps')
    .description('every pod of the home: status, activity, pid, uptime, queued and dropped notices'))
    .action(act((opts) => (c) => import('./commands/podPs.js').then((m) => m.podPs(c, opts as object))));

  const pod = program.command('pod').description('start, list, show, stop and remove pods; their logs; run, pause and resume turns');
  host(
    pod
      .command('start')
      .description('run a pod (foreground; SIGTERM or Ctrl-C stop it cleanly); its accepted notices outlive a restart')
      .argument('<name>', 'pod name')
      .option('--role <role>', 'role kept in its record (companion, coder, …)')
      .option('--workspace <dir>', 'workspace folder kept in its record (must exist)')
      .option('--parent <pod>', 'record the pod as a spawned child of <pod>'),
  ).action(act((name, opts) => (c) => import('./commands/podStart.js').then((m) => m.podStart(c, name as string, opts as object))));
  watch(pod
    .command('ls')
    .alias('ps')
    .description('every pod of the home (as podmesh ps); with --as, the pods <self> sees and how')
    .option('--as <self>', 'list what pod <self> sees (itself, its children, its peers)'))
    .action(
      act((opts) => (c) => {
        const self = (opts as { as?: string }).as;
        return self === undefined ? import('./commands/podPs.js').then((m) => m.podPs(c, opts as object)) : import('./commands/podLsAs.js').then((m) => m.podLsAs(c, self));
      }),
    );
  pod
    .command('show')
    .description("a pod's durable record (role, workspace, peers, children, times) and its live state")
    .argument('<name>')
    .action(act((name) => (c) => import('./commands/podShow.js').then((m) => m.podShow(c, name as string))));
  pod
    .command('state')
    .description("a running pod's status and every queued notice in full")
    .argument('<name>')
    .action(act((name) => (c) => import('./commands/podState.js').then((m) => m.podState(c, name as string))));
  pod
    .command('stop')
    .description('stop a pod and wait until it has gone (a stopped pod: exit 0 with a note)')
    .argument('<name>')
    .option('-f, --force', 'end a hung pod with SIGKILL (at once when it does not answer), by its recorded pid, once checked to be that pod')
    .option('-t, --timeout <seconds>', 'grace period before --force kills (default 10)')
    .action(act((name, opts) => (c) => import('./commands/podStop.js').then((m) => m.stopNamedPod(c, name as string, opts as object))));
  pod
    .command('rm')
    .description("remove a stopped pod's record, and the pod from its peers' and parent's lists")
    .argument('<name>')
    .option('--discard-notices', 'also discard notices it accepted and did not consume (else refused)')
    .action(act((name, opts) => (c) => import('./commands/podRemove.js').then((m) => m.podRemove(c, name as string, opts as object))));
  pod
    .command('logs')
    .description('the log of a pod started with --detach')
    .argument('<name>')
    .option('-f, --follow', 'follow the log until Ctrl-C or until the pod stops')
    .option('-n, --tail <lines>', 'only the last <lines> lines')
    .action(act((name, opts) => (c) => import('./commands/podLogs.js').then((m) => m.podLogs(c, name as string, opts as object))));
  pod
    .command('run')
    .description('ask a live pod to run a turn')
    .argument('<name>')
    .option('--input <json>', "the turn's input, as JSON")
    .action(act((name, opts) => (c) => import('./commands/podControl.js').then((m) => m.podControl(c, 'run', name as string, opts as object))));
  for (const method of ['pause', 'resume'] as const) {
    pod
      .command(method)
      .description(method === 'pause' ? 'pause a live pod (notices still queue; no turn starts)' : 'resume a paused pod')
      .argument('<name>')
      .action(act((name) => (c) => import('./commands/podControl.js').then((m) => m.podControl(c, method, name as string))));
  }

  const peer = program.command('peer').description('make or end the peer relation of two existing pods');
  peer
    .command('add', { isDefault: true })
    .description('make <self> and <peer> hold each other (both must exist; a one-sided relation is repaired)')
    .requiredOption('--as <self>', 'the pod on whose behalf')
    .argument('<peer>')
    .action(act((name, opts) => (c) => import('./commands/peerCommand.js').then((m) => m.peerAdd(c, (opts as { as: string }).as, name as string))));
  peer
    .command('rm')
    .description('end the relation in both records')
    .requiredOption('--as <self>', 'the pod on whose behalf')
    .argument('<peer>')
    .action(act((name, opts) => (c) => import('./commands/peerCommand.js').then((m) => m.peerRemove(c, (opts as { as: string }).as, name as string))));

  program
    .command('notify')
    .description('send a notice to a live peer and print the outcome (weak unless --auto-run); exit 0 only when delivered')
    .requiredOption('--as <self>', 'the sending pod')
    .argument('<peer>')
    .argument('[message]', 'the message; - reads it from stdin')
    .option('--file <path>', 'read the message from a file')
    .option('--auto-run', 'ask the peer to run a turn for it')
    .action(
      act((peerName, message, opts) => (c) =>
        import('./commands/notifyCommand.js').then((m) => m.notifyCommand(c, peerName as string, message as string | undefined, opts as { as: string })),
      ),
    );

  const orchestrator = program.command('orchestrator').description("a workspace's orchestrator: the ticket hook that notifies the companion");
  host(
    orchestrator
      .command('start')
      .description('run the orchestrator of a workspace (found upwards from here, like git, or --workspace)')
      .option('--workspace <dir>', 'the workspace folder'),
  ).action(act((opts) => (c) => import('./commands/orchestratorCommand.js').then((m) => m.orchestratorStart(c, opts as object))));
  watch(orchestrator
    .command('ls')
    .description('the orchestrators of the home, as podmesh ps shows them'))
    .action(act((opts) => (c) => import('./commands/orchestratorCommand.js').then((m) => m.orchestratorLs(c, opts as object))));
  orchestrator
    .command('stop')
    .description("stop a workspace's orchestrator (idempotent)")
    .option('--workspace <dir>', 'the workspace folder')
    .option('-f, --force', 'end a hung orchestrator with SIGKILL (at once when it does not answer)')
    .option('-t, --timeout <seconds>', 'grace period before --force kills (default 10)')
    .action(act((opts) => (c) => import('./commands/orchestratorCommand.js').then((m) => m.orchestratorStop(c, opts as object))));

  const ticket = program
    .command('ticket')
    .description("tickets of the workspace: list and show read the files; the others run in the workspace's orchestrator");
  const ticketAction = (sub: string) =>
    act((...args) => {
      const opts = args.at(-1) as object;
      const id = args.length > 1 ? (args[0] as string) : undefined;
      return (c: CliContext) => import('./commands/ticketCommand.js').then((m) => m.ticketCommand(c, sub, id, opts));
    });
  const ticketCommand = (name: string, description: string, withId: boolean): Command => {
    const command = ticket.command(name).description(description).option('--workspace <dir>', 'the workspace (default: found upwards from the current folder)');
    if (withId) command.argument('<id>', 'ticket id');
    return command;
  };
  ticketCommand('create', 'create a ticket (notifies nobody)', false).requiredOption('--title <title>').option('--body <text>').action(ticketAction('create'));
  ticketCommand('comment', 'comment on a ticket (plan, decision and implementation_report notify the companion)', true)
    .addOption(new Option('--event <event>').choices(['comment', 'plan', 'decision', 'implementation_report']).makeOptionMandatory())
    .requiredOption('--body <text>')
    .action(ticketAction('comment'));
  ticketCommand('review', 'review a ticket', true)
    .addOption(new Option('--review <verdict>').choices(['approve', 'request_changes']).makeOptionMandatory())
    .option('--body <text>')
    .action(ticketAction('review'));
  ticketCommand('state', 'move a ticket', true)
    .addOption(new Option('--to <state>').choices(['ready', 'queued', 'inprogress', 'done']).makeOptionMandatory())
    .action(ticketAction('state'));
  ticketCommand('ready', 'planning -> ready (intake ready)', true).action(ticketAction('ready'));
  ticketCommand('close', 'close a ticket with a resolution', true).requiredOption('--resolution <text>').action(ticketAction('close'));
  ticketCommand('list', 'the tickets of the workspace (read from the files)', false).action(ticketAction('list'));
  ticketCommand('show', 'one ticket in full (read from the files)', true).action(ticketAction('show'));

  program
    .command('simulate')
    .description('run a deterministic simulation from a scenario file (docs/simulation.md)')
    .argument('<scenario>', 'scenario JSON file')
    .option('--seed <n>', "seed of the run (default: the scenario's seed)")
    .option('--pods <n>', "total pods (default: the scenario's pods)")
    .option('--trace <file>', 'write the trace, one line per step, to <file>')
    .option('--record <file>', 'record the run for the inspector (JSON lines; replay it with podmesh inspect <file>)')
    .option('-q, --quiet', 'no progress bar')
    .addHelpText('after', '\nexit status: 0 when every invariant held, 1 when one failed, 2 for bad usage or a bad scenario file.')
    .action(act((file, opts) => (c) => import('./commands/simulateCommand.js').then((m) => m.simulateCommand(c, file as string, opts as object))));

  program
    .command('inspect')
    .description('serve the statechart inspector on 127.0.0.1: the pods of the home, live, or the replay of a recorded trace')
    .argument('[trace]', 'a trace written by podmesh simulate --record (default: the home)')
    .option('--port <n>', 'TCP port on 127.0.0.1 (default: any free one)')
    .option('--open', 'open the page in the desktop browser (xdg-open / open), if there is one')
    .action(act((trace, opts) => (c) => import('./commands/inspectCommand.js').then((m) => m.inspectCommand(c, trace as string | undefined, opts as object))));

  program
    .command('completion')
    .description('print a shell completion script: eval "$(podmesh completion bash)" (or zsh)')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(['bash', 'zsh']))
    .action(act((shell) => (c) => import('./completionScript.js').then((m) => m.completionCommand(c, program, shell as 'bash' | 'zsh'))));

  return { program, exitCode: () => code };
}
