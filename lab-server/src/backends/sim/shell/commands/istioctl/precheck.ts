/**
 * `istioctl x precheck` as istioctl 1.30 runs it (istioctl/pkg/precheck): the Kubernetes version against 1.30's
 * minimum (1.32), the permissions to install (the lab's user is cluster-admin: always granted), the served versions
 * of Gateway API CRDs (IST0156 below v1beta1, IST0172 below v1), and with `--from-version 1.21` or older the
 * zipkin Service that 1.22's tracing default no longer uses (IST0169). Messages at `--output-threshold` or worse
 * are printed (log lines coloured as precheck always colours them, or `-o json|yaml`); a Warning or worse fails.
 * Not simulated: the alpha-annotation analyzer that precheck also runs (the simulator has no maturity table).
 */
import type { SimClusterApi } from '../../../types.ts';
import { ISTIO_VERSION } from '../../../istio/version.ts';

type Level = 'Info' | 'Warning' | 'Error';
const SEVERITY: Record<Level, number> = { Info: 0, Warning: 1, Error: 2 };
const COLOUR: Record<Level, string> = { Info: '', Warning: '\u001b[33m', Error: '\u001b[1;31m' };

/** One diagnostic message, as istio's diag.Message prints it. */
interface Message {
  level: Level;
  code: string;
  origin: string;
  text: string;
}

/** istio.io's analysis message reference for this release (url.ConfigAnalysis). */
const ANALYSIS_DOCS = `https://istio.io/v${ISTIO_VERSION.split('.').slice(0, 2).join('.')}/docs/reference/config/analysis`;

/** The minimum Kubernetes minor version Istio 1.30 supports (k8sversion.MinK8SVersion). */
const MIN_K8S_MINOR = 32;
const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const STABLE_KINDS = ['Gateway', 'GatewayClass', 'HTTPRoute', 'GRPCRoute'];
const BETA_KINDS = ['Gateway', 'GatewayClass', 'HTTPRoute', 'ReferenceGrant'];

/** The cluster's Kubernetes version, from its node (the API server runs the same release in kind). */
function kubernetesVersion(cluster: SimClusterApi): string {
  const node = cluster.list('Node')[0];
  return (
    (node?.status as { nodeInfo?: { kubeletVersion?: string } } | undefined)?.nodeInfo?.kubeletVersion ?? 'v1.34.0'
  );
}

function checkServerVersion(cluster: SimClusterApi): Message[] {
  const version = kubernetesVersion(cluster);
  const minor = Number(/^v?\d+\.(\d+)/.exec(version)?.[1] ?? '0');
  if (minor >= MIN_K8S_MINOR) return [];
  return [
    {
      level: 'Error',
      code: 'IST0142',
      origin: 'Cluster',
      text: `The Kubernetes Version "${version.replace(/^v/, '')}" is lower than the minimum version: 1.${MIN_K8S_MINOR}`,
    },
  ];
}

function checkGatewayApis(cluster: SimClusterApi): Message[] {
  const messages: Message[] = [];
  for (const crd of cluster.list('CustomResourceDefinition')) {
    const spec = crd.spec as {
      group?: string;
      names?: { kind?: string };
      versions?: { name: string; served?: boolean }[];
    };
    if (spec?.group !== GATEWAY_GROUP) continue;
    const versions = (spec.versions ?? [])
      .filter((v) => v.served)
      .map((v) => v.name)
      .sort();
    const has = versions.length > 0 ? versions.join(',') : 'none';
    const kind = spec.names?.kind ?? '';
    const origin = `CustomResourceDefinition ${crd.metadata.name}`;
    if (BETA_KINDS.includes(kind) && !versions.includes('v1beta1'))
      messages.push({
        level: 'Error',
        code: 'IST0156',
        origin,
        text: `The Gateway API CRD version ${has} is lower than the minimum version: v1beta1`,
      });
    if (STABLE_KINDS.includes(kind) && !versions.includes('v1'))
      messages.push({
        level: 'Warning',
        code: 'IST0172',
        origin,
        text: `The Gateway API CRD version ${has} is lower than the minimum version: v1`,
      });
  }
  return messages;
}

/** `--from-version`: what changed since that release; an error message for a malformed version. */
function checkFromVersion(cluster: SimClusterApi, version: string): Message[] | string {
  const dot = version.indexOf('.');
  if (dot < 0) return `invalid version ${version}, expected format like '1.0'`;
  const major = version.slice(0, dot);
  const minors = version.slice(dot + 1);
  if (major !== '1') return `expected major version 1, got ${version}`;
  if (!/^[+-]?\d+$/.test(minors)) return `minor version is not a number: ${minors}`;
  if (Number(minors) > 21 || !cluster.get('Service', 'istio-system', 'zipkin')) return [];
  return [
    {
      level: 'Warning',
      code: 'IST0169',
      origin: 'Service istio-system/zipkin',
      text:
        'The configuration "meshConfig.defaultConfig.tracer" changed in release 1.21: tracing is no longer by default ' +
        "enabled to send to 'zipkin.istio-system.svc'; follow " +
        'https://istio.io/latest/docs/tasks/observability/distributed-tracing/telemetry-api/. ' +
        'Or, install with `--set compatibilityVersion=1.21` to retain the old default.',
    },
  ];
}

/** diag.Messages.SortedDedupedCopy: worst level first, then code, then origin and text; duplicates dropped. */
function sorted(messages: Message[]): Message[] {
  const line = (m: Message) => `${m.level} [${m.code}] (${m.origin}) ${m.text}`;
  return [...messages]
    .sort(
      (a, b) =>
        SEVERITY[b.level] - SEVERITY[a.level] ||
        a.code.localeCompare(b.code) ||
        a.origin.localeCompare(b.origin) ||
        line(a).localeCompare(line(b)),
    )
    .filter((m, i, all) => i === 0 || line(all[i - 1]!) !== line(m));
}

/** How one message is written in each output format. */
function render(messages: Message[], format: string): string {
  if (format === 'log')
    return messages.map((m) => `${COLOUR[m.level]}${m.level}\u001b[0m [${m.code}] (${m.origin}) ${m.text}`).join('\n');
  const shaped = messages.map((m) => ({
    code: m.code,
    documentationUrl: `${ANALYSIS_DOCS}/${m.code.toLowerCase()}/`,
    level: m.level,
    message: m.text,
    origin: m.origin,
  }));
  return format === 'json' ? JSON.stringify(shaped, null, '\t') : shapedYaml(shaped);
}

function shapedYaml(items: Record<string, string>[]): string {
  return items
    .map((item) =>
      Object.entries(item)
        .map(([k, v], i) => `${i === 0 ? '- ' : '  '}${k}: ${/[:#'"]|^\s|\s$/.test(v) ? JSON.stringify(v) : v}`)
        .join('\n'),
    )
    .join('\n')
    .concat(items.length ? '\n' : '[]\n');
}

/** `istioctl x precheck`. */
export function precheck(
  cluster: SimClusterApi,
  options: { skipControlPlane: boolean; fromVersion?: string; threshold: string; output: string; terminal: boolean },
): { stdout: string; stderr: string; exitCode: number } {
  const threshold = (['Info', 'Warning', 'Error'] as Level[]).find(
    (l) => l.toLowerCase() === options.threshold.toLowerCase(),
  );
  if (!threshold)
    return {
      stdout: '',
      stderr: `Error: invalid argument "${options.threshold}" for "--output-threshold" flag: invalid level option\n`,
      exitCode: 1,
    };
  if (!['log', 'json', 'yaml'].includes(options.output))
    return {
      stdout: '',
      stderr: `Error: invalid format, expected one of [log json yaml] but got "${options.output}"\n`,
      exitCode: 1,
    };
  let messages: Message[] = [];
  if (!options.skipControlPlane) messages = [...checkServerVersion(cluster), ...checkGatewayApis(cluster)];
  if (options.fromVersion !== undefined) {
    const since = checkFromVersion(cluster, options.fromVersion);
    if (typeof since === 'string') return { stdout: '', stderr: `Error: ${since}\n`, exitCode: 1 };
    messages.push(...since);
  }
  messages = sorted(messages);
  const shown = messages.filter((m) => SEVERITY[m.level] >= SEVERITY[threshold]);
  let stdout = '';
  let stderr = '';
  if (shown.length === 0) {
    const check = options.terminal ? '\u001b[32m✔\u001b[0m' : '✔';
    stderr +=
      `${check} No issues found when checking the cluster. Istio is safe to install or upgrade!\n` +
      '  To get started, check out https://istio.io/latest/docs/setup/getting-started/.\n';
  } else stdout = `${render(shown, options.output)}\n`;
  if (messages.some((m) => SEVERITY[m.level] >= SEVERITY.Warning)) {
    stderr +=
      'Error: Issues found when checking the cluster. Istio may not be safe to install or upgrade.\n' +
      `See ${ANALYSIS_DOCS} for more information about causes and resolutions.\n`;
    return { stdout, stderr, exitCode: 1 };
  }
  return { stdout, stderr, exitCode: 0 };
}
