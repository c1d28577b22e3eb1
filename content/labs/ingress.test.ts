/** The Ingress lab on the simulator: `labs verify` passes, wrong Gateways and VirtualServices fail usefully, the seed's commands work. */
import { afterEach, describe, expect, it } from 'vitest';
import type { LabEnvironment } from '../../lab-server/src/contract.ts';
import { verifyLab } from '../../lab-server/src/cli/verifyLab.ts';
import { loadLab } from '../../lab-server/src/labs/load.ts';
import { openSimLab, runStepCheck, simBackend } from './simLab.ts';

const lab = loadLab('ingress');
const step = (id: string) => lab.steps.find((s) => s.id === id)!;
const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});

async function fresh(seed: number): Promise<LabEnvironment> {
  const open = await openSimLab(lab, seed);
  opened.push(open);
  return open.env;
}

async function run(env: LabEnvironment, script: string): Promise<string> {
  const result = await env.runScript(script);
  expect(result.exitCode, `${script}\n${result.output}`).toBe(0);
  return result.output;
}

const checkOnce = (env: LabEnvironment, id: string) => runStepCheck(env, lab, step(id), env.now(), { retry: false });

describe('ingress on the simulator', () => {
  it('passes `labs verify`: each check fails before its step (unless it observes) and passes after', async () => {
    const backend = await simBackend(31);
    try {
      const verdicts = await verifyLab(lab, backend, { locale: 'en' });
      expect(verdicts.map((v) => v.step)).toEqual(lab.steps.map((s) => s.id));
      for (const v of verdicts) expect(v.ok, `${v.step}: ${v.problem} ${v.details.join(' | ')}`).toBe(true);
    } finally {
      await backend.close();
    }
  });

  it('a VirtualService without `gateways` is not used by the gateway: /status gets 404 and the check says so', async () => {
    const env = await fresh(32);
    await run(env, `kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: httpbin-gateway}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["httpbin.example.com"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: httpbin}
spec:
  hosts: ["httpbin.example.com"]
  http:
  - match: [{uri: {prefix: /status}}]
    route: [{destination: {host: httpbin, port: {number: 8000}}}]
EOF`);
    const outcome = await checkOnce(env, 'route-status');
    expect(outcome.ok).toBe(false);
    expect(outcome.explanation.en).toContain('404');
  });

  it('the browser step fails while only httpbin.example.com is accepted', async () => {
    const env = await fresh(33);
    await run(env, step('gateway').solution);
    expect((await checkOnce(env, 'browser-headers')).ok).toBe(false);
  });

  it('the seed\'s commands: <pending> EXTERNAL-IP, the node port, 200 with server istio-envoy, 404 elsewhere', async () => {
    const env = await fresh(34);
    const out = await run(env, [step('ingress-address').solution, step('gateway').solution, step('route-status').solution, step('headers-404').solution].join('\n'));
    expect(out).toMatch(/^172\.18\.0\.2:30080$/m);
    expect(out).toMatch(/^HTTP\/1\.1 200 OK\r?\nserver: istio-envoy/m);
    expect(out).toMatch(/^HTTP\/1\.1 404 Not Found\r?\nserver: istio-envoy/m);
  });
});
