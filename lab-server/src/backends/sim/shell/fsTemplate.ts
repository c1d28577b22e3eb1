/**
 * Environments' file systems as copies of one template. Every lab shell's just-bash writes the same files when it
 * is made (a stub per command in /bin and /usr/bin, /dev, /proc: some 200 writes, each normalising its path and
 * making its parents), and every environment starts with the same samples. Made once per thread and copied entry
 * by entry, a learner's file system costs a map copy instead of milliseconds; its shells then need not write the
 * stubs again (`withoutLayoutWrites`).
 */
import type { IFileSystem, InMemoryFs } from 'just-bash';

/** A stored entry of just-bash's `InMemoryFs` (3.4): a file (bytes, or made on first read), a directory or a link. */
interface MemoryEntry {
  type: 'file' | 'directory' | 'symlink';
  mode: number;
  mtime: Date;
  content?: Uint8Array | string;
}

/** The private parts of `InMemoryFs` a copy uses; checked at run time (another release falls back to the slow way). */
interface MemoryFsInternals {
  data: Map<string, MemoryEntry>;
  /** Stores an entry and counts its bytes against the file system's limit (throws ENOSPC past it). */
  setEntry(path: string, entry: MemoryEntry): void;
}

function internalsOf(fs: InMemoryFs): MemoryFsInternals | undefined {
  const view = fs as unknown as Partial<MemoryFsInternals>;
  return view.data instanceof Map && typeof view.setEntry === 'function' ? (view as MemoryFsInternals) : undefined;
}

/** File systems that already hold their shells' layout, with the commands they hold stubs for. */
const laidOut = new WeakMap<IFileSystem, ReadonlySet<string>>();

/** Records that `fs` holds what a shell with `commands` writes when it is made (their stubs, /dev, /proc). */
export function markLaidOut(fs: IFileSystem, commands: ReadonlySet<string>): void {
  laidOut.set(fs, commands);
}

/** True when `fs` holds what a shell with `commands` writes when it is made: a new shell need not write it again. */
export function isLaidOut(fs: IFileSystem, commands: Iterable<string>): boolean {
  const stubs = laidOut.get(fs);
  if (!stubs) return false;
  for (const name of commands) if (!stubs.has(name)) return false;
  return true;
}

/**
 * `fs` without its synchronous writers, for just-bash's `Bash` constructor: it writes its layout only through them
 * (and never uses them afterwards), so a shell on a laid-out file system leaves it as it is.
 */
export function withoutLayoutWrites(fs: IFileSystem): IFileSystem {
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(fs, {
    get(target, key) {
      if (key === 'writeFileSync' || key === 'mkdirSync' || key === 'writeFileLazy') return undefined;
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function') return value;
      let method = bound.get(key);
      if (!method) bound.set(key, (method = value.bind(target)));
      return method;
    },
  });
}

/**
 * A copy of `template` bounded at `maxTotalBytes` into `empty` (a new `InMemoryFs` with that limit): every entry and
 * byte array copied (nothing is shared between learners), times set to now as if just written; undefined when
 * just-bash's internals are not the expected ones or the template does not fit.
 */
export function copyMemoryFs(template: InMemoryFs, empty: InMemoryFs): InMemoryFs | undefined {
  const from = internalsOf(template);
  const to = internalsOf(empty);
  if (!from || !to || to.data.size !== 1) return undefined;
  try {
    for (const [path, entry] of from.data) {
      const content = entry.content instanceof Uint8Array ? entry.content.slice() : entry.content;
      const copy: MemoryEntry = { ...entry, mtime: new Date() };
      if (content !== undefined) copy.content = content;
      to.setEntry(path, copy);
    }
  } catch {
    return undefined;
  }
  return empty;
}
