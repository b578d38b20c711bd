// cobra's default usage template (v0.0.3) with pflag's FlagUsages, which etcdctl prints on stderr when a txn
// request line has a flag its put/get/del does not know ("Usage:\n   put … [flags]\n\nFlags:\n…").
import { formatFlagValue, type FlagSpec } from './flag-spec';

/** pflag's defaultIsZeroValue, which looks at the flag's type: a string flag defaulting to "0" shows it. */
function isZeroDefault(kind: FlagSpec['kind'], def: string): boolean {
  switch (kind) {
    case 'bool': return def === 'false';
    case 'string': return def === '';
    case 'int64': return def === '0';
    case 'duration': return def === '0' || def === '0s';
    case 'stringSlice': return def === '[]';
  }
}
const typeNames: Readonly<Record<FlagSpec['kind'], string>> = { bool: '', string: 'string', int64: 'int', duration: 'duration', stringSlice: 'strings' };

/** pflag.FlagSet.FlagUsages (no wrapping). */
export function pflagUsages(flags: readonly FlagSpec[]): string {
  const lines: string[] = [];
  let maxlen = 0;
  for (const f of [...flags].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    let line = f.shorthand ? `  -${f.shorthand}, --${f.name}` : `      --${f.name}`;
    let usage = f.usage;
    let varname: string = typeNames[f.kind];
    const bq = /`([^`]*)`/.exec(usage);
    if (bq) {
      varname = bq[1];
      usage = usage.replace(/`([^`]*)`/, '$1');
    }
    if (varname !== '') line += ` ${varname}`;
    line += '\x00';
    maxlen = Math.max(maxlen, line.length);
    line += usage;
    const def = formatFlagValue(f.kind, f.def);
    if (!isZeroDefault(f.kind, def)) line += f.kind === 'string' ? ` (default ${JSON.stringify(def)})` : ` (default ${def})`;
    lines.push(line);
  }
  return lines.map((l) => {
    const sidx = l.indexOf('\x00');
    return `${l.slice(0, sidx)} ${' '.repeat(maxlen - sidx)} ${l.slice(sidx + 1)}\n`;
  }).join('');
}

/** cmd.UsageString() of a txn sub-command (parent path empty), plus the newline cobra's Println adds. */
export function cobraSubcommandUsage(use: string, local: readonly FlagSpec[]): string {
  const flags = pflagUsages(local).replace(/[ \t\n]+$/, '');
  return `Usage:\n   ${use} [flags]\n\nFlags:\n${flags}\n\n`;
}
