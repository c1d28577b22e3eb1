/** Fake PATH directories with stub executables, for preflight and cluster command tests. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A stub program: what it prints for any arguments, and its exit status. */
export interface StubProgram {
  stdout?: string;
  stderr?: string;
  code?: number;
}

/** A temporary directory holding stub executables; `remove()` deletes it. */
export interface FakePath {
  dir: string;
  remove(): void;
}

/** Makes a directory of shell-script stubs named after the keys of `programs`. */
export function makeFakePath(programs: Record<string, StubProgram>): FakePath {
  const dir = mkdtempSync(join(tmpdir(), 'labs-fake-path-'));
  for (const [name, p] of Object.entries(programs)) {
    const file = join(dir, name);
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    writeFileSync(
      file,
      `#!/bin/sh\nprintf %s ${quote(p.stdout ?? '')}\nprintf %s ${quote(p.stderr ?? '')} >&2\nexit ${p.code ?? 0}\n`,
    );
    chmodSync(file, 0o755);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Stubs of all four prerequisites in good versions. */
export function healthyPrograms(): Record<string, StubProgram> {
  return {
    docker: { stdout: '28.2.2\n' },
    kind: { stdout: 'kind v0.30.0 go1.24.6 linux/amd64\n' },
    kubectl: { stdout: JSON.stringify({ clientVersion: { major: '1', minor: '34', gitVersion: 'v1.34.1' } }) },
    istioctl: { stdout: 'client version: 1.30.0\n' },
  };
}
