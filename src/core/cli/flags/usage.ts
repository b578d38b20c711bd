// etcdctl's usage text (ctlv3/help.go template through Go's tabwriter), printed on stdout when a flag does not
// parse. Only leaf commands need it here: oclif shows topics.
import { tabwrite } from '../go/tabwriter';
import { formatFlagValue, type FlagSpec } from './flag-spec';

export interface UsageSpec {
  /** the command path under the root, e.g. "endpoint status" */
  readonly path: string;
  /** cobra's Use without the parent path, e.g. "get [options] <key> [range_end]" */
  readonly use: string;
  readonly short: string;
  readonly long?: string;
}

function flagUsages(flags: readonly FlagSpec[]): string {
  return [...flags]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => {
      const head = f.shorthand ? `  -${f.shorthand}, --${f.name}` : `      --${f.name}`;
      const def = formatFlagValue(f.kind, f.def);
      const value = f.kind === 'string' ? JSON.stringify(def) : def;
      return `${head}${f.kind === 'bool' ? `[=${value}]` : `=${value}`}\t${f.usage}\n`;
    })
    .join('');
}

/** The usage etcdctl prints for a command; `root` is the program path ("etcdctl", or "cairn ctl"). */
export function renderUsage(root: string, spec: UsageSpec, local: readonly FlagSpec[], inherited: readonly FlagSpec[]): string {
  const parentPath = [root, ...spec.path.split(' ').slice(0, -1)].join(' ');
  let useLine = `${parentPath} ${spec.use}`;
  if (!useLine.includes('[flags]')) useLine += ' [flags]';
  let t = `NAME:\n\t${spec.path} - ${spec.short}\n\nUSAGE:\n\t${useLine}\n`;
  if (spec.long) {
    t += '\nDESCRIPTION:\n' + spec.long.replace(/^[\n\t ]+|[\n\t ]+$/g, '').split('\n').map((l) => `\t${l}\n`).join('');
  }
  if (local.length > 0) t += `\nOPTIONS:\n${flagUsages(local)}`;
  if (inherited.length > 0) t += `\nGLOBAL OPTIONS:\n${flagUsages(inherited)}`;
  return tabwrite(t + '\n');
}
