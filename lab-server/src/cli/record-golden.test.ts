import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kindBackendFromParts } from '../backends/kind/index.ts';
import { FakeKubeApi } from '../backends/kind/testing/fakeKubeApi.ts';
import type { LoadedLab } from '../labs/load.ts';
import { labSchema } from '../labs/schema.ts';
import { recordLab, type GoldenFile } from './record-golden.ts';

// The kind backend over a fake API whose toolbox exec runs this machine's real bash: the recording
// script, the solutions and the golden files are real; only the cluster is missing.
describe('record-golden', () => {
  it("writes one file per step with each command's stdout, stderr and exit code, and a failure note for a failing step", async () => {
    const api = new FakeKubeApi();
    api.execHandler = ({ argv, stdin }) => {
      const r = spawnSync(
        argv[0]!,
        argv.slice(1).map((a) => a.replace('cd /root', `cd ${tmpdir()}`)),
        { input: stdin ?? '', encoding: 'utf8' },
      );
      return { stdout: r.stdout, stderr: r.stderr, exitCode: r.status ?? 1 };
    };
    const backend = await kindBackendFromParts({
      api,
      classroom: false,
      gateway: { serviceType: 'NodePort' },
      samples: {},
    });
    const lab = labSchema.parse({
      id: 'egress',
      order: 4,
      status: 'ready',
      title: { ko: '이그레스', en: 'Egress' },
      summary: { ko: '요약', en: 'Summary' },
      steps: [
        {
          id: 'source-pod',
          title: { ko: 'a', en: 'a' },
          commands: ['export SOURCE_POD=sleep-abc', 'echo "pod: $SOURCE_POD"', 'ls /no/such/dir'],
          solution: 'true',
        },
        { id: 'broken', title: { ko: 'b', en: 'b' }, commands: ['echo before'], solution: 'echo failing >&2; false' },
      ],
    }) as unknown as LoadedLab;
    const out = mkdtempSync(join(tmpdir(), 'golden-'));
    const lines: string[] = [];
    const failed = await recordLab(lab, backend, out, (l) => lines.push(l));
    expect(failed).toEqual(['egress/broken']);
    const golden = JSON.parse(readFileSync(join(out, 'egress', 'source-pod.json'), 'utf8')) as GoldenFile;
    expect(golden).toMatchObject({ lab: 'egress', step: 'source-pod', backend: 'kind' });
    expect(golden.commands.map((c) => [c.command, c.stdout, c.exitCode])).toEqual([
      ['export SOURCE_POD=sleep-abc', '', 0],
      ['echo "pod: $SOURCE_POD"', 'pod: sleep-abc\n', 0],
      ['ls /no/such/dir', '', 2],
    ]);
    expect(golden.commands[2]!.stderr).toContain('No such file or directory');
    expect(readFileSync(join(out, 'egress', 'broken.failed.txt'), 'utf8')).toMatch(/^solution exited with 1:\nfailing/);
    expect(existsSync(join(out, 'egress', 'broken.json'))).toBe(true);
    expect(lines).toEqual(['✓ egress/source-pod (3 commands recorded)', '✗ egress/broken (1 command recorded)']);
  });
});
