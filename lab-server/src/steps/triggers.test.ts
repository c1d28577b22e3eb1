import { describe, expect, it } from 'vitest';
import { checkSchema, type Check } from '../labs/schema.ts';
import { loadLab } from '../labs/load.ts';
import { followsFromObjects, readsLearnerActions, triggerOf } from './triggers.ts';

describe('what a command may have advanced', () => {
  it.each([
    ['kubectl apply -f samples/bookinfo/networking/destination-rule-all.yaml', 'cluster'],
    ['kubectl -n istio-system delete pod -l app=istiod', 'cluster'],
    ['kubectl --context kind-labs label namespace default istio-injection=enabled --overwrite', 'cluster'],
    ['cat <<EOF | kubectl apply -f -\nkind: VirtualService\nEOF', 'cluster'],
    ['istioctl install --set profile=demo -y', 'cluster'],
    ['kubectl get virtualservice reviews -o yaml', 'action'],
    ['curl -s http://$GATEWAY_URL/productpage | grep -c glyphicon-star', 'action'],
    ['export INGRESS_PORT=$(kubectl -n istio-system get service istio-ingressgateway -o jsonpath=...)', 'action'],
    ['kubectl logs -l app=httpbin,version=v1 -c httpbin', 'action'],
    ['kubectl exec deploy/sleep -c sleep -- curl -s http://httpbin:8000/headers', 'action'],
  ])('%s -> %s', (line, scope) => {
    expect(triggerOf(line)).toBe(scope);
  });

  it('ignores lines that can advance nothing', () => {
    for (const line of ['', '   ', 'clear', 'history', 'pwd', 'cd samples', 'ls -la', 'help'])
      expect(triggerOf(line), line).toBeUndefined();
    // ... unless they run something else too.
    expect(triggerOf('ls; kubectl apply -f x.yaml')).toBe('cluster');
  });

  it("tells checks that read the learner's actions from those that read the cluster only", () => {
    const parse = (c: unknown) => checkSchema.parse(c);
    expect(readsLearnerActions(parse({ type: 'ran', pattern: 'kubectl get' }))).toBe(true);
    expect(readsLearnerActions(parse({ type: 'observed', service: 'reviews', expect: { v1: 1 } }))).toBe(true);
    expect(
      readsLearnerActions(
        parse({
          type: 'all',
          checks: [
            { type: 'object', ref: { kind: 'VirtualService', name: 'httpbin' } },
            { type: 'logs', target: { selector: 'app=httpbin' }, expect: [{ verb: 'contains', text: 'GET' }] },
          ],
        }),
      ),
    ).toBe(true);
    expect(readsLearnerActions(parse({ type: 'object', ref: { kind: 'DestinationRule', name: 'reviews' } }))).toBe(
      false,
    );
  });
});

describe('which checks follow from the objects alone', () => {
  const shifting = loadLab('traffic-shifting');
  const mirroring = loadLab('mirroring');
  const checkOf = (lab: typeof shifting, id: string) => lab.steps.find((s) => s.id === id)!.check!;
  const types = (check: Check): string[] => (check.type === 'all' ? check.checks.flatMap(types) : [check.type]);

  it('a traffic check, and an object check (the 50/50 split; the destination rules)', () => {
    expect(types(checkOf(shifting, 'shift-50-v3'))).toEqual(['traffic']);
    expect(followsFromObjects(checkOf(shifting, 'shift-50-v3'))).toBe(true);
    expect(types(checkOf(shifting, 'destination-rules')).every((t) => t === 'object')).toBe(true);
    expect(followsFromObjects(checkOf(shifting, 'destination-rules'))).toBe(true);
  });

  it('not a check that reads the commands run or the logs, alone or within an all', () => {
    expect(types(checkOf(shifting, 'read-virtualservice'))).toContain('ran');
    expect(followsFromObjects(checkOf(shifting, 'read-virtualservice'))).toBe(false);
    const readsLogs = mirroring.steps.filter((s) => s.check && types(s.check).includes('logs'));
    expect(readsLogs.length).toBeGreaterThan(0);
    for (const step of readsLogs) expect(followsFromObjects(step.check!)).toBe(false);
  });
});
