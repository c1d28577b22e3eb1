import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sharedObjects, loadSamples } from './sharedObjects.ts';
import { sampleKey, scriptCommand, stopScriptCommand, toolboxPod, TERMINAL_COMMAND } from './toolbox.ts';

type Container = {
  name: string;
  image: string;
  command: string[];
  env: { name: string; value: string }[];
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
};
type PodSpec = {
  serviceAccountName: string;
  initContainers: Container[];
  containers: Container[];
  volumes: { name: string; configMap?: { name: string; items?: { key: string; path: string }[] } }[];
};

const samples = loadSamples();
const pod = toolboxPod({
  name: 'toolbox-ada',
  namespace: 'lab-ada',
  samplePaths: Object.keys(samples),
  labId: 'egress',
  owner: 'ada',
});
const spec = pod.spec as PodSpec;
const shell = spec.containers[0]!;

describe('toolbox pod', () => {
  it('lives in labs-toolbox, outside the mesh, under its own ServiceAccount', () => {
    expect(pod.metadata.namespace).toBe('labs-toolbox');
    expect(pod.metadata.annotations?.['sidecar.istio.io/inject']).toBe('false');
    expect(spec.serviceAccountName).toBe('toolbox-ada');
  });

  it('runs an image with bash, curl and kubectl, and fetches the pinned istioctl first', () => {
    expect(shell.image).toBe('alpine/k8s:1.34.1');
    expect(spec.initContainers[0]!.command.join(' ')).toContain(
      'releases/download/1.30.0/istioctl-1.30.0-linux-$arch.tar.gz',
    );
    expect(shell.env.find((e) => e.name === 'PATH')!.value.startsWith('/opt/labs/bin:')).toBe(true);
  });

  it('points kubectl at the learner namespace through its own kubeconfig', () => {
    expect(shell.env).toContainEqual({ name: 'LABS_NAMESPACE', value: 'lab-ada' });
    expect(shell.env).toContainEqual({ name: 'LABS_CLASSROOM', value: '0' });
    const inClass = toolboxPod({
      name: 't',
      namespace: 'lab-ada',
      samplePaths: [],
      labId: 'egress',
      owner: 'ada',
      classroom: true,
    });
    expect((inClass.spec as PodSpec).containers[0]!.env).toContainEqual({ name: 'LABS_CLASSROOM', value: '1' });
    expect(shell.command.join(' ')).toContain('namespace: $LABS_NAMESPACE');
    expect(shell.command.join(' ')).toContain('tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token');
  });

  it('mounts every sample at ~/samples/<path>, read-only, from the samples ConfigMap', () => {
    const mount = shell.volumeMounts.find((m) => m.name === 'samples')!;
    expect(mount).toEqual({ name: 'samples', mountPath: '/root/samples', readOnly: true });
    const items = spec.volumes.find((v) => v.name === 'samples')!.configMap!.items!;
    expect(items).toContainEqual({
      key: 'bookinfo__platform__kube__bookinfo.yaml',
      path: 'bookinfo/platform/kube/bookinfo.yaml',
    });
    expect(items).toHaveLength(Object.keys(samples).length);
  });

  it('starts terminals with the shell integration rc file', () => {
    expect(TERMINAL_COMMAND).toEqual(['bash', '--rcfile', '/etc/labs/labsrc.sh', '-i']);
    expect(shell.volumeMounts).toContainEqual({ name: 'shell', mountPath: '/etc/labs', readOnly: true });
  });
});

describe('shared objects', () => {
  it("carry the simulator's samples byte for byte, keyed so the pod can rebuild the tree", () => {
    const objects = sharedObjects(samples);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/labs-toolbox',
      'ClusterRole/labs-toolbox-node-reader',
      'ClusterRoleBinding/labs-toolbox-node-reader',
      'ConfigMap/labs-samples',
      'ConfigMap/labs-shell',
    ]);
    const [, , , cm, rc] = objects;
    const data = cm!.data as Record<string, string>;
    expect(data[sampleKey('bookinfo/networking/virtual-service-reviews-50-v3.yaml')]).toBe(
      samples['bookinfo/networking/virtual-service-reviews-50-v3.yaml'],
    );
    expect(JSON.stringify(cm).length).toBeLessThan(1024 * 1024);
    expect(Object.keys(rc!.data as object).sort()).toEqual(['env.sh', 'labsrc.sh']);
  });

  it('refuses a sample path that would collide with the key encoding', () => {
    expect(() => sampleKey('a__b/c.yaml')).toThrow(/contains "__"/);
  });
});

describe('scripts in the toolbox', () => {
  it('run as bash -s under a name of their own, and are stopped by that name, children first', () => {
    expect(scriptCommand('labs-script-1')).toEqual(['bash', '-c', 'cd /root && exec -a labs-script-1 bash -s 2>&1']);
    const stop = stopScriptCommand('labs-script-1')[2]!;
    expect(stop).toContain("pgrep -f '^labs-script-1 '");
    expect(stop.indexOf('pkill -INT -P')).toBeLessThan(stop.indexOf('kill -INT "$p"'));
    expect(() => scriptCommand("x'; rm -rf /")).toThrow(/must be lowercase letters/);
  });

  it("is really stopped by the stop command (this machine's bash and procps)", () => {
    const marker = `labs-script-${process.pid}`;
    const child = spawn('bash', ['-c', `exec -a ${marker} bash -s`], { stdio: ['pipe', 'ignore', 'ignore'] });
    child.stdin.end('while true; do sleep 1; done\n');
    const stopped = new Promise<number | null>((resolve) =>
      child.on('exit', (code, signal) => resolve(signal ? 130 : code)),
    );
    const [sh, c, script] = stopScriptCommand(marker);
    // Wait until the named process exists, then stop it.
    return expect
      .poll(() => spawnSync('pgrep', ['-f', `^${marker} `], { encoding: 'utf8' }).stdout.trim() !== '')
      .toBe(true)
      .then(async () => {
        spawnSync(sh!, [c!, script!]);
        expect(await stopped).toBe(130);
      });
  });
});
