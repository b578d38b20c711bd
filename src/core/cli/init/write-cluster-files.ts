// Writes the files of clusterFiles() to disk. Each file is written to a temp name and renamed over the
// target, so an interrupted run leaves either the old file or the new one, never half of one. No fsync:
// these are configs a person can regenerate, not data.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ClusterFile } from './cluster-files';

/** The files among `files` that already exist (to be confirmed or refused before overwriting). */
export function existingFiles(files: readonly ClusterFile[]): readonly string[] {
  return files.filter((f) => fs.existsSync(f.path)).map((f) => f.path);
}

export function writeClusterFiles(files: readonly ClusterFile[]): void {
  for (const f of files) {
    fs.mkdirSync(path.dirname(f.path), { recursive: true });
    const tmp = `${f.path}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, f.text, { mode: f.mode });
    fs.chmodSync(tmp, f.mode); // the umask may have narrowed the mode given at creation
    fs.renameSync(tmp, f.path);
  }
}
