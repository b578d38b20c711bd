// `cairn ctl [global flags] <command> …` and abbreviated command names (cobra's prefix matching, which
// etcdctl enables: `ctl ver`): finds the ctl command the words name and the argv to run it with.
import { globalFlags } from './flags/flag-spec';

export type Dispatch =
  | { readonly kind: 'run'; readonly id: string; readonly argv: string[] }
  | { readonly kind: 'help'; readonly topic: string }
  | { readonly kind: 'unknown'; readonly word: string; readonly parent: string };

/** how many argv entries the flag at argv[i] takes (itself, and its value when separate) */
function flagWidth(argv: readonly string[], i: number): number {
  const a = argv[i];
  const name = a.startsWith('--') ? a.slice(2).split('=')[0] : undefined;
  const spec = name !== undefined ? globalFlags.find((f) => f.name === name) : globalFlags.find((f) => f.shorthand === a[1]);
  const takesValue = spec !== undefined && spec.kind !== 'bool' && !a.includes('=') && !(name === undefined && a.length > 2);
  return takesValue && i + 1 < argv.length ? 2 : 1;
}

const isFlag = (a: string) => a.startsWith('-') && a !== '-' && a !== '--';

/** `ids` are oclif command ids ("ctl:get", "ctl:endpoint:status"). */
export function dispatch(argv: readonly string[], ids: readonly string[]): Dispatch {
  const flags: string[] = [];
  let path = 'ctl';
  let i = 0;
  const hasChildren = (p: string) => ids.some((id) => id.startsWith(`${p}:`));
  while (i < argv.length && hasChildren(path)) {
    if (argv[i] === '--') break;
    if (isFlag(argv[i])) {
      const w = flagWidth(argv, i);
      flags.push(...argv.slice(i, i + w));
      i += w;
      continue;
    }
    const word = argv[i];
    const children = [...new Set(ids.filter((id) => id.startsWith(`${path}:`)).map((id) => id.slice(path.length + 1).split(':')[0]))];
    const exact = children.find((c) => c === word);
    const prefixed = children.filter((c) => word !== '' && c.startsWith(word));
    const next = exact ?? (prefixed.length === 1 ? prefixed[0] : undefined);
    if (next === undefined) return { kind: 'unknown', word, parent: path.replace(/:/g, ' ').replace(/^ctl/, 'cairn ctl') };
    path = `${path}:${next}`;
    i++;
  }
  if (hasChildren(path) || !ids.includes(path)) return { kind: 'help', topic: path };
  return { kind: 'run', id: path, argv: [...flags, ...argv.slice(i)] };
}
