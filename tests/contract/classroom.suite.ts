/**
 * The classroom part of the contract: two learners of one class on the same backend at once, each applying the same
 * Gateway and VirtualService (same names, same hosts, same selector), and each one's checks seeing only their own
 * routes, through their own ingress gateway, found the way the lessons find it. On a shared gateway this cannot
 * hold (Istio merges or rejects the same host's routes), so it fails on a backend without per-learner ingress.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpResult, LabBackend, LabEnvironment } from '../../lab-server/src/contract.ts';
import type { ContractSuiteOptions } from './contract.suite.ts';
import { contractLab } from './contractLab.ts';

/** The lessons' lines that find the ingress gateway (traffic-shifting's INGRESS_HOST, ingress's INGRESS_PORT). */
const FIND_INGRESS = [
  "export INGRESS_HOST=$(kubectl get nodes -o jsonpath='{.items[0].status.addresses[0].address}')",
  'export INGRESS_PORT=$(kubectl -n istio-system get service istio-ingressgateway ' +
    '-o jsonpath=\'{.spec.ports[?(@.name=="http2")].nodePort}\')',
  'echo "$INGRESS_HOST:$INGRESS_PORT"',
].join('\n');

/** The sample's `httpbin` VirtualService, with a response header naming the learner who applied it. */
function routeOf(learner: string): string {
  return [
    'kubectl apply -f - <<EOF',
    'apiVersion: networking.istio.io/v1',
    'kind: VirtualService',
    'metadata:',
    '  name: httpbin',
    'spec:',
    '  hosts:',
    '  - "*"',
    '  gateways:',
    '  - httpbin-gateway',
    '  http:',
    '  - headers:',
    '      response:',
    '        set:',
    `          x-routed-for: ${learner}`,
    '    route:',
    '    - destination:',
    '        host: httpbin',
    '        port:',
    '          number: 8000',
    'EOF',
    '',
  ].join('\n');
}

const routedFor = (r: HttpResult) => `${r.status} ${r.headers['x-routed-for'] ?? '-'}`;

/** Registers the suite under `describe(name)`. */
export function defineClassroomContractSuite(name: string, options: ContractSuiteOptions): void {
  describe(`classroom contract: ${name}`, () => {
    let backend: LabBackend;
    let ada: LabEnvironment;
    let bob: LabEnvironment;
    const poll = { timeout: options.settleTimeoutMs, interval: 250 };
    const outside = (env: LabEnvironment, path: string) =>
      env.http({ kind: 'outside' }, { url: `http://httpbin.example.com${path}` });

    beforeAll(async () => {
      backend = await options.makeBackend();
      ada = await backend.createEnvironment({ lab: contractLab, owner: 'contract-ada', seed: 1 });
      bob = await backend.createEnvironment({ lab: contractLab, owner: 'contract-bob', seed: 2 });
      // Both at once, as a class starts a chapter together.
      await Promise.all([ada.prepare(), bob.prepare()]);
    }, options.prepareTimeoutMs * 2);

    afterAll(async () => {
      await ada?.dispose();
      await bob?.dispose();
      await backend?.close();
    }, options.prepareTimeoutMs);

    it('gives each learner their own namespace behind the lab file\'s "default"', async () => {
      const [adaPod] = await ada.list({ kind: 'Pod', namespace: 'default', labelSelector: 'app=httpbin' });
      const [bobPod] = await bob.list({ kind: 'Pod', namespace: 'default', labelSelector: 'app=httpbin' });
      expect(adaPod?.metadata.namespace).toBeTruthy();
      expect(bobPod?.metadata.namespace).toBeTruthy();
      expect(adaPod!.metadata.namespace).not.toBe(bobPod!.metadata.namespace);
    });

    it("finds each learner's own ingress gateway with the lessons' lines, and reaches it from their terminal", async () => {
      const found = await Promise.all([ada, bob].map((env) => env.runScript(FIND_INGRESS)));
      for (const r of found) expect(r).toMatchObject({ exitCode: 0, output: expect.stringMatching(/^[\d.]+:\d+\n$/) });
      // Two gateways, two node ports.
      expect(found[0]!.output).not.toBe(found[1]!.output);
      for (const env of [ada, bob]) {
        await expect
          .poll(async () => {
            const r = await env.runScript(
              `${FIND_INGRESS}\ncurl -s -o /dev/null -w '%{http_code}\\n' -HHost:httpbin.example.com ` +
                '"http://$INGRESS_HOST:$INGRESS_PORT/status/418"\n',
            );
            return r.output.split('\n').at(-2);
          }, poll)
          .toBe('418');
      }
    });

    it('both apply the same Gateway and VirtualService; each sees only their own route from outside', async () => {
      const applied = await Promise.all([ada.runScript(routeOf('ada')), bob.runScript(routeOf('bob'))]);
      for (const r of applied) expect(r).toMatchObject({ exitCode: 0, output: expect.stringContaining('httpbin') });
      for (const env of [ada, bob]) {
        const gateway = await env.get({ kind: 'Gateway', name: 'httpbin-gateway', namespace: 'default' });
        expect((gateway?.spec as { selector?: object } | undefined)?.selector).toEqual({ istio: 'ingressgateway' });
      }
      await expect.poll(async () => routedFor(await outside(ada, '/status/200')), poll).toBe('200 ada');
      await expect.poll(async () => routedFor(await outside(bob, '/status/200')), poll).toBe('200 bob');
      // And again, interleaved: neither learner's route leaks into the other's gateway.
      for (let i = 0; i < 5; i++) {
        expect(routedFor(await outside(ada, '/status/200'))).toBe('200 ada');
        expect(routedFor(await outside(bob, '/status/200'))).toBe('200 bob');
      }
    });

    it('a route one learner deletes is gone for that learner only', async () => {
      const deleted = await bob.runScript('kubectl delete virtualservice httpbin\n');
      expect(deleted.exitCode).toBe(0);
      await expect.poll(async () => (await outside(bob, '/status/200')).status, poll).toBe(404);
      expect(routedFor(await outside(ada, '/status/200'))).toBe('200 ada');
    });

    it(
      "resets one learner's chapter without touching the other's",
      async () => {
        await bob.reset();
        await expect.poll(async () => routedFor(await outside(bob, '/status/200')), poll).toBe('200 -');
        expect(routedFor(await outside(ada, '/status/200'))).toBe('200 ada');
      },
      options.prepareTimeoutMs,
    );
  });
}
