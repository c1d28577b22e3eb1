import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabFileError, UnknownLabError, labIds, loadAllLabs, loadLab, loadLabFile } from './load.ts';

const good = fileURLToPath(new URL('./fixtures/good', import.meta.url));
const bad = (name: string) => fileURLToPath(new URL(`./fixtures/bad/${name}.yaml`, import.meta.url));

function errorOf(name: string): LabFileError {
  try {
    loadLabFile(bad(name), { contentDir: good, expectedId: 'egress' });
  } catch (e) {
    if (e instanceof LabFileError) return e;
    throw e;
  }
  throw new Error(`${name} loaded without error`);
}

describe('loadLab', () => {
  it('validates, fills defaults and resolves editor files from samples/', () => {
    const lab = loadLab('traffic-shifting', { contentDir: good });
    expect(lab.namespace).toBe('default');
    expect(lab.steps.map((s) => s.id)).toEqual(['route', 'look']);
    expect(lab.steps[0]!.files[0]!.content).toContain('kind: VirtualService');
    expect(lab.steps[0]!.files[1]!.content).toBe('kind: ConfigMap\n');
    expect(lab.steps[1]!.observes).toBe(true);
    expect(lab.steps[0]!.check).toMatchObject({ type: 'object', timeoutSeconds: 20, absent: false });
  });

  it('lists every lab in chapter order', () => {
    expect(loadAllLabs({ contentDir: good }).map((l) => [l.id, l.status])).toEqual([
      ['traffic-shifting', 'ready'],
      ['mirroring', 'planned'],
    ]);
  });

  it('refuses an unknown id, naming the valid ones', () => {
    expect(() => loadLab('trafic', { contentDir: good })).toThrow(UnknownLabError);
    expect(() => loadLab('trafic', { contentDir: good })).toThrow('valid lab ids: mirroring, traffic-shifting');
  });

  it('finds the chapters from the lab files alone', () => {
    expect(labIds({ contentDir: good })).toEqual(['mirroring', 'traffic-shifting']);
    expect(() => loadLab('egress', { contentDir: good })).toThrow(UnknownLabError);
  });

  it('refuses two chapters with the same order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'labs-order-'));
    try {
      cpSync(good, dir, { recursive: true });
      const mirroring = join(dir, 'labs', 'mirroring.yaml');
      writeFileSync(mirroring, readFileSync(mirroring, 'utf8').replace(/^order: \d+$/m, 'order: 1'));
      expect(() => loadAllLabs({ contentDir: dir })).toThrow(/order: 1 is also the order of "/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads $LABS_CONTENT_DIR when no directory is given', () => {
    const before = process.env.LABS_CONTENT_DIR;
    process.env.LABS_CONTENT_DIR = good;
    try {
      expect(loadAllLabs().map((l) => l.id)).toEqual(['traffic-shifting', 'mirroring']);
    } finally {
      if (before === undefined) delete process.env.LABS_CONTENT_DIR;
      else process.env.LABS_CONTENT_DIR = before;
    }
  });

  it("loads the repository's own lab files", () => {
    const labs = loadAllLabs();
    expect(labs.length).toBeGreaterThan(0);
    for (const lab of labs)
      for (const step of lab.steps) for (const f of step.files) expect(f.content.length).toBeGreaterThan(0);
  });
});

describe('malformed lab files', () => {
  it('names the file, the path and the valid check types', () => {
    const e = errorOf('check-type');
    expect(e.message).toMatch(
      new RegExp(
        String.raw`fixtures\/bad\/check-type\.yaml: steps\[2\]\.check\.type: Received "trafic"; Expected one of object,` +
          String.raw` traffic, http, exec, shell, logs, ran, observed, all \(line 16\)$`,
      ),
    );
    expect(e.problems).toHaveLength(1);
  });

  it('reports YAML syntax errors with line and column', () => {
    expect(errorOf('yaml-syntax').message).toMatch(/yaml-syntax\.yaml: line 3, column 1: YAML: /);
  });

  it('reports an editor file whose source does not exist', () => {
    expect(errorOf('missing-source').message).toMatch(
      /steps\[0\]\.files\[0\]\.source: no such file .*samples\/demo\/gone\.yaml/,
    );
  });

  it('reports every problem of a file, one line each', () => {
    const { problems } = errorOf('many-problems');
    expect(problems).toEqual([
      'id: a lab id is lowercase words joined by hyphens, e.g. traffic-shifting (line 1)',
      'title.en: Required; Expected string (line 4)',
      'steps[0].check.expect: expected shares must sum to 1 (line 15)',
      'steps[0].hintz: Unrecognized key; remove it or check its spelling (line 9)',
    ]);
  });

  it('reports a wrong field type inside the right check type', () => {
    expect(errorOf('check-field').problems).toEqual([
      'steps[0].check.expect.status: Received "two hundred"; Expected number (line 13)',
    ]);
  });

  it('refuses a file whose id differs from its name', () => {
    expect(() => loadLabFile(`${good}/labs/mirroring.yaml`, { contentDir: good, expectedId: 'egress' })).toThrow(
      /id: Received "mirroring"; Expected "egress"/,
    );
  });
});
