import { describe, expect, it } from 'vitest';
import { checkSchema } from '../labs/schema.ts';
import { readsLearnerActions, triggerOf } from './triggers.ts';

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
