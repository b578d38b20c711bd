// `cairn server --help`: etcd's flag help (`etcd --help` layout: sections, "  --flag 'default'", the description
// indented), rendered from FLAG_TABLE, with cairn's status after each flag that is not supported.
import { FLAG_TABLE, type FlagGroup, type FlagSpec } from './flag-table';

const groupOrder: readonly FlagGroup[] = [
  'Member',
  'Clustering',
  'Security',
  'Auth',
  'Profiling and Monitoring',
  'Logging',
  'Tracing',
  'v2 Proxy',
  'Experimental feature',
  'Unsafe feature',
  'Configuration',
];

function flagLine(spec: FlagSpec): string {
  const def = spec.defaultText ?? spec.default;
  return `  --${spec.name} '${def}'`;
}

function statusNote(spec: FlagSpec): string | undefined {
  if (spec.status === 'not-yet') return `[cairn: not supported yet: ${spec.reason ?? ''}]`;
  if (spec.status === 'no-effect') return `[cairn: accepted, no effect: ${spec.reason ?? ''}]`;
  return undefined;
}

/** The help text for every listed flag, grouped like etcd's. */
export function formatFlagHelp(table: readonly FlagSpec[] = FLAG_TABLE): string {
  const out: string[] = [];
  for (const group of groupOrder) {
    const specs = table.filter((s) => s.group === group && s.hidden !== true);
    if (specs.length === 0) continue;
    out.push(`${group}:`);
    for (const spec of specs) {
      out.push(flagLine(spec));
      for (const line of spec.description.split('\n')) out.push(`    ${line}`);
      const note = statusNote(spec);
      if (note !== undefined) out.push(`    ${note}`);
    }
    out.push('');
  }
  return out.join('\n');
}
