/** `kubectl version`, `api-resources`, `api-versions`, `config`, `cluster-info`, and the help text. */
import { API_RESOURCES } from '../../../cluster/discovery.ts';
import { flag, type ParsedArgs } from './args.ts';
import type { CommandContext, Output } from './context.ts';
import { layout } from './tables.ts';
import { toYaml } from './output.ts';

/** kubectl's client version. */
export const CLIENT_VERSION = 'v1.34.1';

/** `kubectl version`. */
export function version(args: ParsedArgs, ctx: CommandContext): Output {
  // Fields in version.Info's order, which `-o json` keeps (build commit and date are not simulated).
  const info = (gitVersion: string) => ({
    major: gitVersion.replace(/^v/, '').split('.')[0],
    minor: gitVersion.split('.')[1],
    gitVersion,
    goVersion: 'go1.24.6',
    compiler: 'gc',
    platform: 'linux/amd64',
  });
  const client = info(CLIENT_VERSION);
  const server = info(ctx.cluster.serverVersion);
  const onlyClient = args.booleans.has('client');
  const format = flag(args, 'output');
  const data = { clientVersion: client, kustomizeVersion: 'v5.7.1', ...(onlyClient ? {} : { serverVersion: server }) };
  if (format === 'json') return { stdout: `${JSON.stringify(data, null, 2)}\n`, stderr: '', exitCode: 0 };
  if (format === 'yaml') return { stdout: toYaml(data), stderr: '', exitCode: 0 };
  if (format) return { stdout: '', stderr: `error: --output must be 'yaml' or 'json'\n`, exitCode: 1 };
  return {
    stdout:
      `Client Version: ${CLIENT_VERSION}\nKustomize Version: ` +
      `v5.7.1\n${onlyClient ? '' : `Server Version: ${ctx.cluster.serverVersion}\n`}`,
    stderr: '',
    exitCode: 0,
  };
}

/** `kubectl api-resources`. */
export function apiResources(args: ParsedArgs): Output {
  const group = flag(args, 'api-group');
  const namespaced = flag(args, 'namespaced');
  const sortBy = flag(args, 'sort-by') ?? '';
  if (!['', 'name', 'kind'].includes(sortBy))
    return { stdout: '', stderr: 'error: --sort-by accepts only name or kind\n', exitCode: 1 };
  // Go's strings.Compare: byte order, not locale order.
  const compare = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  const rows = API_RESOURCES.filter((r) => group === undefined || r.group === group)
    .filter((r) => namespaced === undefined || String(r.namespaced) === namespaced)
    .slice()
    .sort(
      (a, b) =>
        compare(
          sortBy === 'kind' ? a.kind : sortBy === 'name' ? a.plural : a.group,
          sortBy === 'kind' ? b.kind : sortBy === 'name' ? b.plural : b.group,
        ) || compare(a.plural, b.plural),
    )
    .map((r) => [
      r.plural,
      r.shortNames.join(','),
      r.group ? `${r.group}/${r.versions[0]}` : r.versions[0]!,
      String(r.namespaced),
      r.kind,
      ...(flag(args, 'output') === 'wide' ? [`[${r.verbs.join(' ')}]`, r.categories?.join(',') ?? ''] : []),
    ]);
  if (flag(args, 'output') === 'name')
    return {
      stdout: rows.map((r) => `${r[0]}${r[2]!.includes('/') ? `.${r[2]!.split('/')[0]}` : ''}\n`).join(''),
      stderr: '',
      exitCode: 0,
    };
  const headers = [
    'NAME',
    'SHORTNAMES',
    'APIVERSION',
    'NAMESPACED',
    'KIND',
    ...(flag(args, 'output') === 'wide' ? ['VERBS', 'CATEGORIES'] : []),
  ];
  return { stdout: layout(args.booleans.has('no-headers') ? rows : [headers, ...rows]), stderr: '', exitCode: 0 };
}

/** `kubectl api-versions`. */
export function apiVersions(): Output {
  const versions = new Set<string>();
  for (const r of API_RESOURCES) for (const v of r.versions) versions.add(r.group ? `${r.group}/${v}` : v);
  return {
    stdout: [...versions]
      .sort()
      .map((v) => `${v}\n`)
      .join(''),
    stderr: '',
    exitCode: 0,
  };
}

/** `kubectl config current-context|get-contexts|view`. */
export function config(args: ParsedArgs, ctx: CommandContext): Output {
  const sub = args.positionals[0];
  if (sub === 'current-context') return { stdout: 'kind-kind\n', stderr: '', exitCode: 0 };
  if (sub === 'get-contexts')
    return {
      stdout: layout([
        ['CURRENT', 'NAME', 'CLUSTER', 'AUTHINFO', 'NAMESPACE'],
        ['*', 'kind-kind', 'kind-kind', 'kind-kind', ''],
      ]),
      stderr: '',
      exitCode: 0,
    };
  if (sub === 'view')
    return {
      stdout: toYaml({
        apiVersion: 'v1',
        clusters: [
          {
            cluster: { 'certificate-authority-data': 'DATA+OMITTED', server: 'https://127.0.0.1:6443' },
            name: 'kind-kind',
          },
        ],
        contexts: [{ context: { cluster: 'kind-kind', user: 'kind-kind' }, name: 'kind-kind' }],
        'current-context': 'kind-kind',
        kind: 'Config',
        preferences: {},
        users: [
          { name: 'kind-kind', user: { 'client-certificate-data': 'DATA+OMITTED', 'client-key-data': 'DATA+OMITTED' } },
        ],
      }),
      stderr: '',
      exitCode: 0,
    };
  if (sub === 'set-context' || sub === 'use-context')
    return {
      stdout: '',
      stderr:
        `error: kubectl config ${sub} is not available in this lab shell: it ` +
        `has one cluster (kind-kind); use -n NAMESPACE to choose a namespace\n`,
      exitCode: 1,
    };
  void ctx;
  return { stdout: '', stderr: `error: unknown command "${sub ?? ''}" for "kubectl config"\n`, exitCode: 1 };
}

/** `kubectl cluster-info`. */
export function clusterInfo(): Output {
  return {
    stdout:
      '\x1b[0;32mKubernetes control plane\x1b[0m is running at ' +
      '\x1b[0;33mhttps://127.0.0.1:6443\x1b[0m\n\x1b[0;32mCoreDNS\x1b[0m is running at ' +
      '\x1b[0;33mhttps://127.0.0.1:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\x1b[0m\n\nTo ' +
      "further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n",
    stderr: '',
    exitCode: 0,
  };
}

/** `kubectl --help`, shortened to what this lab shell has. */
export const HELP = `kubectl controls the Kubernetes cluster manager.

 Find more information at: https://kubernetes.io/docs/reference/kubectl/

Basic Commands (Beginner):
  create          Create a resource from a file or from stdin
  expose          Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service
  run             Run a particular image on the cluster
  set             Set specific features on objects

Basic Commands (Intermediate):
  explain         Get documentation for a resource
  get             Display one or many resources
  edit            Edit a resource on the server
  delete          Delete resources by file names, stdin, resources and names, or by resources and label selector

Deploy Commands:
  rollout         Manage the rollout of a resource
  scale           Set a new size for a deployment, replica set, or replication controller
  autoscale       Auto-scale a deployment, replica set, stateful set, or replication controller

Cluster Management Commands:
  certificate     Modify certificate resources
  cluster-info    Display cluster information
  top             Display resource (CPU/memory) usage
  cordon          Mark node as unschedulable
  uncordon        Mark node as schedulable
  drain           Drain node in preparation for maintenance
  taint           Update the taints on one or more nodes

Troubleshooting and Debugging Commands:
  describe        Show details of a specific resource or group of resources
  logs            Print the logs for a container in a pod
  attach          Attach to a running container
  exec            Execute a command in a container
  port-forward    Forward one or more local ports to a pod
  proxy           Run a proxy to the Kubernetes API server
  cp              Copy files and directories to and from containers
  auth            Inspect authorization
  debug           Create debugging sessions for troubleshooting workloads and nodes
  events          List events

Advanced Commands:
  diff            Diff the live version against a would-be applied version
  apply           Apply a configuration to a resource by file name or stdin
  patch           Update fields of a resource
  replace         Replace a resource by file name or stdin
  wait            Experimental: Wait for a specific condition on one or many resources
  kustomize       Build a kustomization target from a directory or URL

Settings Commands:
  label           Update the labels on a resource
  annotate        Update the annotations on a resource
  completion      Output shell completion code for the specified shell (bash, zsh, fish, or powershell)

Subcommands provided by plugins:

Other Commands:
  api-resources   Print the supported API resources on the server
  api-versions    Print the supported API versions on the server, in the form of "group/version"
  config          Modify kubeconfig files
  plugin          Provides utilities for interacting with plugins
  version         Print the client and server version information

Usage:
  kubectl [flags] [options]

Use "kubectl <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
`;
