/** HTTP from outside through a Gateway API gateway on kind: a port-forward to its generated pod, or curl's refusal. */
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HttpOrigin, K8sObject } from '../../contract.ts';
import { explainGatewayEntry } from '../../checks/gatewayEntry.ts';
import { labSchema } from '../../labs/schema.ts';
import type { KindEnvironment } from './environment.ts';
import { targetContainerPort } from './gatewayApiEntry.ts';
import { kindBackendFromParts } from './index.ts';
import { FakeKubeApi } from './testing/fakeKubeApi.ts';

const lab = labSchema.parse({
  id: 'ingress',
  order: 3,
  status: 'ready',
  title: { ko: '인그레스', en: 'Ingress' },
  summary: { ko: '요약', en: 'Summary' },
  steps: [{ id: 'one', title: { ko: '하나', en: 'One' } }],
});

const THROUGH: HttpOrigin = { kind: 'outside', gateway: { name: 'httpbin-gateway', namespace: 'default' } };

/** The Gateway as istiod leaves it: one HTTP listener on 80, Programmed or not. */
function gateway(namespace: string, programmed: boolean, port = 80): K8sObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'httpbin-gateway', namespace },
    spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port, protocol: 'HTTP' }] },
    status: {
      conditions: [
        { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Resource accepted' },
        programmed
          ? { type: 'Programmed', status: 'True', reason: 'Programmed', message: 'Resource programmed' }
          : {
              type: 'Programmed',
              status: 'False',
              reason: 'AddressNotAssigned',
              message: 'address pending for hostname "httpbin-gateway-istio.default.svc.cluster.local"',
            },
      ],
    },
  };
}

/** The generated Service and pod: Service port 80 to the pod's port named `http` (8080 here, to tell them apart). */
function generated(namespace: string): K8sObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'httpbin-gateway-istio', namespace },
      spec: {
        type: 'NodePort',
        ports: [
          { name: 'status-port', port: 15021, targetPort: 15021 },
          { name: 'http', port: 80, targetPort: 'http', nodePort: 31234 },
        ],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'httpbin-gateway-istio-5d9c-abcde',
        namespace,
        labels: { 'gateway.networking.k8s.io/gateway-name': 'httpbin-gateway' },
      },
      spec: { containers: [{ name: 'istio-proxy', ports: [{ name: 'http', containerPort: 8080 }] }] },
    },
  ];
}

let api: FakeKubeApi;
let server: Server | undefined;

async function makeEnv(classroom: boolean): Promise<KindEnvironment> {
  const backend = await kindBackendFromParts({ api, classroom, gateway: { serviceType: 'NodePort' }, samples: {} });
  return (await backend.createEnvironment({ lab, owner: 'session-ada' })) as KindEnvironment;
}

/** A local server standing in for the gateway pod; port-forwards reach it. */
async function gatewayPod(): Promise<void> {
  server = createServer((req, res) => {
    res.writeHead(200, { server: 'istio-envoy' });
    res.end(`${req.headers.host} ${req.url}`);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  api.portForwardHandler = () => connect({ host: '127.0.0.1', port });
}

beforeEach(() => {
  api = new FakeKubeApi();
});
afterEach(async () => {
  if (server) await new Promise<void>((r) => server!.close(() => r()));
  server = undefined;
});

describe('HTTP from outside through a Gateway API gateway (kind)', () => {
  it('port-forwards to the Gateway’s running pod, on the container port behind the Service’s listener port', async () => {
    const env = await makeEnv(false);
    await gatewayPod();
    api.add(gateway('default', true));
    for (const o of generated('default')) api.add(o);
    const r = await env.http(THROUGH, { url: 'http://ingress/headers' });
    expect(r).toMatchObject({ status: 200, body: '127.0.0.1:8080 /headers' });
    expect(api.callsOf('portForward')).toEqual([['default', 'httpbin-gateway-istio-5d9c-abcde', 8080]]);
    expect(api.callsOf('list').at(-1)).toEqual([
      'Pod',
      'default',
      'gateway.networking.k8s.io/gateway-name=httpbin-gateway',
    ]);
    const named = await env.http(THROUGH, { url: 'http://httpbin.example.com/status/200' });
    expect(named.body).toBe('httpbin.example.com /status/200');
  });

  it('in a class, the lab’s namespace is the learner’s: the Gateway is read and reached there', async () => {
    const env = await makeEnv(true);
    const namespace = env.namespaceFor('default');
    expect(namespace).not.toBe('default');
    await gatewayPod();
    api.add(gateway(namespace, true));
    for (const o of generated(namespace)) api.add(o);
    const r = await env.http(THROUGH, { url: 'http://ingress/headers' });
    expect(r.status).toBe(200);
    expect(api.callsOf('portForward')).toEqual([[namespace, 'httpbin-gateway-istio-5d9c-abcde', 8080]]);
  });

  it('a Gateway that is missing, not Programmed, or has no listener on the port refuses the connection (curl 7)', async () => {
    const env = await makeEnv(false);
    await gatewayPod();
    const missing = await env.http(THROUGH, { url: 'http://ingress/headers' });
    expect(missing).toMatchObject({ status: 0, error: { curlExitCode: 7 } });
    for (const o of generated('default')) api.add(o);
    api.add(gateway('default', false));
    expect((await env.http(THROUGH, { url: 'http://ingress/headers' })).error?.curlExitCode).toBe(7);
    api.add(gateway('default', true, 8081));
    expect((await env.http(THROUGH, { url: 'http://ingress/headers' })).error?.curlExitCode).toBe(7);
    // The URL's port names the listener: 8081 is there, but the Service has no such port yet.
    expect((await env.http(THROUGH, { url: 'http://ingress:8081/headers' })).error?.curlExitCode).toBe(7);
    expect(api.callsOf('portForward')).toEqual([]);
    api.add(gateway('default', true));
    expect((await env.http(THROUGH, { url: 'http://ingress/headers' })).status).toBe(200);
  });

  it('no running pod of the Gateway: refused, without a port-forward', async () => {
    const env = await makeEnv(false);
    api.add(gateway('default', true));
    const [service, pod] = generated('default');
    api.add(service!);
    api.add({ ...pod!, status: { phase: 'Pending' } });
    expect((await env.http(THROUGH, { url: 'http://ingress/headers' })).error?.curlExitCode).toBe(7);
    expect(api.callsOf('portForward')).toEqual([]);
  });

  it('the check reads the Gateway through the environment (Kind.group) and says it is not Programmed', async () => {
    const env = await makeEnv(false);
    api.add(gateway('default', false));
    const r = await env.http(THROUGH, { url: 'http://ingress/headers' });
    const why = await explainGatewayEntry(
      env,
      { name: 'httpbin-gateway', namespace: 'default' },
      {
        url: 'http://ingress/headers',
        headers: {},
      },
      r,
    );
    expect(why?.en).toContain('Gateway default/httpbin-gateway is not Programmed yet (AddressNotAssigned');
  });
});

describe('targetContainerPort', () => {
  const pod: K8sObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'istio-proxy', ports: [{ name: 'http', containerPort: 8080 }] }] },
  };
  it.each([
    [{ port: 80, targetPort: 80 }, 80],
    [{ port: 80 }, 80],
    [{ port: 80, targetPort: '8080' }, 8080],
    [{ port: 80, targetPort: 'http' }, 8080],
    [{ port: 80, targetPort: 'nope' }, undefined],
  ])('%j -> %s', (servicePort, expected) => {
    expect(targetContainerPort(servicePort, pod)).toBe(expected);
  });
});
