/**
 * `istioctl x check-inject [<type>/]<name>[.<namespace>] | -l k=v,...` as istioctl 1.30 decides it
 * (istioctl/pkg/checkinject): every Istio MutatingWebhookConfiguration in the cluster is matched against the pod's
 * (or the given) labels and its namespace's labels, webhook by webhook, with istioctl's reasons; the table is
 * istioctl's ColoredTableWriter, whose column widths count the colour codes of the ✔/✘ cells.
 */
import type { SimClusterApi } from '../../../types.ts';
import { parseSelector, SelectorError } from '../../../cluster/labelSelector.ts';
import {
  isIstioInjector,
  type MutatingWebhook,
  selectorMatches,
  type WebhookSelector,
  webhooksOf,
} from '../../../cluster/webhookSelectors.ts';
import { podFor, splitNamespace } from './podRef.ts';

type Labels = Record<string, string>;

type Selector = WebhookSelector;
type Webhook = MutatingWebhook;

/** One Istio webhook configuration's verdict. */
interface Analysis {
  name: string;
  revision: string;
  injected: boolean;
  reason: string;
}

/** extractMatchedSelectorInfo: whether it matches, and the `key=value` of the first In/NotIn key the object has. */
function matchedInfo(selector: Selector | undefined, labels: Labels): { matched: boolean; label: string } {
  if (!selector) return { matched: true, label: '' };
  if (!selectorMatches(selector, labels)) return { matched: false, label: '' };
  for (const e of selector.matchExpressions ?? [])
    if ((e.operator === 'In' || e.operator === 'NotIn') && e.key in labels)
      return { matched: true, label: `${e.key}=${labels[e.key]}` };
  return { matched: true, label: '' };
}

/** Every `key=value` an In expression of these selectors asks for. */
function inLabels(selectors: (Selector | undefined)[]): string[] {
  return selectors.flatMap((s) =>
    (s?.matchExpressions ?? [])
      .filter((e) => e.operator === 'In')
      .flatMap((e) => (e.values ?? []).map((v) => `${e.key}=${v}`)),
  );
}

/** istioctl's util.NeverMatch (`matchLabels: {istio.io/deactivated: never-match}`): a deactivated injector. */
function neverMatches(selector: Selector | undefined): boolean {
  const labels = Object.entries(selector?.matchLabels ?? {});
  return (
    !selector?.matchExpressions?.length &&
    labels.length === 1 &&
    labels[0]![0] === 'istio.io/deactivated' &&
    labels[0]![1] === 'never-match'
  );
}

/** analyzeWebhooksMatchStatus: the first webhook that decides, or why none matches. */
function analyzeWebhooks(webhooks: Webhook[], pod: Labels, ns: Labels): { reason: string; injected: boolean } {
  for (const wh of webhooks) {
    const nsInfo = matchedInfo(wh.namespaceSelector, ns);
    const podInfo = matchedInfo(wh.objectSelector, pod);
    if (nsInfo.matched && podInfo.matched) {
      if (nsInfo.label && podInfo.label)
        return {
          reason: `Namespace label ${nsInfo.label} matches, and pod label ${podInfo.label} matches`,
          injected: true,
        };
      if (nsInfo.label) {
        const auto = nsInfo.label.includes('kubernetes.io/metadata.name')
          ? ' (Automatic injection is enabled in all namespaces).'
          : '';
        return { reason: `Namespace label ${nsInfo.label} matches${auto}`, injected: true };
      }
      if (podInfo.label) return { reason: `Pod label ${podInfo.label} matches`, injected: true };
    } else if (nsInfo.matched) {
      for (const e of wh.objectSelector?.matchExpressions ?? []) {
        const value = pod[e.key];
        if (value === undefined) continue;
        if (e.operator === 'DoesNotExist' || (e.operator === 'NotIn' && (e.values ?? []).includes(value)))
          return { reason: `Pod has ${e.key}=${value} label, preventing injection`, injected: false };
      }
    } else if (podInfo.matched) {
      const value = ns['istio-injection'];
      if (value !== undefined && value !== 'enabled')
        return { reason: `Namespace has istio-injection=${value} label, preventing injection`, injected: false };
    }
  }
  if (webhooks.some((wh) => neverMatches(wh.namespaceSelector) && neverMatches(wh.objectSelector)))
    return { reason: 'The injection webhook is deactivated, and will never match labels.', injected: false };
  const nsLabels = inLabels(webhooks.map((w) => w.namespaceSelector)).join(', ');
  const podLabels = inLabels(webhooks.map((w) => w.objectSelector)).join(', ');
  return { reason: `No matching namespace labels (${nsLabels}) or pod labels (${podLabels})`, injected: false };
}

/** The verdict of every Istio injection webhook configuration, by name. */
export function analyzeInjection(cluster: SimClusterApi, pod: Labels, ns: Labels): Analysis[] {
  return cluster
    .list('MutatingWebhookConfiguration')
    .filter(isIstioInjector)
    .map((mwc) => ({ mwc, webhooks: webhooksOf(mwc) }))
    .map(({ mwc, webhooks }) => ({
      name: mwc.metadata.name,
      revision: mwc.metadata.labels?.['istio.io/rev'] ?? '',
      ...analyzeWebhooks(webhooks, pod, ns),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const GREEN = (s: string) => `\u001b[32m${s}\u001b[0m`;
const RED = (s: string) => `\u001b[31m${s}\u001b[0m`;

/** istioctl's ColoredTableWriter: widths in bytes of the printed cell (colour codes included), pads in runes + 2. */
function coloredTable(rows: { value: string; printed: string }[][]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, Buffer.byteLength(c.printed));
    });
  return rows
    .map(
      (row) =>
        row
          .map((c, i) =>
            i === row.length - 1 ? c.printed : c.printed + ' '.repeat(widths[i]! - [...c.value].length + 2),
          )
          .join('') + '\n',
    )
    .join('');
}

/** The equality requirements of `-l` (what metav1.ParseToLabelSelector puts in matchLabels), or the parse error. */
function equalityLabels(text: string): Labels | string {
  try {
    const labels: Labels = {};
    for (const r of parseSelector(text)) if (r.op === 'eq') labels[r.key] = r.value;
    return labels;
  } catch (error) {
    if (error instanceof SelectorError) return error.message;
    throw error;
  }
}

/** `istioctl x check-inject`. */
export function checkInject(
  cluster: SimClusterApi,
  args: string[],
  options: { labels?: string; namespace: string },
): { stdout: string; stderr: string; exitCode: number } {
  if ((args.length === 0 && !options.labels) || args.length > 1)
    return {
      stdout: '',
      stderr:
        'Error: check-inject requires only [<resource-type>/]<resource-name>[.<namespace>], or specify labels flag\n',
      exitCode: 1,
    };
  let podLabels: Labels;
  let namespace: string;
  if (args.length === 1) {
    const { ref, namespace: ns } = splitNamespace(args[0]!, options.namespace);
    const pod = podFor(cluster, ref, ns);
    if (typeof pod === 'string') return { stdout: '', stderr: `Error: ${pod}\n`, exitCode: 1 };
    podLabels = pod.metadata.labels ?? {};
    namespace = ns;
  } else {
    const parsed = equalityLabels(options.labels!);
    if (typeof parsed === 'string') return { stdout: '', stderr: `Error: ${parsed}\n`, exitCode: 1 };
    podLabels = parsed;
    namespace = options.namespace;
  }
  const ns = cluster.get('Namespace', undefined, namespace);
  if (!ns) return { stdout: '', stderr: `Error: namespaces "${namespace}" not found\n`, exitCode: 1 };
  const results = analyzeInjection(cluster, podLabels, ns.metadata.labels ?? {});
  if (results.length === 0) return { stdout: 'ERROR: no Istio injection hooks present.\n', stderr: '', exitCode: 0 };
  const plain = (value: string) => ({ value, printed: value });
  const rows = [
    ['WEBHOOK', 'REVISION', 'INJECTED', 'REASON'].map(plain),
    ...results.map((r) => [
      plain(r.name),
      plain(r.revision),
      r.injected ? { value: '✔', printed: GREEN('✔') } : { value: '✘', printed: RED('✘') },
      plain(r.reason),
    ]),
  ];
  const several = results.filter((r) => r.injected).length > 1;
  return {
    stdout: coloredTable(rows) + (several ? 'ERROR: multiple webhooks will inject, which can lead to errors' : ''),
    stderr: '',
    exitCode: 0,
  };
}
