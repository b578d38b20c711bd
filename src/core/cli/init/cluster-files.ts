// Everything `cairn init` writes, as data: one config per member plus the two scripts.
import * as path from 'node:path';
import type { ClusterPlan } from './cluster-plan';
import { clusterScripts, startScriptName, stopScriptName } from './cluster-scripts';
import { memberConfig, renderMemberYaml } from './member-config';

export const configFileMode = 0o644;
export const scriptFileMode = 0o755;

export interface ClusterFile {
  /** absolute */
  readonly path: string;
  readonly text: string;
  readonly mode: number;
}

export function memberConfigPath(plan: ClusterPlan, memberName: string): string {
  return path.join(plan.outputDir, `${memberName}.yaml`);
}

export function clusterFiles(plan: ClusterPlan): readonly ClusterFile[] {
  const configs = plan.members.map((m) => ({
    path: memberConfigPath(plan, m.name),
    text: renderMemberYaml(memberConfig(plan, m)),
    mode: configFileMode,
  }));
  const scripts = clusterScripts(plan);
  return [
    ...configs,
    { path: path.join(plan.outputDir, startScriptName), text: scripts.start, mode: scriptFileMode },
    { path: path.join(plan.outputDir, stopScriptName), text: scripts.stop, mode: scriptFileMode },
  ];
}
