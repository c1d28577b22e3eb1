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
    const described = (await w.run(`kubectl describe pod ${pod}`)).stdout;
    expect(described).toMatch(/\nEphemeral Containers:\n  dbg:\n(.*\n)*?    Image: +busybox\n/);
    expect(described.indexOf('Ephemeral Containers:')).toBeGreaterThan(described.indexOf('\nContainers:'));
  });

  it("in a terminal, shows its notice before the attached container's output, as kubectl prints it first", async () => {
    const pod = podName(w, 'app=ratings');
    const streamed: string[] = [];
    w.host.stream = (text) => void streamed.push(text);
    try {
      expect(await w.run(`kubectl debug ${pod} -i --image=busybox -- echo hi`)).toEqual(ok('hi\n'));
      expect(streamed.join('')).toMatch(/^Defaulting debug container name to debugger-[a-z0-9]{5}\.\n$/);
    } finally {
      delete w.host.stream;
    }
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

describe('kubectl rollout history', () => {
  it("lists the Deployment's revisions from its ReplicaSets, shows one revision's template, refuses an unknown one", async () => {
    expect(await w.run('kubectl rollout history deploy/details-v1')).toEqual(
      ok('deployment.apps/details-v1 \nREVISION  CHANGE-CAUSE\n1         <none>\n\n'),
    );
    await w.run('kubectl rollout restart deploy/details-v1');
    await w.settle();
    expect(await w.run('kubectl rollout history deploy/details-v1')).toEqual(
      ok('deployment.apps/details-v1 \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n'),
    );
    const two = (await w.run('kubectl rollout history deploy/details-v1 --revision=2')).stdout;
    expect(two).toMatch(/^deployment\.apps\/details-v1 with revision #2\nPod Template:\n {2}Labels:/);
    expect(two).toContain('kubectl.kubernetes.io/restartedAt');
    expect((await w.run('kubectl rollout history deploy/details-v1 --revision=1')).stdout).not.toContain('restartedAt');
    expect(await w.run('kubectl rollout history deploy/details-v1 --revision=9')).toEqual(
      fail('error: unable to find the specified revision\n'),
    );
  });
});

describe('kubectl rollout undo', () => {
  it('puts the previous revision back as a new one; --to-revision picks one; refuses what kubectl refuses', async () => {
    expect(await w.run('kubectl rollout undo deploy/ratings-v1')).toEqual(
      fail('error: no rollout history found for deployment "ratings-v1"\n'),
    );
    await w.run('kubectl rollout restart deploy/ratings-v1');
    await w.settle();
    expect(await w.run('kubectl rollout undo deploy/ratings-v1')).toEqual(
      ok('deployment.apps/ratings-v1 rolled back\n'),
    );
    await w.settle();
    const template = (
      w.cluster.get('Deployment', 'default', 'ratings-v1')!.spec as {
        template: { metadata: { annotations?: Record<string, string> } };
      }
    ).template;
    expect(template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeUndefined();
    expect((await w.run('kubectl rollout history deploy/ratings-v1')).stdout).toMatch(/\n2 +<none>\n3 +<none>\n\n$/);
    expect(await w.run('kubectl rollout undo deploy/ratings-v1 --to-revision=3')).toEqual(
      ok('deployment.apps/ratings-v1 skipped rollback (current template already matches revision 3)\n'),
    );
    expect(await w.run('kubectl rollout undo deploy/ratings-v1 --to-revision=8')).toEqual(
      fail('error: unable to find specified revision 8 in history\n'),
    );
  });
});

describe('kubectl set image', () => {
  it("changes a container's image in the template and the controller rolls it out; no change prints nothing", async () => {
    expect(
      await w.run(
        'kubectl set image deployment/details-v1 details=docker.io/istio/examples-bookinfo-details-v2:1.20.3',
      ),
    ).toEqual(ok('deployment.apps/details-v1 image updated\n'));
    await w.settle();
    const pods = w.cluster
      .list('Pod', 'default')
      .filter((p) => p.metadata.labels?.app === 'details' && !p.metadata.deletionTimestamp);
    expect(pods.map((p) => (p.spec as { containers: { image: string }[] }).containers[0]!.image)).toContain(
      'docker.io/istio/examples-bookinfo-details-v2:1.20.3',
    );
    expect(
      await w.run('kubectl set image deploy details-v1 details=docker.io/istio/examples-bookinfo-details-v2:1.20.3'),
    ).toEqual(ok(''));
    expect(
      await w.run("kubectl set image deploy/details-v1 '*=docker.io/istio/examples-bookinfo-details-v1:1.20.3'"),
    ).toEqual(ok('deployment.apps/details-v1 image updated\n'));
  });

  it('refuses as kubectl does', async () => {
    expect(await w.run('kubectl set image deploy/details-v1 nope=x')).toEqual(
      fail('error: unable to find container named "nope"\n'),
    );
    expect(await w.run('kubectl set image deploy/details-v1')).toEqual(
      fail('error: at least one image update is required\n'),
    );
    expect(await w.run('kubectl set image details=x')).toEqual(
      fail('error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n'),
    );
    expect(await w.run('kubectl set image deploy/ghost a=b')).toEqual(
      fail('Error from server (NotFound): deployments.apps "ghost" not found\n'),
    );
    expect((await w.run('kubectl set selector svc/details app=x')).stderr).toBe(
      'error: "kubectl set selector" is not available in this lab shell; kubectl set image, env and resources are\n',
    );
    expect(await w.run('kubectl set image deploy/details-v1 --limits=cpu=1 details=x')).toEqual(
      fail("error: unknown flag: --limits\nSee 'kubectl set image --help' for usage.\n"),
    );
  });
});

describe('kubectl set on objects without a pod template, and by selector', () => {
  it('words the refusal as UpdatePodSpecForObject does, for image, env and resources alike', async () => {
    const refusal = 'error: services/details the object is not a pod or does not have a pod template: *v1.Service\n';
    for (const line of [
      'kubectl set image svc/details details=x',
      'kubectl set env svc/details A=1',
      'kubectl set resources svc/details --limits=cpu=1',
    ])
      expect(await w.run(line)).toEqual(fail(refusal));
  });

  it('set image takes -l like set env and set resources', async () => {
    expect(
      await w.run(
        "kubectl set image deploy -l app=ratings '*=registry.istio.io/release/examples-bookinfo-ratings-v1:1.20.3'",
      ),
    ).toEqual(ok(''));
    expect(await w.run("kubectl set image deploy -l app=ratings 'ratings=example/ratings:2'")).toEqual(
      ok('deployment.apps/ratings-v1 image updated\n'),
    );
    await w.run('kubectl rollout undo deploy/ratings-v1');
    await w.settle();
    expect(await w.run('kubectl set image deploy ratings=x')).toEqual(
      fail('error: resource(s) were provided, but no name was specified\n'),
    );
  });
});

describe('kubectl create configmap', () => {
  it('builds data from literals, files, directories and env files, as kubectl 1.34 does', async () => {
    expect(await w.run('kubectl create configmap lit --from-literal=a=1 --from-literal=b=x=y')).toEqual(
      ok('configmap/lit created\n'),
    );
    expect(w.cluster.get('ConfigMap', 'default', 'lit')!.data).toEqual({ a: '1', b: 'x=y' });
    await w.run(
      "mkdir -p conf && printf 'one' > conf/first.txt && printf 'two\\n' > conf/second && echo k=v > app.env",
    );
    expect(await w.run('kubectl create cm files --from-file=conf --from-file=renamed=app.env')).toEqual(
      ok('configmap/files created\n'),
    );
    expect(w.cluster.get('ConfigMap', 'default', 'files')!.data).toEqual({
      'first.txt': 'one',
      second: 'two\n',
      renamed: 'k=v\n',
    });
    await w.run("printf '# comment\\n\\n  MODE=debug\\nEMPTY=\\n' > more.env");
    expect(
      await w.run('kubectl create configmap envs --from-env-file=app.env --from-env-file=more.env -n istio-system'),
    ).toEqual(ok('configmap/envs created\n'));
    expect(w.cluster.get('ConfigMap', 'istio-system', 'envs')!.data).toEqual({ k: 'v', MODE: 'debug', EMPTY: '' });
  });

  it('prints the object with --dry-run=client -o yaml, and creates nothing', async () => {
    expect(
      await w.run('kubectl create configmap dry --from-literal=b=2 --from-literal=a=1 --dry-run=client -o yaml'),
    ).toEqual(ok('apiVersion: v1\ndata:\n  a: "1"\n  b: "2"\nkind: ConfigMap\nmetadata:\n  name: dry\n'));
    expect(w.cluster.get('ConfigMap', 'default', 'dry')).toBeUndefined();
    expect(await w.run('kubectl create configmap dry --from-literal=a=1 --dry-run=client')).toEqual(
      ok('configmap/dry created (dry run)\n'),
    );
    expect(await w.run('kubectl create configmap dry --from-literal=a=1 --dry-run=server')).toEqual(
      ok('configmap/dry created (server dry run)\n'),
    );
    expect(w.cluster.get('ConfigMap', 'default', 'dry')).toBeUndefined();
  });

  it("refuses in kubectl's words", async () => {
    expect(await w.run('kubectl create configmap')).toEqual(
      fail("error: exactly one NAME is required, got 0\nSee 'kubectl create configmap -h' for help and examples\n"),
    );
    expect(await w.run('kubectl create configmap x --from-literal=novalue')).toEqual(
      fail('error: invalid literal source novalue, expected key=value\n'),
    );
    expect(await w.run('kubectl create configmap x --from-literal=a=1 --from-literal=a=2')).toEqual(
      fail('error: cannot add key "a", another key by that name already exists in Data for ConfigMap "x"\n'),
    );
    expect((await w.run("kubectl create configmap x --from-literal='a b=1'")).stderr).toMatch(
      /^error: "a b" is not a valid key name for a ConfigMap: a valid config key must consist of alphanumeric/,
    );
    expect(await w.run('kubectl create configmap x --from-file=missing.txt')).toEqual(
      fail('error: error reading missing.txt: no such file or directory\n'),
    );
    expect(await w.run('kubectl create configmap x --from-file=k=conf')).toEqual(
      fail('error: cannot give a key name for a directory path\n'),
    );
    expect(await w.run('kubectl create configmap x --from-env-file=app.env --from-literal=a=1')).toEqual(
      fail('error: from-env-file cannot be combined with from-file or from-literal\n'),
    );
    expect(await w.run('kubectl create configmap lit --from-literal=a=1')).toEqual(
      fail('error: failed to create configmap: configmaps "lit" already exists\n'),
    );
    expect((await w.run('kubectl create deployment d --image=x --from-literal=a=1')).stderr).toMatch(
      /^error: unknown flag: --from-literal\n/,
    );
  });
});

describe('kubectl delete namespace', () => {
  const httpbinIn = (ns: string) =>
    w.run(
      `kubectl create ns ${ns} && kubectl label ns ${ns} istio-injection=enabled && ` +
        `kubectl apply -n ${ns} -f samples/httpbin/httpbin.yaml`,
    );

  it('waits until the namespace is gone: its content first, its pods once their sidecars have drained', async () => {
    await httpbinIn('gone');
    await w.settle();
    const before = w.clock.now();
    expect(await w.run('kubectl delete namespace gone')).toEqual(ok('namespace "gone" deleted\n'));
    // httpbin stops at SIGTERM; its sidecar drains for 5 s (terminationDrainDuration) within the 30 s grace.
    expect(w.clock.now() - before).toBeGreaterThanOrEqual(5000);
    expect(w.clock.now() - before).toBeLessThan(6000);
    expect(await w.run('kubectl get ns gone')).toEqual(
      fail('Error from server (NotFound): namespaces "gone" not found\n'),
    );
  });

  it('--wait=false returns while it is Terminating; meanwhile nothing new may be made in it', async () => {
    await httpbinIn('later');
    await w.settle();
    expect(await w.run('kubectl delete ns later --wait=false')).toEqual(ok('namespace "later" deleted\n'));
    expect((await w.run('kubectl get ns later')).stdout).toMatch(/^NAME +STATUS +AGE\nlater +Terminating +\d+s\n$/);
    expect((await w.run('kubectl get pods -n later')).stdout).toMatch(/\nhttpbin-\S+ +2\/2 +Terminating +0 +\d+s\n$/);
    expect((await w.run('kubectl get deploy,svc -n later')).stderr).toBe('No resources found in later namespace.\n');
    expect(await w.run('kubectl delete ns later')).toEqual(
      fail(
        'Error from server (Conflict): Operation cannot be fulfilled on namespaces "later": The system is ensuring ' +
          'all content is removed from this namespace.  Upon completion, this namespace will automatically be purged ' +
          'by the system.\n',
      ),
    );
    expect((await w.run('kubectl create configmap c -n later --from-literal=a=1')).stderr).toContain(
      'because it is being terminated',
    );
    expect((await w.run('kubectl get ns later -o jsonpath={.status.conditions[3].reason}')).stdout).toBe(
      'SomeResourcesRemain',
    );
    await w.settle();
    expect((await w.run('kubectl get ns later')).exitCode).toBe(1);
  });
});

describe('kubectl rollout pause|resume', () => {
  it('pauses: a new template waits, restart and undo refuse, rollout status waits; resume rolls both changes at once', async () => {
    expect(await w.run('kubectl rollout pause deploy/productpage-v1')).toEqual(
      ok('deployment.apps/productpage-v1 paused\n'),
    );
    expect(await w.run('kubectl rollout pause deployment productpage-v1')).toEqual(
      fail('error: deployments.apps "productpage-v1" is already paused\n'),
    );
    const sets = () => w.cluster.list('ReplicaSet', 'default', 'app=productpage').length;
    const before = sets();
    expect((await w.run('kubectl set env deploy/productpage-v1 FLAVOR=paused')).stdout).toBe(
      'deployment.apps/productpage-v1 env updated\n',
    );
    await w.run('kubectl set resources deploy/productpage-v1 --limits=cpu=300m');
    await w.settle();
    expect(sets()).toBe(before);
    expect((await w.run('kubectl get deploy productpage-v1 -o jsonpath={.status.conditions[1].reason}')).stdout).toBe(
      'DeploymentPaused',
    );
    expect(await w.run('kubectl rollout status deploy/productpage-v1 --timeout=3s')).toEqual({
      stdout:
        'Waiting for deployment "productpage-v1" rollout to finish: 0 out of 1 new replicas have been updated...\n',
      stderr: 'error: timed out waiting for the condition\n',
      exitCode: 1,
    });
    expect(await w.run('kubectl rollout restart deploy/productpage-v1')).toEqual(
      fail('error: deployments.apps "productpage-v1" can\'t restart paused deployment (run rollout resume first)\n'),
    );
    expect(await w.run('kubectl rollout undo deploy/productpage-v1')).toEqual(
      fail(
        "error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again\n",
      ),
    );
    expect(await w.run('kubectl rollout resume deploy/productpage-v1')).toEqual(
      ok('deployment.apps/productpage-v1 resumed\n'),
    );
    expect(await w.run('kubectl rollout resume deploy/productpage-v1')).toEqual(
      fail('error: deployments.apps "productpage-v1" is not paused\n'),
    );
    await w.settle();
    expect(sets()).toBe(before + 1);
    expect(await w.run('kubectl rollout status deploy/productpage-v1')).toEqual(
      ok('deployment "productpage-v1" successfully rolled out\n'),
    );
    expect(await w.run('kubectl rollout pause svc/productpage')).toEqual(
      fail('error: services "productpage" pausing is not supported\n'),
    );
    expect(await w.run('kubectl rollout pause')).toEqual(fail('error: required resource not specified\n'));
  });
});

describe('kubectl set env', () => {
  it('sets, replaces and removes variables in every container or those -c selects, and lists them', async () => {
    expect(await w.run('kubectl set env deploy/reviews-v2 --list')).toEqual(
      ok('# Deployment reviews-v2, container reviews\nLOG_DIR=/tmp/logs\n'),
    );
    expect(await w.run('kubectl set env deploy/reviews-v2 LOG_DIR=/var/log MODE=test -e EXTRA=1')).toEqual(
      ok('deployment.apps/reviews-v2 env updated\n'),
    );
    expect((await w.run('kubectl set env deploy/reviews-v2 --list')).stdout).toBe(
      '# Deployment reviews-v2, container reviews\nLOG_DIR=/var/log\nEXTRA=1\nMODE=test\n',
    );
    // The same values again change nothing, so nothing is printed.
    expect(await w.run('kubectl set env deploy/reviews-v2 MODE=test')).toEqual(ok(''));
    expect(await w.run('kubectl set env deploy/reviews-v2 EXTRA- MODE-')).toEqual(
      ok('deployment.apps/reviews-v2 env updated\n'),
    );
    expect(await w.run('kubectl set env deploy/reviews-v2 -c nope A=1')).toEqual({
      stdout: '',
      stderr: 'warning: Deployment/reviews-v2 does not have any containers matching "nope"\n',
      exitCode: 0,
    });
    w.cluster.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'flags', namespace: 'default' },
      data: { 'log.level': 'debug', color: 'blue' },
    } as never);
    expect(
      await w.run('kubectl set env deploy/reviews-v2 --from=configmap/flags --keys=log.level --prefix=APP_'),
    ).toEqual(ok('deployment.apps/reviews-v2 env updated\n'));
    expect((await w.run('kubectl set env deploy/reviews-v2 --list')).stdout).toBe(
      '# Deployment reviews-v2, container reviews\nLOG_DIR=/var/log\n# APP_LOG_LEVEL from configmap flags, key log.level\n',
    );
  });

  it('refuses as kubectl does', async () => {
    expect(await w.run('kubectl set env deploy/reviews-v2 LOG_DIR=/x --overwrite=false')).toEqual(
      fail("error: deployments/reviews-v2 'LOG_DIR' already has a value (/var/log), and --overwrite is false\n"),
    );
    expect(await w.run('kubectl set env A=1 deploy/reviews-v2')).toEqual(
      fail('error: all resources must be specified before environment changes: A=1 deploy/reviews-v2\n'),
    );
    expect((await w.run('kubectl set env deploy/reviews-v2 1A=x')).stderr).toMatch(
      /^error: "1A" is not a valid key name: a valid environment variable name must consist of alphabetic characters/,
    );
    expect(await w.run('kubectl set env deploy/reviews-v2 A=1 A-')).toEqual(
      fail('error: can not both modify and remove the same environment variable in the same command\n'),
    );
    expect(await w.run('kubectl set env deploy/reviews-v2 --keys=a')).toEqual(
      fail('error: when specifying --keys, a configmap or secret must be provided with --from\n'),
    );
    expect(await w.run('kubectl set env deploy/ghost A=1')).toEqual(
      fail('Error from server (NotFound): deployments.apps "ghost" not found\n'),
    );
    expect(await w.run('kubectl set env deploy/reviews-v2 --limits=cpu=1')).toEqual(
      fail("error: unknown flag: --limits\nSee 'kubectl set env --help' for usage.\n"),
    );
  });
});

describe('kubectl set resources', () => {
  it('sets limits and requests on the selected containers; refuses what kubectl refuses', async () => {
    expect(
      await w.run('kubectl set resources deployment reviews-v3 --limits=cpu=200m,memory=512Mi --requests=cpu=100m'),
    ).toEqual(ok('deployment.apps/reviews-v3 resource requirements updated\n'));
    expect(
      (await w.run("kubectl get deploy reviews-v3 -o jsonpath='{.spec.template.spec.containers[0].resources}'")).stdout,
    ).toBe('{"limits":{"cpu":"200m","memory":"512Mi"},"requests":{"cpu":"100m"}}');
    expect(await w.run('kubectl set resources deploy/reviews-v3 --limits=cpu=200m')).toEqual(ok(''));
    expect(await w.run('kubectl set resources deploy/reviews-v3 --requests=memory=1Gi --dry-run=client')).toEqual(
      ok('deployment.apps/reviews-v3 resource requirements updated (dry run)\n'),
    );
    expect(await w.run('kubectl set resources deploy/reviews-v3')).toEqual(
      fail('error: you must specify an update to requests or limits (in the form of --requests/--limits)\n'),
    );
    expect(await w.run('kubectl set resources deploy/reviews-v3 --limits=cpu')).toEqual(
      fail('error: Invalid argument syntax cpu, expected <resource>=<value>\n'),
    );
    expect(await w.run('kubectl set resources deploy/reviews-v3 --limits=cpu=lots')).toEqual(
      fail("error: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'\n"),
    );
    expect(await w.run('kubectl set resources deploy/reviews-v3 -c nope --limits=cpu=1')).toEqual(
      fail('error: unable to find container named nope\n'),
    );
  });
});
