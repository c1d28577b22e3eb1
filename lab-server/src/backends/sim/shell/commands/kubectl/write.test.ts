import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeShell, type KubectlShell } from './testing/harness.ts';
import type { FakeSimCluster } from '../../../cluster/testing/fakeSimCluster.ts';

const SAMPLES = new URL('../../../../../../../content/samples/', import.meta.url);
const sample = (path: string) => readFileSync(new URL(path, SAMPLES), 'utf8');

const VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts:
  - reviews
  http:
  - route:
    - destination:
        host: reviews
        subset: v1
`;
const DR = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews
  subsets:
  - name: v1
    labels:
      version: v1
`;
const SVC_JSON = JSON.stringify({
  apiVersion: 'v1',
  kind: 'List',
  items: [
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'httpbin' }, spec: { ports: [{ port: 8000 }] } },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'httpbin' }, spec: {} },
  ],
});

let sh: KubectlShell<FakeSimCluster>;
beforeEach(() => {
  sh = fakeShell({
    files: {
      'vs.yaml': VS,
      'both.yaml': `${VS}---\n${DR}`,
      'list.json': SVC_JSON,
      'dir/a.yaml': VS,
      'dir/b.yml': DR,
      'dir/notes.txt': 'not a manifest',
      'original-v1.yaml': sample('seed/original/httpbin-v1.yaml'),
      'sleep.yaml': sample('sleep/sleep.yaml'),
      'ns.yaml': `${VS.replace('  name: reviews\n', '  name: reviews\n  namespace: istio-system\n')}`,
      'noname.yaml': VS.replace('  name: reviews\n', ''),
    },
  });
});

describe('kubectl apply', () => {
  it('creates, then leaves unchanged, then configures', async () => {
    expect(await sh.run('kubectl apply -f both.yaml')).toEqual({
      stdout:
        'virtualservice.networking.istio.io/reviews created\ndestinationrule.networking.istio.io/reviews created\n',
      stderr: '',
      exitCode: 0,
    });
    expect((await sh.run('kubectl apply -f both.yaml')).stdout).toBe(
      'virtualservice.networking.istio.io/reviews unchanged\ndestinationrule.networking.istio.io/reviews unchanged\n',
    );
    await sh.run("sed -i 's/subset: v1/subset: v2/' vs.yaml");
    expect((await sh.run('kubectl apply -f vs.yaml')).stdout).toBe(
      'virtualservice.networking.istio.io/reviews configured\n',
    );
    expect(sh.cluster.get('VirtualService', 'default', 'reviews')?.spec).toMatchObject({
      http: [{ route: [{ destination: { subset: 'v2' } }] }],
    });
  });

  it.each([
    ['kubectl apply -f list.json', 'service/httpbin created\ndeployment.apps/httpbin created\n'],
    [
      'kubectl apply -f dir',
      'virtualservice.networking.istio.io/reviews created\ndestinationrule.networking.istio.io/reviews created\n',
    ],
    [
      'kubectl apply -f dir/',
      'virtualservice.networking.istio.io/reviews created\ndestinationrule.networking.istio.io/reviews created\n',
    ],
    ['cat vs.yaml | kubectl apply -f -', 'virtualservice.networking.istio.io/reviews created\n'],
    ['kubectl apply -f - <<EOF\n' + DR + 'EOF', 'destinationrule.networking.istio.io/reviews created\n'],
    [
      'kubectl apply -f sleep.yaml',
      'serviceaccount/sleep created\nservice/sleep created\ndeployment.apps/sleep created\n',
    ],
    [
      'kubectl apply -f vs.yaml -f dir/b.yml',
      'virtualservice.networking.istio.io/reviews created\ndestinationrule.networking.istio.io/reviews created\n',
    ],
  ])('%s', async (command, stdout) => {
    expect(await sh.run(command)).toEqual({ stdout, stderr: '', exitCode: 0 });
  });

  it('puts objects in -n NAMESPACE, and refuses a file whose namespace differs', async () => {
    expect((await sh.run('kubectl apply -f vs.yaml -n istio-system')).stdout).toBe(
      'virtualservice.networking.istio.io/reviews created\n',
    );
    expect(sh.cluster.get('VirtualService', 'istio-system', 'reviews')).toBeDefined();
    expect(await sh.run('kubectl apply -f ns.yaml -n default')).toEqual({
      stdout: '',
      stderr:
        `error: the namespace from the provided object "istio-system" does not match the ` +
        `namespace "default". You must pass '--namespace=istio-system' to perform this operation.\n`,
      exitCode: 1,
    });
  });

  it.each([
    ['client', 'virtualservice.networking.istio.io/reviews created (dry run)\n'],
    ['server', 'virtualservice.networking.istio.io/reviews created (server dry run)\n'],
  ])('--dry-run=%s says what it would do and stores nothing', async (mode, stdout) => {
    expect(await sh.run(`kubectl apply -f vs.yaml --dry-run=${mode}`)).toEqual({ stdout, stderr: '', exitCode: 0 });
    expect(sh.cluster.get('VirtualService', 'default', 'reviews')).toBeUndefined();
  });

  it('-o yaml prints what was applied', async () => {
    const r = await sh.run('kubectl apply -f vs.yaml --dry-run=client -o yaml');
    expect(r.stdout).toMatch(
      /^apiVersion: networking.istio.io\/v1\nkind: VirtualService\nmetadata:\n  name: reviews\n  namespace: default\nspec:\n/,
    );
  });

  it("refuses the seed's extensions/v1beta1 Deployment as kubectl 1.34 does", async () => {
    expect(await sh.run('kubectl apply -f original-v1.yaml')).toEqual({
      stdout: '',
      stderr:
        'error: resource mapping not found for name: "httpbin-v1" namespace: "" from "original-v1.yaml": ' +
        'no matches for kind "Deployment" in version "extensions/v1beta1"\nensure CRDs are installed first\n',
      exitCode: 1,
    });
    // The namespace is the file's own, even with -n.
    expect((await sh.run('kubectl apply -f original-v1.yaml -n default')).stderr).toContain(
      'name: "httpbin-v1" namespace: "" from "original-v1.yaml"',
    );
  });

  it.each([
    [
      'bad-indent',
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n   labels: y\n',
      'yaml: line 5: mapping values are not allowed in this context',
    ],
    [
      'compact',
      'apiVersion: v1\nkind: Service\nmetadata: name: x\n',
      'yaml: line 3: mapping values are not allowed in this context',
    ],
    [
      'tab',
      'apiVersion: v1\nkind: Service\nmetadata:\n\tname: x\n',
      'yaml: line 4: found character that cannot start any token',
    ],
    ['no-colon', 'apiVersion: v1\nkind\nmetadata:\n  name: x\n', "yaml: line 3: could not find expected ':'"],
    ['dedent', 'spec:\n    hosts:\n  - a\n', 'yaml: line 2: did not find expected key'],
    [
      'second-doc',
      `${VS}---\napiVersion: v1\nkind: Service\nmetadata: name: x\n`,
      'yaml: line 3: mapping values are not allowed in this context',
    ],
    [
      'duplicate',
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  name: y\n',
      'yaml: unmarshal errors:\n  line 5: key "name" already set in map',
    ],
    [
      'nested-duplicate',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: "1"\n  b: "2"\n  a: "3"\n',
      'yaml: unmarshal errors:\n  line 8: key "a" already set in map',
    ],
  ])('YAML syntax error (%s) is worded as kubectl words it, and nothing is applied', async (name, text, message) => {
    await sh.run(`cat > bad.yaml <<'EOF'\n${text}EOF`);
    expect(await sh.run('kubectl apply -f bad.yaml')).toEqual({
      stdout: '',
      stderr: `error: error parsing bad.yaml: error converting YAML to JSON: ${message}\n`,
      exitCode: 1,
    });
    expect(sh.cluster.list('VirtualService')).toEqual([]);
    void name;
  });

  it.each([
    ['kubectl apply -f x.yaml', 'error: the path "x.yaml" does not exist\n'],
    ['kubectl apply', 'error: must specify one of -f and -k\n'],
    ['kubectl apply -f vs.yaml --bogus', "error: unknown flag: --bogus\nSee 'kubectl apply --help' for usage.\n"],
  ])('%s', async (command, stderr) => {
    expect(await sh.run(command)).toEqual({ stdout: '', stderr, exitCode: 1 });
  });

  it('a manifest without apiVersion/kind fails validation as kubectl says', async () => {
    await sh.run("printf 'metadata:\\n  name: x\\n' > nokind.yaml");
    expect((await sh.run('kubectl apply -f nokind.yaml')).stderr).toBe(
      'error: error validating "nokind.yaml": error validating data: [apiVersion not set, kind ' +
        'not set]; if you choose to ignore these errors, turn validation off with --validate=false\n',
    );
  });

  it('server errors on create say which file', async () => {
    sh.cluster.reject = {
      code: 422,
      reason: 'Invalid',
      message: 'VirtualService.networking.istio.io "reviews" is invalid: spec.http[0].route: Required value',
    };
    expect(await sh.run('kubectl apply -f vs.yaml')).toEqual({
      stdout: '',
      stderr:
        'Error from server (Invalid): error when creating "vs.yaml": ' +
        'VirtualService.networking.istio.io "reviews" is invalid: spec.http[0].route: Required value\n',
      exitCode: 1,
    });
    sh.cluster.reject = {
      code: 400,
      reason: '',
      message: 'admission webhook "validation.istio.io" denied the request: configuration is invalid: weight 120 > 100',
    };
    expect((await sh.run('kubectl apply -f vs.yaml')).stderr).toBe(
      'Error from server: error when creating "vs.yaml": admission webhook ' +
        '"validation.istio.io" denied the request: configuration is invalid: weight 120 > 100\n',
    );
  });

  it('keeps going after a failing object and fails at the end', async () => {
    await sh.run('cat original-v1.yaml > mixed.yaml; echo --- >> mixed.yaml; cat vs.yaml >> mixed.yaml');
    const r = await sh.run('kubectl apply -f mixed.yaml');
    expect(r.stdout).toBe('virtualservice.networking.istio.io/reviews created\n');
    expect(r.stderr).toContain('no matches for kind "Deployment" in version "extensions/v1beta1"');
    expect(r.exitCode).toBe(1);
  });
});

describe('kubectl create and replace', () => {
  it('create -f creates, then says AlreadyExists', async () => {
    expect(await sh.run('kubectl create -f vs.yaml')).toEqual({
      stdout: 'virtualservice.networking.istio.io/reviews created\n',
      stderr: '',
      exitCode: 0,
    });
    expect(await sh.run('kubectl create -f vs.yaml')).toEqual({
      stdout: '',
      stderr:
        'Error from server (AlreadyExists): error when creating "vs.yaml": virtualservices.networking.istio.io "reviews" already exists\n',
      exitCode: 1,
    });
  });

  it('create namespace', async () => {
    expect(await sh.run('kubectl create namespace foo')).toEqual({
      stdout: 'namespace/foo created\n',
      stderr: '',
      exitCode: 0,
    });
    expect(await sh.run('kubectl create ns foo')).toEqual({
      stdout: '',
      stderr: 'Error from server (AlreadyExists): namespaces "foo" already exists\n',
      exitCode: 1,
    });
  });

  it('replace -f replaces what exists, and says NotFound otherwise', async () => {
    expect(await sh.run('kubectl replace -f vs.yaml')).toEqual({
      stdout: '',
      stderr:
        'Error from server (NotFound): error when replacing "vs.yaml": virtualservices.networking.istio.io "reviews" not found\n',
      exitCode: 1,
    });
    await sh.run('kubectl apply -f vs.yaml');
    expect(await sh.run('kubectl replace -f vs.yaml')).toEqual({
      stdout: 'virtualservice.networking.istio.io/reviews replaced\n',
      stderr: '',
      exitCode: 0,
    });
  });
});

describe('kubectl apply -f URL of an Istio sample', () => {
  it('reads the sample from the lab (no internet), and says 404 for anything else', async () => {
    const samples = new Map([
      ['bookinfo/networking/bookinfo-gateway.yaml', sample('bookinfo/networking/bookinfo-gateway.yaml')],
    ]);
    const shell = fakeShell({ samples });
    expect(
      await shell.run(
        'kubectl apply -f https://raw.githubusercontent.com/istio/istio/release-1.30/samples/bookinfo/networking/bookinfo-gateway.yaml',
      ),
    ).toEqual({
      stdout:
        'gateway.networking.istio.io/bookinfo-gateway created\nvirtualservice.networking.istio.io/bookinfo created\n',
      stderr: '',
      exitCode: 0,
    });
    expect(await shell.run('kubectl apply -f https://example.com/x.yaml')).toEqual({
      stdout: '',
      stderr:
        'error: unable to read URL "https://example.com/x.yaml", server reported 404 Not Found, status code=404\n',
      exitCode: 1,
    });
  });
});

describe('kubectl apply of many objects', () => {
  it('gives the thread away between objects now and then, so the other environments of its worker get turns', async () => {
    const shell = fakeShell({
      files: {
        'many.yaml': Array.from(
          { length: 1000 },
          (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  k: v\n`,
        ).join('---\n'),
      },
    });
    let turns = 0;
    let counting = true;
    const tick = () => {
      turns++;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    const r = await shell.run('kubectl apply -f many.yaml');
    counting = false;
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1000);
    // Without its pauses the whole apply would run in one turn of the event loop.
    expect(turns).toBeGreaterThan(3);
  });
});
