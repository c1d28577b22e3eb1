/**
 * scripts/patchJustBash.ts: the linear-time fixes to just-bash's bundle are applied in this install, they apply
 * to the release's own text (and only once), and the shell prints exactly what the release prints.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyPatches, justBashDir, PATCHES, patchStates } from '../../../../../scripts/patchJustBash.ts';

const copies: string[] = [];
afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * A copy of the installed bundle with every patch undone: the release as npm delivers it. It lives under
 * node_modules, so its own imports (sprintf-js...) resolve to the installed packages.
 */
function releaseCopy(): string {
  const cache = join(justBashDir(), '..', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'labs-just-bash-release-'));
  copies.push(dir);
  cpSync(join(justBashDir(), 'package.json'), join(dir, 'package.json'));
  cpSync(join(justBashDir(), 'dist', 'bundle'), join(dir, 'dist', 'bundle'), { recursive: true });
  for (const file of new Set(PATCHES.map((p) => p.file))) {
    let text = readFileSync(join(dir, file), 'utf8');
    for (const patch of [...PATCHES].reverse())
      if (patch.file === file) text = text.replace(patch.to, () => patch.from);
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

/** What each script prints, run by the just-bash bundle at `entry`, in a process of its own. */
function outputs(entry: string, scripts: string[]): { stdout: string; stderr: string; exitCode: number }[] {
  const program = `const { Bash } = await import(${JSON.stringify(entry)});
const out = [];
for (const s of ${JSON.stringify(scripts)}) {
  const r = await new Bash().exec(s);
  out.push({ stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode });
}
process.stdout.write(JSON.stringify(out));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8' }));
}

/** Scripts that count characters and bytes, and turn text into bytes and back. */
const SCRIPTS = [
  "X='aé한😀b'; echo ${#X}; printf '%s' \"$X\" | wc -c; printf '%s' \"$X\" | wc -m",
  "printf '\\xff\\xfe\\x00A' | wc -c",
  "printf '\\xc3\\xa9' | od -An -tx1",
  "printf '\\xff\\xfe' > /tmp/b; wc -c /tmp/b; od -An -tx1 /tmp/b; base64 /tmp/b",
  'echo 한국어 | base64 | base64 -d',
  'X=$(printf \'%300000s\' y); echo ${#X}; printf \'%s\' "$X" | wc -c; echo "$X$X" | tail -c 3 | od -An -c',
  "printf '%2000000s' x | wc -c",
];

describe('the just-bash patches', () => {
  it('are applied in this install (npm install runs scripts/patchJustBash.ts)', () => {
    expect(patchStates().map((s) => `${s.patch.name}: ${s.state}`)).toEqual(PATCHES.map((p) => `${p.name}: applied`));
  });

  it("apply to the release's text once, and name the patch whose text a release lacks", () => {
    const dir = releaseCopy();
    expect(patchStates(dir).every((s) => s.state === 'pending')).toBe(true);
    expect(applyPatches(dir)).toBe(PATCHES.length);
    for (const file of new Set(PATCHES.map((p) => p.file)))
      expect(readFileSync(join(dir, file), 'utf8')).toBe(readFileSync(join(justBashDir(), file), 'utf8'));
    expect(applyPatches(dir)).toBe(0);

    const other = releaseCopy();
    const file = join(other, PATCHES[1]!.file);
    writeFileSync(file, readFileSync(file, 'utf8').replace(PATCHES[1]!.from, 'function x(t){return 0}'));
    expect(() => applyPatches(other)).toThrow(`the text of the patch "${PATCHES[1]!.name}" is not there`);
  });

  it('leave what the shell prints as the release prints it: multi-byte, astral and raw bytes, big strings', () => {
    const release = outputs(join(releaseCopy(), 'dist', 'bundle', 'index.js'), SCRIPTS);
    const patched = outputs(join(justBashDir(), 'dist', 'bundle', 'index.js'), SCRIPTS);
    expect(patched).toEqual(release);
    expect(patched[0]!.stdout).toMatch(/^5\n\s*11\n\s*5\n$/);
    expect(patched[5]!.stdout).toMatch(/^300000\n\s*300000\n/);
  });
});
