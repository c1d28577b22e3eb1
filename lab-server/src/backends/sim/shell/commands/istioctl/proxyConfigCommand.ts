/**
 * `istioctl proxy-config` (`pc`): `clusters` (with `--fqdn`, `--port`, `--direction`, `--subset`) and `routes`
 * (with `--name`) of the sidecar `[<type>/]<name>[.<namespace>]` names, computed from the cluster's objects.
 * istioctl's other proxy-config commands, and the raw Envoy dump (`-o json|yaml`), need a running Envoy's admin
 * API, which the simulator does not have: they say so rather than print something that is not Envoy's.
 */
import type { ExecResult } from 'just-bash';
import type { SimCommandHost } from '../../../types.ts';
import { flagValue, helpText, type FlagSpec, type ParsedFlags } from './flags.ts';
import { clustersTable, findProxyPod, routesTable, type ClusterFilter } from './proxyConfig.ts';

const CLUSTERS = ['clusters', 'cluster', 'c'];
const ROUTES = ['routes', 'route', 'r'];
/** istioctl 1.30's other proxy-config commands and their aliases. */
const NOT_SIMULATED: Record<string, string> = {
  listeners: 'listeners',
  listener: 'listeners',
  l: 'listeners',
  endpoints: 'endpoints',
  endpoint: 'endpoints',
  ep: 'endpoints',
  secret: 'secret',
  s: 'secret',
  bootstrap: 'bootstrap',
  b: 'bootstrap',
  log: 'log',
  o: 'log',
  all: 'all',
  a: 'all',
  ecds: 'ecds',
  ec: 'ecds',
  'rootca-compare': 'rootca-compare',
};
const CLUSTER_FLAGS = ['fqdn', 'port', 'direction', 'subset'];

function error(message: string): ExecResult {
  return { stdout: '', stderr: `Error: ${message}\n`, exitCode: 1 };
}

/** Runs `istioctl proxy-config ...` with its parsed flags. */
export function proxyConfigCommand(
  host: SimCommandHost,
  flags: ParsedFlags,
  spec: { short: string; usage: string; flags: FlagSpec[] },
): ExecResult {
  const [what, target] = flags.positional;
  if (!what) return { stdout: helpText(spec.short, spec.usage, spec.flags), stderr: '', exitCode: 0 };
  const isClusters = CLUSTERS.includes(what);
  const isRoutes = ROUTES.includes(what);
  if (!isClusters && !isRoutes) {
    const known = NOT_SIMULATED[what];
    if (!known) return error(`unknown command "${what}" for "istioctl proxy-config"`);
    return error(
      `istioctl proxy-config ${known} reads a running Envoy's admin API, which this simulated mesh does not have; ` +
        'istioctl proxy-config clusters and routes show what the sidecar is given',
    );
  }
  // Each subcommand has its own filters: another's is an unknown flag, as cobra says.
  const own = isClusters ? CLUSTER_FLAGS : ['name'];
  for (const name of [...CLUSTER_FLAGS, 'name'])
    if (!own.includes(name) && flags.values.has(name)) return error(`unknown flag: --${name}`);
  const output = flagValue(flags, 'output') ?? 'short';
  if (output === 'json' || output === 'yaml')
    return error(
      `-o ${output} prints the Envoy configuration dump, which this simulated mesh does not have; ` +
        'the short output shows what the sidecar is given',
    );
  if (output !== 'short') return error(`output format "${output}" not supported`);
  // cobra reads --port as an int before the command runs.
  const filter: ClusterFilter = {};
  const port = flagValue(flags, 'port');
  if (port !== undefined) {
    if (!/^-?\d+$/.test(port))
      return error(`invalid argument "${port}" for "--port" flag: strconv.ParseInt: parsing "${port}": invalid syntax`);
    filter.port = Number(port);
  }
  if (!target) return error('pod name or --file is required');
  const pod = findProxyPod(host.cluster, target, flagValue(flags, 'namespace') ?? 'default');
  if (typeof pod === 'string') return error(pod);
  if (isRoutes) return { stdout: routesTable(host.cluster, pod, flagValue(flags, 'name')), stderr: '', exitCode: 0 };
  for (const key of ['fqdn', 'direction', 'subset'] as const) {
    const value = flagValue(flags, key);
    if (value !== undefined) filter[key] = value;
  }
  return { stdout: clustersTable(host.cluster, pod, filter), stderr: '', exitCode: 0 };
}
