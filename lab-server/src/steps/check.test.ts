import { describe, expect, it } from 'vitest';
import { createBackend } from '../backends/index.ts';
import { loadLab } from '../labs/load.ts';
import { checkSchema } from '../labs/schema.ts';
import { checkFiles, checkStep, NoCheckError } from './check.ts';

describe('checkFiles', () => {
  it("gives a check every step's editor files with their text, in lesson order", () => {
    const lab = loadLab('traffic-shifting');
    const files = checkFiles(lab);
    expect(files.map((f) => f.name)).toEqual([
      'destination-rule-all.yaml',
      'virtual-service-all-v1.yaml',
      'virtual-service-reviews-50-v3.yaml',
      'virtual-service-reviews-v3.yaml',
    ]);
    expect(files[0]!.content).toMatch(/^kind: DestinationRule$/m);
    expect(Object.keys(files[0]!).sort()).toEqual(['content', 'name']);
  });
});

describe('checkStep', () => {
  it("names the file defining the missing DestinationRule, from another step's files", async () => {
    const lab = loadLab('traffic-shifting');
    const backend = await createBackend('sim', { clock: 'virtual', seed: 2 });
    const env = await backend.createEnvironment({ lab, owner: 'check-test', seed: 2 });
    try {
      await env.prepare();
      // reviews only: the route names subset v1 while no DestinationRule defines it (503 with no body).
      const vs =
        'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: reviews}\n' +
        'spec: {hosts: [reviews], http: [{route: [{destination: {host: reviews, subset: v1}}]}]}\n';
      expect((await env.runScript(`kubectl apply -f - <<'EOF'\n${vs}EOF\n`)).exitCode).toBe(0);
      const last = lab.steps.at(-1)!;
      const step = {
        ...last,
        check: checkSchema.parse({
          type: 'http',
          from: { pod: { selector: 'app=productpage' } },
          request: { url: 'http://reviews:9080/reviews/0' },
          expect: { status: 200 },
        }),
      };
      const outcome = await checkStep(env, lab, step, env.now(), { retry: false });
      expect(outcome.ok).toBe(false);
      expect(outcome.explanation.en).toMatch(/^The answer was 503\. .*destination-rule-all\.yaml/);
    } finally {
      await env.dispose();
      await backend.close();
    }
  });

  it('refuses a step without a check', () => {
    const lab = loadLab('traffic-shifting');
    const reading = { ...lab.steps[0]!, check: undefined };
    expect(() => checkStep({} as never, lab, reading, new Date())).toThrow(NoCheckError);
  });
});
