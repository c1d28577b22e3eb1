/** A step's Gateway API variant: parsed strictly with humane errors, resolved like the step's files, laid over it. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LabFileError, loadLabFile, type LoadedLab } from './load.ts';
import { originSchema, previewSchema } from './schema.ts';
import { allEditorFiles, labApis, labForApi, offersApi, previewForApi, stepForApi } from './variants.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Loads a lab file written from `steps` (YAML text indented under `steps:`), with one sample file. */
function load(steps: string): LoadedLab {
  const dir = mkdtempSync(join(tmpdir(), 'labs-variants-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'labs'));
  mkdirSync(join(dir, 'samples', 'gw'), { recursive: true });
  writeFileSync(join(dir, 'samples', 'gw', 'route.yaml'), 'kind: HTTPRoute\n');
  const path = join(dir, 'labs', 'demo.yaml');
  writeFileSync(
    path,
    `id: demo
order: 1
status: ready
title: { ko: 시험, en: Test }
summary: { ko: 시험, en: Test }
steps:
${steps}`,
  );
  return loadLabFile(path, { contentDir: dir });
}

function problems(steps: string): string[] {
  try {
    load(steps);
  } catch (e) {
    if (e instanceof LabFileError) return e.problems;
    throw e;
  }
  throw new Error('loaded without error');
}

const ROUTE_STEP = `  - id: route
    title: { ko: 라우트, en: Route }
    commands: [kubectl apply -f vs.yaml]
    files:
      - { name: vs.yaml, content: "kind: VirtualService\\n" }
    hints: [{ ko: 힌트, en: A hint }]
    check: { type: object, ref: { kind: VirtualService, name: reviews } }
    solution: kubectl apply -f vs.yaml
`;

describe('a step with a Gateway API variant', () => {
  const lab = load(`${ROUTE_STEP}    gateway:
      title: { ko: HTTPRoute, en: The HTTPRoute }
      commands: [kubectl apply -f route.yaml]
      files:
        - { name: route.yaml, source: gw/route.yaml }
      check: { type: object, ref: { kind: HTTPRoute, name: reviews } }
      solution: kubectl apply -f route.yaml
  - id: look
    title: { ko: 보기, en: Look }
    check: { type: ran, pattern: kubectl get }
    solution: kubectl get pods
`);

  it('resolves the variant’s files from samples/ and fills its check’s defaults', () => {
    expect(lab.steps[0]!.gateway?.files?.[0]).toEqual({
      name: 'route.yaml',
      source: 'gw/route.yaml',
      content: 'kind: HTTPRoute\n',
    });
    expect(lab.steps[0]!.gateway?.check).toMatchObject({ type: 'object', timeoutSeconds: 20 });
  });

  it('is laid over the step in the Gateway API, field by field; Istio’s API reads the step as written', () => {
    const gateway = stepForApi(lab.steps[0]!, 'gateway');
    expect(gateway.title.en).toBe('The HTTPRoute');
    expect(gateway.commands).toEqual(['kubectl apply -f route.yaml']);
    expect(gateway.files.map((f) => f.name)).toEqual(['route.yaml']);
    expect(gateway.solution).toBe('kubectl apply -f route.yaml');
    expect(gateway.check).toMatchObject({ ref: { kind: 'HTTPRoute' } });
    // What the variant does not give stays the step's.
    expect(gateway.hints).toEqual([{ ko: '힌트', en: 'A hint' }]);
    expect(gateway).not.toHaveProperty('gateway');
    const istio = stepForApi(lab.steps[0]!, 'istio');
    expect(istio.check).toMatchObject({ ref: { kind: 'VirtualService' } });
    expect(istio).not.toHaveProperty('gateway');
  });

  it('makes the chapter offer both APIs; a step without a variant is the same in both', () => {
    expect(labApis(lab)).toEqual(['istio', 'gateway']);
    expect(offersApi(lab, 'gateway')).toBe(true);
    const view = labForApi(lab, 'gateway');
    expect(view.steps.map((s) => s.id)).toEqual(['route', 'look']);
    expect(view.steps[1]!.solution).toBe('kubectl get pods');
    expect(allEditorFiles(lab).map((f) => f.name)).toEqual(['vs.yaml', 'route.yaml']);
  });

  it('a chapter without variants offers Istio’s API only and is its own Istio view', () => {
    const plain = load(ROUTE_STEP);
    expect(labApis(plain)).toEqual(['istio']);
    expect(offersApi(plain, 'gateway')).toBe(false);
    expect(labForApi(plain, 'istio')).toBe(plain);
  });
});

describe('a variant the schema refuses, in words', () => {
  it('an empty variant', () => {
    expect(problems(`${ROUTE_STEP}    gateway: {}\n`)).toEqual([
      expect.stringMatching(
        /^steps\[0\]\.gateway: a gateway variant replaces at least one of title, commands, files, hints, solution or check/,
      ),
    ]);
  });

  it('a misspelt field', () => {
    expect(problems(`${ROUTE_STEP}    gateway:\n      comands: [x]\n`)).toEqual([
      expect.stringMatching(/^steps\[0\]\.gateway\.comands: Unrecognized key; remove it or check its spelling/),
    ]);
  });

  it('a variant file that has the name of another step’s file, and one whose sample is missing', () => {
    const found = problems(`${ROUTE_STEP}    gateway:
      files:
        - { name: vs.yaml, source: gw/route.yaml }
        - { name: other.yaml, source: gw/none.yaml }
`);
    expect(found).toEqual([
      expect.stringMatching(
        /^steps\[0\]\.gateway\.files\[0\]\.name: editor file "vs\.yaml" is also a file of step "route"/,
      ),
    ]);
  });

  it('a missing sample of a variant file', () => {
    expect(
      problems(`${ROUTE_STEP}    gateway:\n      files:\n        - { name: other.yaml, source: gw/none.yaml }\n`),
    ).toEqual([expect.stringMatching(/^steps\[0\]\.gateway\.files\[0\]\.source: no such file .*gw\/none\.yaml$/)]);
  });
});

describe('the Preview and checks from outside, in each API', () => {
  const url = 'http://ingress/headers';
  const preview = previewSchema.parse({
    url,
    gateway: { from: { outside: true, gateway: { name: 'httpbin-gateway' } } },
  });

  it('enters through istio-ingressgateway in Istio’s API, and through the named Gateway in the Gateway API', () => {
    expect(previewForApi(preview, 'istio')).toEqual({ url, headers: {}, from: { outside: true } });
    expect(previewForApi(preview, 'gateway')).toEqual({
      url,
      headers: {},
      from: { outside: true, gateway: { name: 'httpbin-gateway', namespace: 'default' } },
    });
  });

  it('a variant may replace the URL and headers too; without a variant both APIs see the same Preview', () => {
    const other = previewSchema.parse({
      url,
      gateway: { url: 'http://ingress/get', headers: { Host: 'a.example.com' } },
    });
    expect(previewForApi(other, 'gateway')).toEqual({
      url: 'http://ingress/get',
      headers: { Host: 'a.example.com' },
      from: { outside: true },
    });
    const plain = previewSchema.parse({ url });
    expect(previewForApi(plain, 'gateway')).toEqual(previewForApi(plain, 'istio'));
  });

  it('a lab whose only variant is its Preview is laid over in the Gateway API', () => {
    const lab = { ...load(ROUTE_STEP), preview };
    expect(labForApi(lab, 'gateway').preview?.from.gateway?.name).toBe('httpbin-gateway');
    expect(labForApi(lab, 'istio').preview?.from.gateway).toBeUndefined();
  });

  it('refuses a Gateway name that is no Kubernetes name, and a misspelt field, in words', () => {
    const bad = originSchema.safeParse({ outside: true, gateway: { name: 'Httpbin_Gateway' } });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('must be a Gateway name (lowercase letters, digits, -)');
    const misspelt = previewSchema.safeParse({ url, gateway: { form: { outside: true } } });
    expect(misspelt.success).toBe(false);
    expect(JSON.stringify(misspelt.error?.issues)).toContain('form');
  });
});
