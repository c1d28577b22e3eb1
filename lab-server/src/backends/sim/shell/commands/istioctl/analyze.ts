/**
 * `istioctl analyze`: a few of Istio's analyzers over the live cluster, with their codes, levels and wording:
 * IST0101 (referenced host, host+subset, gateway or gateway selector not found), IST0102 (namespace not injected),
 * IST0103 (pod missing its proxy), IST0109 (two VirtualServices for one host on the mesh gateway).
 */
import type { K8sObject } from '../../../../../contract.ts';
import type { SimClusterApi } from '../../../types.ts';
import { hasProxy, labelsOf, selectorMatches, specOf } from '../../../mesh/objects.ts';
import { resolveConfigHost } from '../../../mesh/names.ts';
import { Topology } from '../../../mesh/topology.ts';
import { destinationRuleFor, serviceEntryFor, serviceForFqdn, subsetLabels } from '../../../mesh/clusters.ts';
import { MESH_GATEWAY, virtualServiceGateways, virtualServiceHosts } from '../../../mesh/virtualHosts.ts';
import { ISTIO_VERSION } from '../../../istio/version.ts';

/** Severity as istioctl prints it. */
export type Level = 'Error' | 'Warning' | 'Info';

/** One analyzer message. */
export interface AnalysisMessage {
  level: Level;
  code: string;
  /** `VirtualService default/reviews` */
  resource: string;
  text: string;
}

/** Exit code when messages at or above the failure threshold (Error) are found. */
export const ANALYZE_FOUND_ISSUES_EXIT = 79;

const LEVEL_ORDER: Record<Level, number> = { Error: 0, Warning: 1, Info: 2 };

function ref(obj: K8sObject): string {
  return `${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;
}

function destinations(vs: K8sObject): { host: string; subset?: string }[] {
  const out: { host: string; subset?: string }[] = [];
  const spec = specOf(vs);
  for (const section of ['http', 'tcp', 'tls'] as const) {
    const rules = Array.isArray(spec[section]) ? (spec[section] as Record<string, unknown>[]) : [];
    for (const rule of rules) {
      for (const r of (rule.route as { destination?: { host?: string; subset?: string } }[] | undefined) ?? [])
        if (r.destination?.host) out.push({ host: r.destination.host, subset: r.destination.subset });
      const mirror = rule.mirror as { host?: string; subset?: string } | undefined;
      if (mirror?.host) out.push({ host: mirror.host, subset: mirror.subset });
      for (const m of (rule.mirrors as { destination?: { host?: string; subset?: string } }[] | undefined) ?? [])
        if (m.destination?.host) out.push({ host: m.destination.host, subset: m.destination.subset });
    }
  }
  return out;
}

/** Runs the analyzers on `namespaces` (all when undefined). */
export function analyze(cluster: SimClusterApi, namespaces: string[] | undefined): AnalysisMessage[] {
  const topology = new Topology(cluster);
  const inScope = (obj: K8sObject) =>
    namespaces === undefined || namespaces.includes(obj.metadata.namespace ?? 'default');
  const messages: AnalysisMessage[] = [];
  const vss = topology.all('VirtualService').filter(inScope);
  for (const vs of vss) {
    const ns = vs.metadata.namespace ?? 'default';
    const seen = new Set<string>();
    for (const d of destinations(vs)) {
      const host = resolveConfigHost(d.host, ns);
      const key = `${host}+${d.subset ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const known = serviceForFqdn(topology, host) ?? serviceEntryFor(topology, host);
      if (!known) {
        messages.push({
          level: 'Error',
          code: 'IST0101',
          resource: ref(vs),
          text: `Referenced host not found: "${d.host}"`,
        });
        continue;
      }
      if (d.subset && !subsetLabels(destinationRuleFor(topology, host, ns, known.metadata.namespace), d.subset)) {
        messages.push({
          level: 'Error',
          code: 'IST0101',
          resource: ref(vs),
          text: `Referenced host+subset in destinationrule not found: "${d.host}+${d.subset}"`,
        });
      }
    }
    for (const gw of virtualServiceGateways(vs)) {
      if (gw === MESH_GATEWAY) continue;
      const [gwNs, gwName] = gw.split('/');
      if (!cluster.get('Gateway', gwNs, gwName)) {
        const written =
          ((specOf(vs).gateways as string[] | undefined) ?? []).find((g) => g === gw || `${ns}/${g}` === gw) ?? gw;
        messages.push({
          level: 'Error',
          code: 'IST0101',
          resource: ref(vs),
          text: `Referenced gateway not found: "${written}"`,
        });
      }
    }
  }
  const byHost = new Map<string, K8sObject[]>();
  for (const vs of topology.all('VirtualService')) {
    if (!virtualServiceGateways(vs).includes(MESH_GATEWAY)) continue;
    for (const host of virtualServiceHosts(vs)) byHost.set(host, [...(byHost.get(host) ?? []), vs]);
  }
  for (const [host, list] of byHost) {
    if (list.length < 2 || !list.some(inScope)) continue;
    const names = list.map((v) => `${v.metadata.namespace}/${v.metadata.name}`).join(',');
    for (const vs of list.filter(inScope)) {
      messages.push({
        level: 'Error',
        code: 'IST0109',
        resource: ref(vs),
        text:
          `The VirtualServices ${names} associated with mesh gateway define the same host "${host}" which can lead ` +
          `to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.`,
      });
    }
  }
  for (const gw of topology.all('Gateway').filter(inScope)) {
    const selector = specOf(gw).selector as Record<string, string> | undefined;
    if (!selector || Object.keys(selector).length === 0) continue;
    if (!topology.pods().some((p) => selectorMatches(selector, labelsOf(p)))) {
      const text = Object.entries(selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      messages.push({
        level: 'Error',
        code: 'IST0101',
        resource: ref(gw),
        text: `Referenced selector not found: "${text}"`,
      });
    }
  }
  for (const ns of cluster.list('Namespace')) {
    const name = ns.metadata.name;
    if (namespaces !== undefined && !namespaces.includes(name)) continue;
    if (['kube-system', 'kube-public', 'kube-node-lease', 'istio-system', 'local-path-storage'].includes(name))
      continue;
    const labels = labelsOf(ns);
    if (labels['istio-injection'] === 'enabled' || labels['istio.io/rev']) {
      for (const pod of topology.pods().filter((p) => p.metadata.namespace === name && !hasProxy(p))) {
        if (
          pod.metadata.annotations?.['sidecar.istio.io/inject'] === 'false' ||
          pod.metadata.labels?.['sidecar.istio.io/inject'] === 'false'
        )
          continue;
        messages.push({
          level: 'Warning',
          code: 'IST0103',
          resource: ref(pod),
          text:
            `The pod ${name}/${pod.metadata.name} is missing the Istio proxy. ` +
            `This can often be resolved by restarting or redeploying the workload.`,
        });
      }
    } else if (labels['istio-injection'] !== 'disabled') {
      messages.push({
        level: 'Info',
        code: 'IST0102',
        resource: `Namespace ${name}`,
        text:
          `The namespace is not enabled for Istio injection. Run 'kubectl label namespace ${name} istio-injection=enabled' to ` +
          `enable it, or 'kubectl label namespace ${name} istio-injection=disabled' to explicitly mark it as not needing injection.`,
      });
    }
  }
  return messages.sort(
    (a, b) =>
      LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] ||
      a.resource.localeCompare(b.resource) ||
      a.text.localeCompare(b.text),
  );
}

/** The command's output for a set of messages. */
export function analyzeOutput(
  messages: AnalysisMessage[],
  scope: string,
): { stdout: string; stderr: string; exitCode: number } {
  if (messages.length === 0)
    return { stdout: `\u2714 No validation issues found when analyzing ${scope}.\n`, stderr: '', exitCode: 0 };
  const stdout = messages.map((m) => `${m.level} [${m.code}] (${m.resource}) ${m.text}\n`).join('');
  if (!messages.some((m) => m.level === 'Error')) return { stdout, stderr: '', exitCode: 0 };
  return {
    stdout,
    stderr:
      `Error: Analyzers found issues when analyzing ${scope}.\nSee ` +
      `https://istio.io/v${ISTIO_VERSION.split('.').slice(0, 2).join('.')}/docs/reference/config/analysis ` +
      `for more information about causes and resolutions.\n`,
    exitCode: ANALYZE_FOUND_ISSUES_EXIT,
  };
}
