/**
 * A per-request view of the cluster objects the data plane reads. Istio's proxies act on config pushed a moment
 * earlier; here every request is computed from the objects as they are now, read once per request and memoised.
 */
import type { K8sObject } from '../../../contract.ts';
import type { SimClusterApi } from '../types.ts';
import { translatedGateways, translatedVirtualServices } from '../gatewayApi/translate.ts';
import { compileRule, type CompiledRule } from './compiledRule.ts';
import type { HttpRoute } from './routeRules.ts';
import { captureRanges } from './capture.ts';
import {
  clusterIp,
  hasProxy,
  isGatewayPod,
  isPodReady,
  labelsOf,
  podIp,
  resolveTargetPort,
  selectorMatches,
  serviceSelector,
  type ServicePortSpec,
} from './objects.ts';

/** The Kinds the data plane reads. */
const KINDS = ['Pod', 'Service', 'ServiceEntry', 'VirtualService', 'DestinationRule', 'Gateway', 'Sidecar'] as const;
type Kind = (typeof KINDS)[number];

/** Derived values one view keeps at most (each is recomputed when asked again). */
const MAX_MEMOS = 10_000;

/** Memoised lists of one moment's objects. */
export class Topology {
  cluster: SimClusterApi;
  private cache = new Map<Kind, K8sObject[]>();
  private memos = new Map<string, unknown>();
  private tables = new Map<string, NestedTable>();
  private tableEntries = 0;
  private endpoints = new Map<K8sObject, Map<string, PodEndpointAddress[]>>();
  private rules = new WeakMap<HttpRoute, CompiledRule>();
  private podFactsOf = new WeakMap<K8sObject, PodFacts>();
  private perObject = new WeakMap<object, Map<string, unknown>>();

  constructor(cluster: SimClusterApi) {
    this.cluster = cluster;
  }

  /** All objects of a Kind, in every namespace. */
  all(kind: Kind): K8sObject[] {
    let list = this.cache.get(kind);
    if (!list) {
      list = this.cluster.list(kind);
      // The Gateway API's Gateways and HTTPRoutes reach the data plane as istiod converts them: Istio config.
      if (kind === 'Gateway') list = [...list, ...translatedGateways(this.cluster)];
      if (kind === 'VirtualService') list = [...list, ...translatedVirtualServices(this.cluster)];
      this.cache.set(kind, list);
    }
    return list;
  }

  /**
   * What `compute` derives from this moment's objects, computed once: the view lives until the next object
   * change, so anything memoised here is dropped with it (Envoy's configuration, recomputed on a push).
   */
  memo<T>(key: string, compute: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = compute();
    // Keys can carry what a request names (a Host): a flood of distinct ones starts the cache afresh.
    if (this.memos.size >= MAX_MEMOS) this.memos.clear();
    this.memos.set(key, value);
    return value;
  }

  /**
   * `memo` keyed by several values (strings, numbers, objects of this view) rather than one string joined from them:
   * a hop's tables are looked up by names it already holds, whose hashes are kept, instead of by a key built and
   * hashed anew on every request. Undefined keys are allowed (a route without a subset).
   */
  memoBy<T>(table: string, a: unknown, b: unknown, c: unknown, d: unknown, compute: () => T): T {
    let byA = this.tables.get(table);
    if (!byA) this.tables.set(table, (byA = new Map()));
    let byB = byA.get(a);
    if (!byB) byA.set(a, (byB = new Map()));
    let byC = byB.get(b);
    if (!byC) byB.set(b, (byC = new Map()));
    let byD = byC.get(c);
    if (!byD) byC.set(c, (byD = new Map()));
    if (byD.has(d)) return byD.get(d) as T;
    const value = compute();
    // Keys can carry what a request names (a Host): a flood of distinct ones starts the tables afresh.
    if (++this.tableEntries > MAX_MEMOS) {
      this.tables.clear();
      this.tableEntries = 0;
    } else byD.set(d, value);
    return value;
  }

  /** An http rule of this moment's VirtualServices as the router reads it, compiled once (see `compiledRule.ts`). */
  compiledRule(rule: HttpRoute): CompiledRule {
    let compiled = this.rules.get(rule);
    if (!compiled) this.rules.set(rule, (compiled = compileRule(rule)));
    return compiled;
  }

  /** What `compute` derives from one of this moment's objects under the name `slot`, computed once. */
  derived<O extends object, T>(object: O, slot: string, compute: (object: O) => T): T {
    let slots = this.perObject.get(object);
    if (!slots) this.perObject.set(object, (slots = new Map()));
    if (slots.has(slot)) return slots.get(slot) as T;
    const value = compute(object);
    slots.set(slot, value);
    return value;
  }

  /** What the data plane asks of a pod on every hop (its Envoy, its capture ranges), read once per configuration. */
  podFacts(pod: K8sObject): PodFacts {
    let facts = this.podFactsOf.get(pod);
    if (!facts) {
      const proxy = hasProxy(pod);
      const gateway = isGatewayPod(pod);
      facts = { hasProxy: proxy, isGateway: gateway, capture: proxy && !gateway ? captureRanges(pod) : undefined };
      this.podFactsOf.set(pod, facts);
    }
    return facts;
  }

  pods(): K8sObject[] {
    return this.all('Pod');
  }

  services(): K8sObject[] {
    return this.all('Service');
  }

  /** The pod with this IP (pods that have not started have none). */
  podByIp(ip: string): K8sObject | undefined {
    return this.memo('podsByIp', () =>
      firstBy(
        this.pods().filter((p) => !p.metadata.deletionTimestamp),
        (p) => podIp(p),
      ),
    ).get(ip);
  }

  /** The Service with this cluster IP. */
  serviceByClusterIp(ip: string): K8sObject | undefined {
    return this.memo('servicesByClusterIp', () => firstBy(this.services(), (s) => clusterIp(s))).get(ip);
  }

  service(name: string, namespace: string): K8sObject | undefined {
    return this.memo('servicesByName', () =>
      firstBy(this.services(), (s) => `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`),
    ).get(`${namespace}/${name}`);
  }

  /** Ready pods behind a Service port, optionally narrowed by subset labels: `{pod, ip, port}` each (shared: do not change). */
  serviceEndpoints(svc: K8sObject, port: ServicePortSpec, subsetLabels?: Record<string, string>): PodEndpointAddress[] {
    let perService = this.endpoints.get(svc);
    if (!perService) this.endpoints.set(svc, (perService = new Map()));
    const key = `${port.port}/${port.name ?? ''}/${port.targetPort ?? ''}|${subsetLabels ? JSON.stringify(subsetLabels) : ''}`;
    let found = perService.get(key);
    if (!found) perService.set(key, (found = this.computeEndpoints(svc, port, subsetLabels)));
    return found;
  }

  private computeEndpoints(
    svc: K8sObject,
    port: ServicePortSpec,
    subsetLabels?: Record<string, string>,
  ): PodEndpointAddress[] {
    const selector = serviceSelector(svc);
    if (!selector || Object.keys(selector).length === 0) return [];
    const ns = svc.metadata.namespace ?? 'default';
    const out: PodEndpointAddress[] = [];
    for (const pod of this.pods()) {
      if ((pod.metadata.namespace ?? 'default') !== ns) continue;
      const labels = labelsOf(pod);
      if (!selectorMatches(selector, labels) || !selectorMatches(subsetLabels, labels)) continue;
      const ip = podIp(pod);
      const target = resolveTargetPort(pod, port);
      if (!ip || target === undefined || !isPodReady(pod)) continue;
      out.push({ pod, ip, port: target });
    }
    return out;
  }
}

/** `memoBy`'s tables: values by four keys. */
type NestedTable = Map<unknown, Map<unknown, Map<unknown, Map<unknown, unknown>>>>;

/** Items by a key of theirs; the first item wins a key, as a search in list order would find it. */
function firstBy(items: readonly K8sObject[], keyOf: (item: K8sObject) => string | undefined): Map<string, K8sObject> {
  const byKey = new Map<string, K8sObject>();
  for (const item of items) {
    const key = keyOf(item);
    if (key !== undefined && !byKey.has(key)) byKey.set(key, item);
  }
  return byKey;
}

/** A pod's data-plane facts (see `Topology.podFacts`). */
export interface PodFacts {
  /** It runs an Envoy (a sidecar or a gateway). */
  hasProxy: boolean;
  /** The Envoy is the whole pod (a gateway). */
  isGateway: boolean;
  /** A sidecar's iptables capture ranges (none for gateways and pods without a sidecar). */
  capture: { include: string; exclude: string } | undefined;
}

/** A pod address behind a Service. */
export interface PodEndpointAddress {
  pod: K8sObject;
  ip: string;
  port: number;
}
