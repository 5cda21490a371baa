import type { Command } from 'commander';
import type { CliContext } from './cliContext.js';
import { printJson } from './cliOutput.js';

interface Node {
  readonly path: string;
  readonly words: readonly string[];
  readonly takesPod: boolean;
}

/** Every command path of the tree with the words that may follow it: subcommands, then options. */
function nodesOf(command: Command, path: string, globals: readonly string[]): Node[] {
  const subcommands = command.commands.flatMap((c) => [c.name(), ...c.aliases()]);
  const options = command.options.flatMap((o) => [o.long, o.short].filter((flag): flag is string => flag !== undefined));
  const args = (command as unknown as { registeredArguments?: readonly { name(): string }[] }).registeredArguments ?? [];
  const takesPod = args.some((a) => ['name', 'peer'].includes(a.name()));
  const node: Node = { path, words: [...new Set([...subcommands, ...options, ...globals, '--help'])], takesPod };
  return [node, ...command.commands.flatMap((c) => [c.name(), ...c.aliases()].flatMap((name) => nodesOf(c, `${path} ${name}`.trim(), globals)))];
}

/**
 * A bash completion script for the command tree (zsh runs it through
 * bashcompinit): subcommands and options at each level, and pod names (the
 * folders of `$PODMESH_HOME/pods`) where a command takes a pod.
 */
export function completionScript(program: Command, shell: 'bash' | 'zsh'): string {
  const globals = program.options.flatMap((o) => [o.long].filter((flag): flag is string => flag !== undefined && flag !== '--version'));
  const nodes = nodesOf(program, '', globals);
  const known = nodes.filter((n) => n.path !== '').map((n) => `"${n.path}"`).join('|');
  const cases = nodes
    .map((n) => `    "${n.path}") words="${n.words.join(' ')}"${n.takesPod ? '; pods=1' : ''} ;;`)
    .join('\n');
  const bash = `# podmesh completion (${shell}): eval "$(podmesh completion ${shell})"
_podmesh_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" next word i words="" pods=0
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$word" in -*) continue ;; esac
    next="\${path:+$path }$word"
    case "$next" in ${known}) path="$next" ;; esac
  done
  case "$path" in
${cases}
  esac
  if [ "$pods" = 1 ]; then
    local home="\${PODMESH_HOME:-$HOME/.podmesh}" d
    for d in "$home"/pods/*/; do [ -d "$d" ] && words="$words $(basename "$d")"; done
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _podmesh_complete podmesh
`;
  return shell === 'zsh' ? `autoload -U +X bashcompinit && bashcompinit\n${bash}` : bash;
}

/** `podmesh completion bash|zsh`. */
export async function completionCommand(context: CliContext, program: Command, shell: 'bash' | 'zsh'): Promise<number> {
  const script = completionScript(program, shell);
  if (context.json) printJson(context, { shell, script });
  else context.io.out(script);
  return 0;
}
