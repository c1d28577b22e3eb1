/** A two-step lab and a fake world it runs in, shared by the server's and the CLI's tests. */
import type { LoadedLab } from '../labs/load.ts';
import { labSchema } from '../labs/schema.ts';
import type { FakeWorld } from './fakeBackend.ts';

/**
 * A lab whose first step creates a ConfigMap `greeting` (`greeting-gw` in its Gateway API variant), and whose second
 * observes it.
 */
export function testLab(overrides: Partial<{ status: 'ready' | 'planned' }> = {}): LoadedLab {
  const lab = labSchema.parse({
    id: 'traffic-shifting',
    order: 1,
    status: overrides.status ?? 'ready',
    title: { ko: '시험', en: 'Test' },
    summary: { ko: '시험', en: 'Test' },
    preview: { url: 'http://ingress/productpage' },
    steps: [
      {
        id: 'make-greeting',
        title: { ko: '만들기', en: 'Make it' },
        files: [{ name: 'greeting.yaml', content: 'kind: ConfigMap\n' }],
        check: { type: 'object', ref: { kind: 'ConfigMap', name: 'greeting' } },
        solution: 'kubectl create configmap greeting\n',
        // The step in the Gateway API: another object, so a test tells which variant ran.
        gateway: {
          check: { type: 'object', ref: { kind: 'ConfigMap', name: 'greeting-gw' } },
          solution: 'kubectl create configmap greeting-gw\n',
        },
      },
      {
        id: 'read-greeting',
        title: { ko: '읽기', en: 'Read it' },
        check: { type: 'ran', pattern: '^kubectl get configmap greeting' },
        solution: 'kubectl get configmap greeting',
        gateway: {
          check: { type: 'ran', pattern: '^kubectl get configmap greeting-gw' },
          solution: 'kubectl get configmap greeting-gw',
        },
      },
    ],
  });
  return {
    ...lab,
    steps: lab.steps.map(({ gateway, ...s }) => ({
      ...s,
      files: s.files.map((f) => ({ ...f, content: f.content ?? '' })),
      ...(gateway ? { gateway: { ...gateway, files: [] } } : {}),
    })),
  };
}

/** A world with a tiny `kubectl` (create/get/apply of ConfigMaps) and a product page. */
export const testWorld: FakeWorld = {
  commands: {
    kubectl: (args, env, stdin) => {
      const [verb, , name] = args.split(/\s+/);
      if (verb === 'create') {
        env.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: name!, namespace: 'default' } });
        return { output: `configmap/${name} created\n` };
      }
      if (verb === 'get') {
        return env.objects.has(`ConfigMap/default/${name}`)
          ? { output: `NAME   DATA   AGE\n${name}   0      1s\n` }
          : { output: `Error from server (NotFound): configmaps "${name}" not found\n`, exitCode: 1 };
      }
      if (verb === 'apply') {
        const m = /name:\s*(\S+)/.exec(stdin);
        if (!m) return { output: 'error: no objects passed to apply\n', exitCode: 1 };
        env.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: m[1]!, namespace: 'default' } });
        return { output: `configmap/${m[1]} created\n` };
      }
      return { output: `error: unknown command "${verb}" for "kubectl"\n`, exitCode: 1 };
    },
  },
  http: (_origin, request) => ({
    status: 200,
    headers: { 'content-type': 'text/html' },
    body: `<h1>page ${request.url}</h1>`,
    durationMs: 3,
  }),
};
