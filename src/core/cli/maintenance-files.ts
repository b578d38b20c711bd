// Go's *PathError text for the file operations the maintenance commands do ("open x: no such file or directory").

const errnoText: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  EEXIST: 'file exists',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EXDEV: 'invalid cross-device link',
};

/** `open <path>: <errno text>` (or os.LinkError's `rename <a> <b>: …`) for a Node fs error. */
export function goOpenError(path: string, err: unknown, op: 'open' | 'rename' = 'open', to?: string): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  const text = errnoText[code] ?? (err instanceof Error ? err.message : String(err));
  return op === 'rename' ? `rename ${path} ${to ?? ''}: ${text}` : `${op} ${path}: ${text}`;
}
