/**
 * kubectl patch, run, cp, debug, top, get crd/ingress and api-resources on the whole simulator: their flags and
 * their refusals, whole results as kubectl 1.34 prints them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { podName, simWorld, type SimWorld } from '../../testing/simWorld.ts';

let w: SimWorld;

beforeAll(async () => {
  w = await simWorld(5);
  await w.run('kubectl label namespace default istio-injection=enabled');
  await w.run('kubectl apply -f samples/bookinfo/platform/kube/bookinfo.yaml -f samples/sleep/sleep.yaml');
  await w.run('kubectl apply -f samples/bookinfo/networking/virtual-service-all-v1.yaml');
  await w.run('kubectl apply -f samples/bookinfo/networking/destination-rule-all.yaml');
  await w.settle();
});

const ok = (stdout: string) => ({ stdout, stderr: '', exitCode: 0 });
const fail = (stderr: string) => ({ stdout: '', stderr, exitCode: 1 });

describe('kubectl patch', () => {
  it('patches a Deployment (strategic by default), says "no change" when nothing changes', async () => {
    expect(await w.run(`kubectl patch deployment reviews-v1 -p '{"spec":{"replicas":2}}'`)).toEqual(
      ok('deployment.apps/reviews-v1 patched\n'),
    );
    expect(await w.run(`kubectl patch deployment reviews-v1 -p '{"spec":{"replicas":2}}'`)).toEqual(
      ok('deployment.apps/reviews-v1 patched (no change)\n'),
    );
    expect(
      await w.run(
        `kubectl patch deploy reviews-v1 --type merge -p 'spec: {replicas: 1}' -o jsonpath='{.spec.replicas}'`,
      ),
    ).toEqual(ok('1'));
    expect(
      await w.run(
        `kubectl patch deploy/reviews-v1 --type=json -p='[{"op":"replace","path":"/spec/replicas","value":3}]' --dry-run=server`,
      ),
    ).toEqual(ok('deployment.apps/reviews-v1 patched (server dry run)\n'));
    expect((w.cluster.get('Deployment', 'default', 'reviews-v1')!.spec as { replicas: number }).replicas).toBe(1);
  });

  it('patches a VirtualService with merge or json, and refuses a strategic merge on a custom resource', async () => {
    expect(
      await w.run(
        `kubectl patch virtualservice reviews --type=merge -p ` +
          `'{"spec":{"http":[{"route":[{"destination":{"host":"reviews","subset":"v3"}}]}]}}'`,
      ),
    ).toEqual(ok('virtualservice.networking.istio.io/reviews patched\n'));
    expect(await w.run(`kubectl get vs reviews -o jsonpath='{.spec.http[0].route[0].destination.subset}'`)).toEqual(
      ok('v3'),
    );
    expect(await w.run(`kubectl patch vs reviews -p '{"spec":{"http":[]}}'`)).toEqual(
      fail(
        'Error from server (UnsupportedMediaType): the body of the request was in an unknown format - accepted media ' +
          'types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml\n',
      ),
    );
  });

  it.each([
    ['kubectl patch vs reviews', 'error: must specify --patch or --patch-file containing the contents of the patch\n'],
    ["kubectl patch vs reviews --type=foo -p '{}'", 'error: --type must be one of [json merge strategic], not "foo"\n'],
    ["kubectl patch vs -p '{}'", 'error: resource(s) were provided, but no name was specified\n'],
    [
      "kubectl patch vs nope --type merge -p '{}'",
      'Error from server (NotFound): virtualservices.networking.istio.io "nope" not found\n',
    ],
    [
      `kubectl patch vs reviews --type json -p '[{"op":"remove","path":"/spec/nope"}]'`,
      'The request is invalid: the server rejected our request due to an error in our request\n',
    ],
    [
      `kubectl patch vs reviews --type json -p '{"op":"add"}'`,
      `error: unable to parse "{"op":"add"}": json: cannot unmarshal object into Go value of type jsonpatch.Patch\n`,
    ],
    [
      "kubectl patch vs reviews --typo=merge -p '{}'",
      "error: unknown flag: --typo\nSee 'kubectl patch --help' for usage.\n",
    ],
  ])('%s', async (line, stderr) => {
    expect(await w.run(line)).toEqual(fail(stderr));
  });
});

describe('kubectl run', () => {
  it('creates a pod labelled run=NAME, and with -i --rm runs the image process and removes the pod', async () => {
    expect(await w.run('kubectl run probe --image=curlimages/curl --restart=Never --command -- sleep 3600')).toEqual(
      ok('pod/probe created\n'),
    );
    expect(w.cluster.get('Pod', 'default', 'probe')!.metadata.labels).toMatchObject({ run: 'probe' });
    expect(
      await w.run('kubectl run once --image=curlimages/curl -i --rm --restart=Never -- -s http://reviews:9080/health'),
    ).toEqual(ok('{"status": "Reviews is healthy"}pod "once" deleted from default namespace\n'));
    expect(w.cluster.get('Pod', 'default', 'once')).toBeUndefined();
    expect(await w.run('kubectl run x --image=nginx --dry-run=client -o jsonpath={.spec.containers[0].image}')).toEqual(
      ok('nginx'),
    );
  });

  it.each([
    ['kubectl run', "error: NAME is required for run\nSee 'kubectl run -h' for help and examples\n"],
    ['kubectl run x', 'error: required flag(s) "image" not set\n'],
    ['kubectl run x --image=nginx --rm', 'error: --rm should only be used for attached containers\n'],
    ['kubectl run x --image=nginx --restart=Sometimes', 'error: invalid restart policy: Sometimes\n'],
    ['kubectl run x --image=nginx --expose', 'error: --port must be set when exposing a service\n'],
    ['kubectl run probe --image=nginx', 'Error from server (AlreadyExists): pods "probe" already exists\n'],
    [
      'kubectl run -it shell --image=busybox -- sh',
      'error: an interactive shell cannot be attached in this lab terminal; run one command at a ' +
        'time instead: kubectl run shell --image=busybox -i --rm --restart=Never -- sh -c "COMMAND"\n',
    ],
  ])('%s', async (line, stderr) => {
    expect(await w.run(line)).toEqual(fail(stderr));
  });
});

describe('kubectl cp', () => {
  it('copies files and directories both ways through the container', async () => {
    await w.settle();
    const pod = podName(w, 'app=sleep');
    await w.run('mkdir -p d/e && echo 1 > d/a && echo 2 > d/e/b && echo hello > x.txt');
    expect(await w.run(`kubectl cp x.txt ${pod}:/tmp/ -c sleep`)).toEqual(ok(''));
    expect(await w.run(`kubectl exec ${pod} -c sleep -- cat /tmp/x.txt`)).toEqual(ok('hello\n'));
    expect(await w.run(`kubectl cp d default/${pod}:/tmp/d -c sleep`)).toEqual(ok(''));
    expect(await w.run(`kubectl cp ${pod}:/tmp/d copied -c sleep && cat copied/a copied/e/b`)).toEqual({
      stdout: '1\n2\n',
      stderr: "tar: removing leading '/' from member names\n",
      exitCode: 0,
    });
  });

  it.each([
    ['kubectl cp a', "error: source and destination are required\nSee 'kubectl cp -h' for help and examples\n"],
    ['kubectl cp a b', 'error: one of src or dest must be a remote file specification\n'],
    ['kubectl cp p:a q:b', 'error: one of src or dest must be a local file specification\n'],
    ['kubectl cp nope.txt probe:/tmp', "error: nope.txt doesn't exist in local filesystem\n"],
    ['kubectl cp x.txt ghost:/tmp', 'Error from server (NotFound): pods "ghost" not found\n'],
  ])('%s', async (line, stderr) => {
    expect(await w.run(line)).toEqual(fail(stderr));
  });

  it('needs tar in the container, as kubectl does (distroless go-httpbin has none)', async () => {
    await w.run('kubectl apply -f samples/httpbin/httpbin.yaml');
    await w.settle();
    const r = await w.run(`kubectl cp x.txt ${podName(w, 'app=httpbin')}:/tmp/x -c httpbin`);
    expect(r).toEqual(
      fail(
        'OCI runtime exec failed: exec failed: unable to start container process: exec: "tar": ' +
          'executable file not found in $PATH: unknown\ncommand terminated with exit code 126\n',
      ),
    );
  });
});

describe('kubectl debug', () => {
  it('adds an ephemeral container, runs its command attached, and lets exec reach it later', async () => {
    const pod = podName(w, 'app=productpage');
    const r = await w.run(`kubectl debug ${pod} -i --image=busybox -c dbg --target=productpage -- sh -c 'hostname'`);
    expect(r).toEqual(ok(`${pod}\n`));
    const spec = w.cluster.get('Pod', 'default', pod)!.spec as {
      ephemeralContainers: { name: string; targetContainerName: string }[];
    };
    expect(spec.ephemeralContainers).toMatchObject([{ name: 'dbg', targetContainerName: 'productpage' }]);
    expect(await w.run(`kubectl exec ${pod} -c dbg -- echo hi`)).toEqual(ok('hi\n'));
    expect((await w.run(`kubectl debug ${pod} --image=busybox`)).stderr).toMatch(
      /^Defaulting debug container name to debugger-[a-z0-9]{5}\.\n$/,
    );
  });

  it.each([
    [
      'kubectl debug',
      "error: one of -f or TYPE/NAME must be specified\nSee 'kubectl debug -h' for help and examples\n",
    ],
    ['kubectl debug probe', 'error: --image is required for ephemeral containers\n'],
    ['kubectl debug probe --image=busybox --profile=root', 'error: unknown profile: root\n'],
    [
      'kubectl debug probe --image=busybox -c probe',
      'Error from server (Invalid): Pod "probe" is invalid: spec.ephemeralContainers[0].name: Duplicate value: "probe"\n',
    ],
    ['kubectl debug probe --image=busybox --target=nope', 'error: ephemeral container "debugger-'],
    [
      'kubectl debug node/kind-control-plane -it --image=busybox',
      "error: debugging a node needs a privileged pod on the node's host namespaces, which this simulated kind " +
        'cluster cannot run; debug a pod instead (kubectl debug POD -it --image=busybox --target=CONTAINER)\n',
    ],
  ])('%s', async (line, stderr) => {
    const r = await w.run(line);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    if (stderr.endsWith('\n')) expect(r.stderr).toBe(stderr);
    else expect(r.stderr).toMatch(new RegExp(`^${stderr}[a-z0-9]{5}" target container "nope" not found in pod\\n$`));
  });
});

describe('kubectl top', () => {
  it.each([
    ['kubectl top pod', fail('error: Metrics API not available\n')],
    ['kubectl top node', fail('error: Metrics API not available\n')],
    ['kubectl top pods -A', fail('error: Metrics API not available\n')],
    ['kubectl top cpu', fail('error: unknown command "cpu" for "kubectl top"\n\nDid you mean this?\n\tnode\n\tpod\n')],
    ['kubectl top pod --sort=cpu', fail("error: unknown flag: --sort\nSee 'kubectl top --help' for usage.\n")],
  ])('%s', async (line, result) => {
    expect(await w.run(line)).toEqual(result);
  });
});

describe('what the API serves', () => {
  it("lists Istio's CRDs, kind's Ingresses (none) and api-resources as kind 1.34 with Istio 1.30 has them", async () => {
    const crds = await w.run('kubectl get crd -o name');
    expect(crds).toEqual(
      ok(
        [
          'authorizationpolicies.security.istio.io',
          'destinationrules.networking.istio.io',
          'envoyfilters.networking.istio.io',
          'gateways.networking.istio.io',
          'peerauthentications.security.istio.io',
          'proxyconfigs.networking.istio.io',
          'requestauthentications.security.istio.io',
          'serviceentries.networking.istio.io',
          'sidecars.networking.istio.io',
          'telemetries.telemetry.istio.io',
          'trafficextensions.extensions.istio.io',
          'virtualservices.networking.istio.io',
          'wasmplugins.extensions.istio.io',
          'workloadentries.networking.istio.io',
          'workloadgroups.networking.istio.io',
        ]
          .map((n) => `customresourcedefinition.apiextensions.k8s.io/${n}\n`)
          .join(''),
      ),
    );
    expect(await w.run('kubectl get ingress --all-namespaces')).toEqual({
      stdout: '',
      stderr: 'No resources found\n',
      exitCode: 0,
    });
    expect(await w.run('kubectl get tokenreviews')).toEqual(
      fail('Error from server (MethodNotAllowed): the server does not allow this method on the requested resource\n'),
    );
    const resources = (await w.run('kubectl api-resources --no-headers')).stdout.trim().split('\n');
    expect(resources).toHaveLength(80);
    expect(resources.filter((l) => l.includes('istio.io/'))).toHaveLength(15);
    expect(resources).toContainEqual(expect.stringMatching(/^ingresses +ing +networking\.k8s\.io\/v1 +true +Ingress$/));
    expect(resources).toContainEqual(
      expect.stringMatching(
        /^customresourcedefinitions +crd,crds +apiextensions\.k8s\.io\/v1 +false +CustomResourceDefinition$/,
      ),
    );
  });

  it('serves an Ingress with its columns', async () => {
    await w.run(
      `kubectl apply -f - <<'EOF'\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  ` +
        `name: gw\nspec:\n  ingressClassName: istio\n  rules:\n  - host: a.example.com\n    http:\n ` +
        `     paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          ` +
        `service:\n            name: productpage\n            port:\n              number: 9080\nEOF`,
    );
    expect(await w.run('kubectl get ing gw')).toEqual(
      ok('NAME   CLASS   HOSTS           ADDRESS   PORTS   AGE\ngw     istio   a.example.com             80      0s\n'),
    );
  });
});
