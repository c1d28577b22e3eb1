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

/** A template's entries as copies are made from them: contents that are UTF-8 text held as strings. */
const prepared = new WeakMap<InMemoryFs, [string, MemoryEntry][]>();

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The entries of `template` ready to copy. A file's bytes that are UTF-8 text (the stubs, /proc's files) become a
 * string, which `InMemoryFs` keeps as it keeps bytes (same size, same reads: each read encodes it anew), so that
 * copies share it and no learner's bytes are another's; other bytes are copied per copy.
 */
function entriesOf(template: MemoryFsInternals): [string, MemoryEntry][] {
  const entries: [string, MemoryEntry][] = [];
  for (const [path, entry] of template.data) {
    let content = entry.content;
    if (content instanceof Uint8Array) {
      try {
        const text = strictUtf8.decode(content);
        if (Buffer.from(text, 'utf8').equals(content)) content = text;
      } catch {
        // Not UTF-8: copied as bytes.
      }
    }
    entries.push([path, content === undefined ? entry : { ...entry, content }]);
  }
  return entries;
}

/**
 * A copy of `template` (which must not change once copied) into `empty` (a new `InMemoryFs`, whose limit the copy
 * keeps): nothing shared that a learner could change in place, times set to now as if just written; undefined when
 * just-bash's internals are not the expected ones or the template does not fit.
 */
export function copyMemoryFs(template: InMemoryFs, empty: InMemoryFs): InMemoryFs | undefined {
  const from = internalsOf(template);
  const to = internalsOf(empty);
  if (!from || !to || to.data.size !== 1) return undefined;
  let entries = prepared.get(template);
  if (!entries) prepared.set(template, (entries = entriesOf(from)));
  // One time for all: just-bash replaces an entry's time when it changes, it never sets a `Date` in place.
  const mtime = new Date();
  try {
    for (const [path, entry] of entries) {
      const copy: MemoryEntry = { ...entry, mtime };
      if (entry.content instanceof Uint8Array) copy.content = entry.content.slice();
      to.setEntry(path, copy);
    }
  } catch {
    return undefined;
  }
  return empty;
}
