/**
 * The sample manifests under content/samples: valid YAML, the API versions Kubernetes 1.34 and Istio 1.30 serve,
 * images the simulator runs.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { appForImage } from './registry.ts';

const ROOT = join(import.meta.dirname, '../../../../../content/samples');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const SERVED = new Set(['v1', 'apps/v1', 'networking.istio.io/v1', 'networking.k8s.io/v1']);

function docs(path: string): Record<string, any>[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((d) => d.toJS())
    .filter(Boolean);
}

describe('content/samples', () => {
  const all = files(ROOT).map((p) => relative(ROOT, p));

  it('has the files the lessons use', () => {
    for (const f of [
      'bookinfo/platform/kube/bookinfo.yaml',
      'bookinfo/networking/destination-rule-all.yaml',
      'bookinfo/networking/virtual-service-all-v1.yaml',
      'bookinfo/networking/virtual-service-reviews-50-v3.yaml',
      'bookinfo/networking/virtual-service-reviews-v3.yaml',
      'bookinfo/networking/bookinfo-gateway.yaml',
      'httpbin/httpbin.yaml',
      'sleep/sleep.yaml',
      'curl/curl.yaml',
      'seed/httpbin-v1.yaml',
      'seed/httpbin-v2.yaml',
      'seed/httpbin-service.yaml',
      'seed/original/httpbin-v1.yaml',
    ])
      expect(all).toContain(f);
  });

  // istio/ holds istioctl's input (IstioOperator), not objects for the API server.
  it.each(all.filter((f) => !f.startsWith('seed/original/') && !f.startsWith('istio/')))(
    '%s uses served API versions, and Deployments select their pods',
    (f) => {
      for (const d of docs(join(ROOT, f))) {
        expect(SERVED.has(d.apiVersion), `${f}: ${d.apiVersion}`).toBe(true);
        if (d.kind === 'Deployment') {
          const match = d.spec.selector.matchLabels as Record<string, string>;
          for (const [k, v] of Object.entries(match)) expect(d.spec.template.metadata.labels[k]).toBe(v);
          for (const c of d.spec.template.spec.containers)
            expect(appForImage(c.image), `${f}: ${c.image}`).toBeDefined();
        }
      }
    },
  );

  it('keeps the seed originals verbatim in the removed extensions/v1beta1 API', () => {
    const deployments = all
      .filter((f) => f.startsWith('seed/original/'))
      .flatMap((f) => docs(join(ROOT, f)))
      .filter((d) => d.kind === 'Deployment');
    expect(deployments.length).toBe(3);
    for (const d of deployments) {
      expect(d.apiVersion).toBe('extensions/v1beta1');
      expect(d.spec.selector).toBeUndefined();
    }
  });

  it('weights in the traffic-shifting samples', () => {
    const weights = (f: string) =>
      docs(join(ROOT, 'bookinfo/networking', f))[0].spec.http[0].route.map((r: any) => [
        r.destination.subset,
        r.weight,
      ]);
    expect(weights('virtual-service-reviews-50-v3.yaml')).toEqual([
      ['v1', 50],
      ['v3', 50],
    ]);
    expect(weights('virtual-service-reviews-80-20.yaml')).toEqual([
      ['v1', 80],
      ['v2', 20],
    ]);
    expect(weights('virtual-service-reviews-v3.yaml')).toEqual([['v3', undefined]]);
  });
});
