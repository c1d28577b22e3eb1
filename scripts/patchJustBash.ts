/**
 * Four linear-time fixes to just-bash 3.4.2's bundle, applied after `npm install` (the `postinstall` script) and
 * checked by a unit test (`lab-server/src/backends/sim/shell/justBashPatches.test.ts`).
 *
 * Why: a learner's string of 1 MiB (the shell's limit) went through per-character JavaScript loops several times
 * per command: counting its UTF-8 bytes (`x`, on every output and every value kept), making a byte string of it
 * one `String.fromCharCode` at a time (`l`, `g`), and `${#X}` spread it into an array of a million strings. None
 * of these loops has a yield point, so each command held its worker's thread for 100 to 200 ms, and the other
 * learners on that worker waited (issue 9's "kept variable" freeze). Node does the same work natively, in about a
 * millisecond: `Buffer.byteLength` counts UTF-8 bytes as `x` does (a lone surrogate is 3 bytes, U+FFFD, in both),
 * and a `latin1` decode of the encoded bytes is the string of those bytes that `l` and `g` build.
 *
 * Each patch names the exact text it replaces; a release of just-bash without that text (the version is pinned
 * in package.json) fails here, so a bump is a deliberate review of these patches, not a silent loss of them.
 * `node scripts/patchJustBash.ts --check` exits 1 when a patch is not applied.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The just-bash release these patches are written against. */
export const PATCHED_VERSION = '3.4.2';

/** One replacement in one file of just-bash's bundle. */
export interface BundlePatch {
  /** What it fixes, for messages. */
  name: string;
  /** The file, relative to the package. */
  file: string;
  /** The exact text of the release (present once). */
  from: string;
  /** What replaces it. */
  to: string;
}

// Bound once, when the bundle is loaded: scripts run later inside just-bash's defence-in-depth box, whose
// reach these host helpers must not depend on.
const BYTE_HELPERS =
  'const __labsByteLength=Buffer.byteLength.bind(Buffer);' +
  'const __labsBytes=(u)=>Buffer.from(u.buffer,u.byteOffset,u.byteLength).toString("latin1");\n';
const LENGTH_HELPER =
  'const __labsCodePoints=(s)=>{let n=s.length;for(let i=0;i+1<s.length;i++){const c=s.charCodeAt(i);' +
  'if(c>=55296&&c<=56319){const d=s.charCodeAt(i+1);if(d>=56320&&d<=57343){n--;i++}}}return n};\n';

const CHUNK = 'dist/bundle/chunks/chunk-GN6CQ3J4.js';
const INDEX = 'dist/bundle/index.js';

/** The patches, in the order they are applied. */
export const PATCHES: BundlePatch[] = [
  {
    name: 'helpers of the byte-string chunk',
    file: CHUNK,
    from: 'import{createRequire} from"node:module";',
    to: `${BYTE_HELPERS}import{createRequire} from"node:module";`,
  },
  {
    name: 'UTF-8 byte count',
    file: CHUNK,
    from:
      'function x(t){let n=0;for(let e=0;e<t.length;e++){let o=t.charCodeAt(e);if(o<=127)n++;else if(o<=2047)n+=2;' +
      'else if(o>=55296&&o<=56319&&e+1<t.length){let r=t.charCodeAt(e+1);r>=56320&&r<=57343?(n+=4,e++):n+=3}' +
      'else n+=3}return n}',
    to: 'function x(t){return __labsByteLength(t,"utf8")}',
  },
  {
    name: 'text to byte string',
    file: CHUNK,
    from: 'let e=y.encode(t),o="";for(let r=0;r<e.length;r++)o+=String.fromCharCode(e[r]);return o}',
    to: 'return __labsBytes(y.encode(t))}',
  },
  {
    name: 'bytes to byte string',
    file: CHUNK,
    from: 'let e="";for(let o=0;o<t.length;o++)e+=String.fromCharCode(t[o]);return e}',
    to: 'if(ArrayBuffer.isView(t))return __labsBytes(t);let e="";for(let o=0;o<t.length;o++)e+=String.fromCharCode(t[o]);return e}',
  },
  {
    name: 'helpers of the interpreter',
    file: INDEX,
    from: 'import{createRequire} from"node:module";',
    to: `${LENGTH_HELPER}import{createRequire} from"node:module";`,
  },
  {
    name: '${#name} length in characters',
    file: INDEX,
    from: 'return String([...s].length)}return String([...n].length)}',
    to: 'return String(__labsCodePoints(s))}return String(__labsCodePoints(n))}',
  },
];

/** The installed just-bash package's folder. */
export function justBashDir(root = fileURLToPath(new URL('..', import.meta.url))): string {
  return join(root, 'node_modules', 'just-bash');
}

/** Which patches are applied in `dir` (each one: applied, not yet, or its text is missing). */
export function patchStates(dir = justBashDir()): { patch: BundlePatch; state: 'applied' | 'pending' | 'missing' }[] {
  return PATCHES.map((patch) => {
    const text = readFileSync(join(dir, patch.file), 'utf8');
    const state = text.includes(patch.to) ? 'applied' : text.split(patch.from).length === 2 ? 'pending' : 'missing';
    return { patch, state };
  });
}

/** Applies every pending patch in `dir`; throws (naming the patch) when the release does not match. */
export function applyPatches(dir = justBashDir()): number {
  const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  if (version !== PATCHED_VERSION)
    throw new Error(`just-bash ${version} is installed; scripts/patchJustBash.ts is written for ${PATCHED_VERSION}`);
  let applied = 0;
  for (const { patch, state } of patchStates(dir)) {
    if (state === 'missing')
      throw new Error(`just-bash ${version}: the text of the patch "${patch.name}" is not there`);
    if (state === 'applied') continue;
    const path = join(dir, patch.file);
    // A new file, not a write into the old one: a copy of node_modules made of hard links keeps its own bundle.
    const next = readFileSync(path, 'utf8').replace(patch.from, () => patch.to);
    writeFileSync(`${path}.labs-tmp`, next);
    renameSync(`${path}.labs-tmp`, path);
    applied++;
  }
  return applied;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--check')) {
    const pending = patchStates().filter((s) => s.state !== 'applied');
    for (const { patch, state } of pending) console.error(`just-bash: patch "${patch.name}" is ${state}`);
    process.exit(pending.length ? 1 : 0);
  }
  const applied = applyPatches();
  console.log(`just-bash: ${applied} of ${PATCHES.length} patches applied now (the others already were)`);
}
