// Shell completion for `cairn ctl` (etcdctl 3.6's `completion` command; Debian's 3.4 build has cobra's too). cobra generates its
// scripts from the command tree; cairn does the same from oclif's command list: for every command path, the
// sub-commands and the long flags (the command's own plus the global ones), as a bash function. zsh loads the
// same function through bashcompinit.

export interface CompletionCommand {
  /** oclif id, e.g. "ctl:member:add" */
  readonly id: string;
  /** long flag names */
  readonly flags: readonly string[];
}

function shellWord(s: string): string {
  return /^[A-Za-z0-9_:./-]*$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The completion function for `cairn <words…>`: command words first, `--flag` words after a dash. */
function bashFunction(commands: readonly CompletionCommand[]): string {
  const paths = new Map<string, { subs: Set<string>; flags: Set<string> }>();
  const entry = (p: string) => {
    let e = paths.get(p);
    if (e === undefined) {
      e = { subs: new Set(), flags: new Set() };
      paths.set(p, e);
    }
    return e;
  };
  entry('');
  for (const c of commands) {
    const words = c.id.split(':');
    for (let i = 0; i < words.length; i++) entry(words.slice(0, i).join(' ')).subs.add(words[i]);
    const e = entry(words.join(' '));
    for (const f of c.flags) e.flags.add(`--${f}`);
  }
  const cases = [...paths.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, e]) =>
    `    ${JSON.stringify(p)}) subs=${shellWord([...e.subs].sort().join(' '))}; flags=${shellWord([...e.flags].sort().join(' '))} ;;`);
  return `_cairn_completions() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" w i subs flags
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ $w == -* ]] && continue
    if [[ " $(_cairn_subs "$path") " == *" $w "* ]]; then
      path="\${path:+$path }$w"
    fi
  done
  subs="$(_cairn_subs "$path")"
  flags="$(_cairn_flags "$path")"
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  fi
}

_cairn_table() {
  local subs flags
  case "$1" in
${cases.join('\n')}
    *) subs=""; flags="" ;;
  esac
  if [[ $2 == subs ]]; then echo "$subs"; else echo "$flags"; fi
}
_cairn_subs() { _cairn_table "$1" subs; }
_cairn_flags() { _cairn_table "$1" flags; }
`;
}

export function bashCompletion(commands: readonly CompletionCommand[]): string {
  return `# bash completion for cairn                               -*- shell-script -*-
# load with: source <(cairn ctl completion bash)
${bashFunction(commands)}
complete -o default -F _cairn_completions cairn
`;
}

export function zshCompletion(commands: readonly CompletionCommand[]): string {
  return `#compdef cairn
# zsh completion for cairn (bash's, through bashcompinit)
# load with: source <(cairn ctl completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashFunction(commands)}
complete -o default -F _cairn_completions cairn
`;
}
