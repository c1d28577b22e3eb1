/** kubectl explain from the schemas the editor validates with: layout, field paths, flags and refusals. */
import { describe, expect, it } from 'vitest';
import { fakeShell } from './testing/harness.ts';

describe('kubectl explain', () => {
  it('explains a kind: group, version, description and its fields with types', async () => {
    expect(await fakeShell().run('kubectl explain gw')).toEqual({
      stdout: `GROUP:      networking.istio.io
KIND:       Gateway
VERSION:    v1

DESCRIPTION:
    Ports, protocols and hosts a load balancer at the edge of the mesh (an
    ingress or egress gateway pod) accepts.
    
FIELDS:
  apiVersion\t<string>
    API group and version. Istio networking kinds use networking.istio.io/v1
    (v1beta1 and v1alpha3 are still accepted).

  kind\t<string>
    The object's type; it decides the shape of spec.

  metadata\t<Object>
    Name, namespace, labels and annotations.

  spec\t<Object>
    Ports a load balancer at the mesh's edge (gateway pods) opens and the hosts
    it accepts.

  status\t<Object>
    State written by the cluster; kubectl apply ignores it.

`,
      stderr: '',
      exitCode: 0,
    });
  });

  it('follows a field path (also after a resource name with its group), marking required fields', async () => {
    const r = await fakeShell().run('kubectl explain virtualservices.networking.istio.io.spec.http.route');
    expect(r.stdout.split('\n').slice(0, 6)).toEqual([
      'GROUP:      networking.istio.io',
      'KIND:       VirtualService',
      'VERSION:    v1',
      '',
      'FIELD: route <[]Object>',
      '',
    ]);
    expect(r.stdout).toContain('  destination\t<Object> -required-\n');
    expect((await fakeShell().run('kubectl explain svc.spec.ports.targetPort')).stdout).toContain(
      'FIELD: targetPort <IntOrString>\n',
    );
  });

  it('--recursive lists the field tree; --api-version picks a served version', async () => {
    const r = await fakeShell().run('kubectl explain pod.spec.containers.env --recursive');
    expect(r.stdout).toMatch(
      /FIELDS:\n {2}name\t<string> -required-\n {2}value\t<string>\n {2}valueFrom\t<Object>\n\n$/,
    );
    expect((await fakeShell().run('kubectl explain dr --api-version=networking.istio.io/v1alpha3')).stdout).toMatch(
      /^GROUP: {6}networking\.istio\.io\nKIND: {7}DestinationRule\nVERSION: {4}v1alpha3\n/,
    );
  });

  it.each([
    [
      'kubectl explain',
      'You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list of supported ' +
        "resources.\n\nerror: Required resource not specified.\nSee 'kubectl explain -h' for help and examples\n",
    ],
    ['kubectl explain foo', 'error: the server doesn\'t have a resource type "foo"\n'],
    ['kubectl explain vs.spec.nope', 'error: field "nope" does not exist\n'],
    [
      'kubectl explain vs --api-version=networking.istio.io/v2',
      'error: couldn\'t find resource for "networking.istio.io/v2, Kind=VirtualService"\n',
    ],
    [
      'kubectl explain vs -o json',
      'error: supported output formats are plaintext, plaintext-openapiv2 but got "json"\n',
    ],
    [
      'kubectl explain vs gw',
      "error: We accept only this format: explain RESOURCE\nSee 'kubectl explain -h' for help and examples\n",
    ],
  ])('%s', async (line, stderr) => {
    expect(await fakeShell().run(line)).toEqual({ stdout: '', stderr, exitCode: 1 });
  });
});
