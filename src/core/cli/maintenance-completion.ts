// Shell completion for `cairn` (etcdctl 3.6's `completion` command; Debian's 3.4 build has cobra's too). cobra generates its
// scripts from the command tree; cairn does the same from oclif's command list: for every command path, the
// sub-commands and the long flags (the command's own plus the global ones), as one table that each shell's script
// carries. The scripts never call back into cairn (its start-up is too slow for every key press): they walk the
// words typed so far (words starting with `-` are skipped, as are words that are no sub-command of the path so far,
// such as flag values), then offer the sub-commands of that path, or its flags when the current word starts with `-`.
// Where nothing matches, each shell falls back to its file-name completion. bash has the function; zsh loads the
// same function through bashcompinit; fish and PowerShell have their own.

export interface CompletionCommand {
  /** oclif id, e.g. "ctl:member:add" */
  readonly id: string;
  /** long flag names */
  readonly flags: readonly string[];
}

export interface CompletionPath {
  /** the command words, space-separated: "" for cairn itself, "ctl member" … */
  readonly path: string;
  /** sub-commands of the path, sorted */
  readonly subs: readonly string[];
  /** `--flag` words of the path, sorted */
  readonly flags: readonly string[];
}

export const completionShells = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type CompletionShell = (typeof completionShells)[number];

/** Every command path (and every prefix of one) with its sub-commands and flags, sorted by path. */
export function completionTable(commands: readonly CompletionCommand[]): CompletionPath[] {
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
  return [...paths.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, e]) => ({ path, subs: [...e.subs].sort(), flags: [...e.flags].sort() }));
}

/** `s` bare when no shell treats any of its characters specially (nor the empty string), else `quote(s)`. */
function word(s: string, quote: (s: string) => string): string {
  return /^[A-Za-z0-9_:./-]+$/.test(s) ? s : quote(s);
}

/** A POSIX shell word. */
function shellWord(s: string): string {
  return word(s, (q) => `'${q.replace(/'/g, `'\\''`)}'`);
}

/** A fish word (in single quotes only `\` and `'` are special). */
function fishWord(s: string): string {
  return word(s, (q) => `'${q.replace(/[\\']/g, '\\$&')}'`);
}

/** A PowerShell single-quoted string: a quote (PowerShell also takes the typographic ones) is doubled. */
function powershellString(s: string): string {
  return `'${s.replace(/['\u2018\u2019\u201a\u201b]/g, '$&$&')}'`;
}

function bashFunction(table: readonly CompletionPath[]): string {
  const cases = table.map((e) =>
    `    ${shellWord(e.path)}) subs=${shellWord(e.subs.join(' '))}; flags=${shellWord(e.flags.join(' '))} ;;`);
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

complete -o default -F _cairn_completions cairn
`;
}

function bashCompletion(table: readonly CompletionPath[]): string {
  return `# bash completion for cairn                               -*- shell-script -*-
# load with: source <(cairn ctl completion bash)
${bashFunction(table)}`;
}

function zshCompletion(table: readonly CompletionPath[]): string {
  return `#compdef cairn
# zsh completion for cairn (bash's, through bashcompinit)
# load with: source <(cairn ctl completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashFunction(table)}`;
}

function fishCompletion(table: readonly CompletionPath[]): string {
  // three parallel lists rather than a switch: fish's case patterns are wildcards even when quoted
  const list = (name: string, pick: (e: CompletionPath) => string) =>
    `    set -l ${name} \\\n${table.map((e) => `        ${fishWord(pick(e))}`).join(' \\\n')}`;
  return `# fish completion for cairn
# load with: cairn ctl completion fish | source
# (or save it as ~/.config/fish/completions/cairn.fish)

# __cairn_table PATH subs|flags: the sub-commands or the --flags of the command path PATH ('' is cairn itself);
# the i-th entries of subs and flags (space-separated words) belong to the i-th path
function __cairn_table
${list('paths', (e) => e.path)}
${list('subs', (e) => e.subs.join(' '))}
${list('flags', (e) => e.flags.join(' '))}
    set -l i (contains -i -- "$argv[1]" $paths); or return
    if test "$argv[2]" = subs
        string split -n ' ' -- $subs[$i]
    else
        string split -n ' ' -- $flags[$i]
    end
end

# The candidates for the current word: the sub-commands of the command path typed so far, its flags after a dash.
function __cairn_candidates
    set -l words (commandline -opc)
    set -e words[1]
    set -l path ''
    for w in $words
        string match -q -- '-*' $w; and continue
        contains -- $w (__cairn_table $path subs); and set path (string trim -- "$path $w")
    end
    if string match -q -- '-*' (commandline -ct)
        __cairn_table $path flags
    else
        __cairn_table $path subs
    end
end

# True when a candidate starts with the current word; otherwise fish completes file names (bash's -o default).
function __cairn_has_candidates
    string match -q -r -- '^'(string escape --style=regex -- (commandline -ct)) (__cairn_candidates)
end

complete -c cairn -e
complete -c cairn -n __cairn_has_candidates -f -a '(__cairn_candidates)'
`;
}

function powershellCompletion(table: readonly CompletionPath[]): string {
  const entries = (pick: (e: CompletionPath) => readonly string[]) =>
    table.map((e) => `        ${powershellString(e.path)} = ${powershellString(pick(e).join(' '))}`).join('\n');
  return `# powershell completion for cairn
# load with: cairn ctl completion powershell | Out-String | Invoke-Expression
# (or add that line to your $PROFILE)
Register-ArgumentCompleter -Native -CommandName cairn -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $subs = @{
${entries((e) => e.subs)}
    }
    $flags = @{
${entries((e) => e.flags)}
    }
    # the command path typed before the current word; words starting with '-' and flag values are skipped
    $path = ''
    foreach ($element in $commandAst.CommandElements | Select-Object -Skip 1) {
        if ($element.Extent.EndOffset -ge $cursorPosition) { break }
        $word = $element.Extent.Text
        if (-not $word.StartsWith('-') -and ($subs[$path] -split ' ') -contains $word) {
            $path = "$path $word".Trim()
        }
    }
    if ($wordToComplete.StartsWith('-')) {
        $candidates = $flags[$path] -split ' '
        $kind = 'ParameterName'
    } else {
        $candidates = $subs[$path] -split ' '
        $kind = 'ParameterValue'
    }
    $candidates | Where-Object { $_ -and $_.StartsWith($wordToComplete) } | ForEach-Object {
        [System.Management.Automation.CompletionResult]::new($_, $_, $kind, $_)
    }
}
`;
}

const generators: Record<CompletionShell, (table: readonly CompletionPath[]) => string> = {
  bash: bashCompletion,
  zsh: zshCompletion,
  fish: fishCompletion,
  powershell: powershellCompletion,
};

/** The completion script for `shell`, from oclif's commands. */
export function completionScript(shell: CompletionShell, commands: readonly CompletionCommand[]): string {
  return generators[shell](completionTable(commands));
}
