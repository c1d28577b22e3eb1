/** `kubectl describe`: the Pod and Service views kubectl prints, and its generic view for everything else (CRDs). */
import type { K8sObject } from '../../../../../contract.ts';
import { flag, type FlagSpec, type ParsedArgs } from './args.ts';
import type { CommandContext, Output } from './context.ts';
import { humanAge } from './age.ts';
import { parseTargets } from './resources.ts';
import { podStatus } from './tables.ts';
import { tabwrite } from './tabwriter.ts';

type Obj = Record<string, any>;

/** Flags of describe. */
export const DESCRIBE_FLAGS: FlagSpec = { values: ['selector', 'filename'], booleans: ['all-namespaces', 'show-events'], short: { l: 'selector', A: 'all-namespaces', f: 'filename' } };

const ACRONYMS = ['API', 'URL', 'UID', 'OSB', 'GUID'];

/** Go's camelcase.Split: runs of lower, upper, digit and other characters, an upper run handing its last letter on. */
function camelSplit(text: string): string[] {
  const kind = (c: string) => (/[a-z]/.test(c) ? 1 : /[A-Z]/.test(c) ? 2 : /[0-9]/.test(c) ? 3 : 4);
  const runs: string[] = [];
  let last = 0;
  for (const c of text) {
    const k = kind(c);
    if (k === last) runs[runs.length - 1] += c;
    else runs.push(c);
    last = k;
  }
  for (let i = 0; i < runs.length - 1; i++) {
    if (kind(runs[i]![0]!) === 2 && kind(runs[i + 1]![0]!) === 1) {
      runs[i + 1] = runs[i]!.slice(-1) + runs[i + 1];
      runs[i] = runs[i]!.slice(0, -1);
    }
  }
  return runs.filter((r) => r.length > 0);
}

/** kubectl's smartLabelFor: `creationTimestamp` → `Creation Timestamp`, `uid` → `UID`; keys with other characters as they are. */
export function smartLabel(field: string): string {
  if (/[^A-Za-z-]/.test(field)) return field;
  return camelSplit(field).filter((p) => p !== '_').map((p) => (ACRONYMS.includes(p.toUpperCase()) ? p.toUpperCase() : p[0]!.toUpperCase() + p.slice(1))).join(' ');
}

/** kubectl's printUnstructuredContent: keys sorted, maps nested two spaces deeper, list items without dashes. */
function unstructured(content: Obj, level: number, path: string, skip: string[]): string {
  const pad = '  '.repeat(level);
  let out = '';
  for (const field of Object.keys(content).sort()) {
    const value = content[field];
    const expr = `${path}.${field}`;
    if (skip.includes(expr)) continue;
    if (Array.isArray(value)) {
      out += `${pad}${smartLabel(field)}:\n`;
      for (const child of value) out += child && typeof child === 'object' && !Array.isArray(child) ? unstructured(child as Obj, level + 1, expr, skip) : `${pad}  ${goValue(child)}\n`;
    } else if (value && typeof value === 'object') {
      out += `${pad}${smartLabel(field)}:\n${unstructured(value as Obj, level + 1, expr, skip)}`;
    } else out += `${pad}${smartLabel(field)}:\t${goValue(value)}\n`;
  }
  return out;
}

/** How Go's `%v` prints a JSON value. */
function goValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goValue).join(' ')}]`;
  if (typeof value === 'object') return `map[${Object.keys(value as Obj).sort().map((k) => `${k}:${goValue((value as Obj)[k])}`).join(' ')}]`;
  return String(value);
}

/** `Labels:` with one `key=value` per line, sorted, continuation lines in the same column. */
function labelsBlock(title: string, labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return `${title}:\t<none>\n`;
  return keys.map((k, i) => `${i === 0 ? `${title}:` : ''}\t${k}=${labels![k]}\n`).join('');
}

/** `Annotations:` as kubectl prints them: last-applied skipped, long or multi-line values on their own lines. */
function annotationsBlock(title: string, annotations: Record<string, string> | undefined): string {
  const keys = Object.keys(annotations ?? {}).filter((k) => k !== 'kubectl.kubernetes.io/last-applied-configuration').sort();
  if (keys.length === 0) return `${title}:\t<none>\n`;
  let out = `${title}:\t`;
  keys.forEach((key, i) => {
    if (i !== 0) out += '\t';
    const value = annotations![key]!.replace(/\n$/, '');
    if (value.length + key.length + 2 > 140 || value.includes('\n')) {
      out += `${key}:\n`;
      for (const line of value.split('\n')) out += `\t  ${line.length > 138 ? `${line.slice(0, 138)}...` : line}\n`;
    } else out += `${key}: ${value}\n`;
  });
  return out;
}

/** kubectl's generic describer (CRDs such as VirtualService): every field, sorted, then `Events:  <none>`. */
export function describeGeneric(obj: K8sObject): string {
  return tabwrite([
    `Name:\t${obj.metadata.name}\n`,
    `Namespace:\t${obj.metadata.namespace ?? ''}\n`,
    labelsBlock('Labels', obj.metadata.labels),
    annotationsBlock('Annotations', obj.metadata.annotations),
    unstructured(obj as unknown as Obj, 0, '', ['.metadata.managedFields', '.metadata.name', '.metadata.namespace', '.metadata.labels', '.metadata.annotations']),
    'Events:\t<none>\n',
  ].join(''));
}

/** Fixed-width label lines of the Pod and Service views (to be moved onto tabwrite like describeGeneric). */
function map(m: Record<string, string> | undefined, indent: string): string {
  const entries = Object.entries(m ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return '<none>';
  return entries.map(([k, v], i) => `${i === 0 ? '' : indent}${k}=${v}`).join('\n');
}

function annotations(m: Record<string, string> | undefined, indent: string): string {
  const entries = Object.entries(m ?? {}).filter(([k]) => k !== 'kubectl.kubernetes.io/last-applied-configuration').sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return '<none>';
  return entries.map(([k, v], i) => `${i === 0 ? '' : indent}${k}: ${v}`).join('\n');
}

function describePod(pod: K8sObject, now: number): string {
  const spec = (pod.spec ?? {}) as Obj;
  const st = (pod.status ?? {}) as Obj;
  const owner = pod.metadata.ownerReferences?.find((r) => r.controller);
  const container = (c: Obj, statuses: Obj[] | undefined) => {
    const s = statuses?.find((x) => x.name === c.name) ?? {};
    const state = s.state?.running ? `Running\n      Started:      ${new Date(s.state.running.startedAt).toUTCString().replace('GMT', '+0000')}` : s.state?.terminated ? `Terminated\n      Reason:       ${s.state.terminated.reason}\n      Exit Code:    ${s.state.terminated.exitCode}` : `Waiting\n      Reason:       ${s.state?.waiting?.reason ?? 'ContainerCreating'}`;
    const ports = ((c.ports ?? []) as Obj[]).map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', ') || '<none>';
    return `  ${c.name}:\n    Container ID:  ${s.containerID ?? ''}\n    Image:         ${c.image}\n    Image ID:      ${s.imageID ?? ''}\n    Port:          ${ports}\n    Host Port:     ${ports === '<none>' ? '<none>' : '0/TCP'}\n${c.args ? `    Args:\n${(c.args as string[]).map((a) => `      ${a}\n`).join('')}` : ''}    State:          ${state}\n    Ready:          ${s.ready ? 'True' : 'False'}\n    Restart Count:  ${s.restartCount ?? 0}\n    Environment:    ${((c.env ?? []) as Obj[]).length ? `\n${((c.env ?? []) as Obj[]).map((e) => `      ${e.name}:  ${e.value ?? `(${Object.keys(e.valueFrom ?? {})[0] ?? 'ref'})`}\n`).join('')}` : '<none>\n'}`;
  };
  return [
    `Name:             ${pod.metadata.name}\n`,
    `Namespace:        ${pod.metadata.namespace}\n`,
    `Priority:         ${spec.priority ?? 0}\n`,
    `Service Account:  ${spec.serviceAccountName ?? 'default'}\n`,
    `Node:             ${spec.nodeName ?? '<none>'}/${st.hostIP ?? ''}\n`,
    `Start Time:       ${st.startTime ? new Date(st.startTime).toUTCString().replace('GMT', '+0000') : '<unset>'}\n`,
    `Labels:           ${map(pod.metadata.labels, '                  ')}\n`,
    `Annotations:      ${annotations(pod.metadata.annotations, '                  ')}\n`,
    `Status:           ${podStatus(pod) === 'Running' ? 'Running' : st.phase ?? 'Pending'}\n`,
    `IP:               ${st.podIP ?? ''}\n`,
    `IPs:\n  IP:           ${st.podIP ?? ''}\n`,
    ...(owner ? [`Controlled By:  ${owner.kind}/${owner.name}\n`] : []),
    ...(spec.initContainers?.length ? [`Init Containers:\n${(spec.initContainers as Obj[]).map((c) => container(c, st.initContainerStatuses)).join('')}`] : []),
    `Containers:\n${((spec.containers ?? []) as Obj[]).map((c) => container(c, st.containerStatuses)).join('')}`,
    `Conditions:\n  Type                        Status\n${((st.conditions ?? []) as Obj[]).map((c) => `  ${c.type.padEnd(28)}${c.status}\n`).join('')}`,
    `QoS Class:                   ${st.qosClass ?? 'BestEffort'}\n`,
    `Node-Selectors:              <none>\n`,
    `Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n`,
    `Events:                      ${pod.metadata.creationTimestamp && now - Date.parse(pod.metadata.creationTimestamp) < 3600_000 ? `\n  Type    Reason     Age   From               Message\n  ----    ------     ----  ----               -------\n  Normal  Scheduled  ${humanAge(Date.parse(pod.metadata.creationTimestamp), now)}   default-scheduler  Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${spec.nodeName ?? 'kind-control-plane'}\n` : '<none>\n'}`,
  ].join('');
}

function describeService(svc: K8sObject, ctx: CommandContext): string {
  const spec = (svc.spec ?? {}) as Obj;
  const ep = ctx.cluster.get('Endpoints', svc.metadata.namespace, svc.metadata.name);
  const endpointsFor = (port: Obj) => {
    const list: string[] = [];
    for (const s of ((ep?.subsets ?? []) as Obj[])) for (const a of (s.addresses ?? []) as Obj[]) {
      const p = ((s.ports ?? []) as Obj[]).find((x) => x.name === port.name) ?? (s.ports ?? [])[0];
      if (p) list.push(`${a.ip}:${p.port}`);
    }
    return list.join(',') || '<none>';
  };
  const ports = ((spec.ports ?? []) as Obj[]).map((p) => `Port:                     ${p.name ?? '<unset>'}  ${p.port}/${p.protocol ?? 'TCP'}\nTargetPort:               ${p.targetPort}/${p.protocol ?? 'TCP'}\n${p.nodePort ? `NodePort:                 ${p.name ?? '<unset>'}  ${p.nodePort}/${p.protocol ?? 'TCP'}\n` : ''}Endpoints:                ${endpointsFor(p)}\n`).join('');
  return [
    `Name:                     ${svc.metadata.name}\n`,
    `Namespace:                ${svc.metadata.namespace}\n`,
    `Labels:                   ${map(svc.metadata.labels, '                          ')}\n`,
    `Annotations:              ${annotations(svc.metadata.annotations, '                          ')}\n`,
    `Selector:                 ${spec.selector ? Object.entries(spec.selector).map(([k, v]) => `${k}=${v}`).join(',') : '<none>'}\n`,
    `Type:                     ${spec.type ?? 'ClusterIP'}\n`,
    `IP Family Policy:         ${spec.ipFamilyPolicy ?? 'SingleStack'}\n`,
    `IP Families:              IPv4\n`,
    `IP:                       ${spec.clusterIP}\n`,
    `IPs:                      ${spec.clusterIP}\n`,
    ports,
    `Session Affinity:         ${spec.sessionAffinity ?? 'None'}\n`,
    ...(spec.type === 'LoadBalancer' || spec.type === 'NodePort' ? [`External Traffic Policy:  ${spec.externalTrafficPolicy ?? 'Cluster'}\n`] : []),
    `Internal Traffic Policy:  ${spec.internalTrafficPolicy ?? 'Cluster'}\n`,
    'Events:                   <none>\n',
  ].join('');
}

/** `kubectl describe`. */
export async function describe(args: ParsedArgs, ctx: CommandContext): Promise<Output> {
  const targets = parseTargets(args.positionals);
  if (targets.length === 0) return { stdout: '', stderr: 'You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.\n', exitCode: 1 };
  const parts: string[] = [];
  let stderr = '';
  let exitCode = 0;
  for (const target of targets) {
    const namespace = target.resource.namespaced && !args.booleans.has('all-namespaces') ? ctx.namespace : undefined;
    let objects: K8sObject[];
    if (target.names.length) {
      objects = [];
      for (const name of target.names) {
        const exact = ctx.cluster.get(target.resource.kind, namespace, name);
        // describe accepts a name prefix, as kubectl does.
        const found = exact ? [exact] : ctx.cluster.list(target.resource.kind, namespace).filter((o) => o.metadata.name.startsWith(name));
        if (found.length === 0) {
          stderr += `Error from server (NotFound): ${target.resource.group ? `${target.resource.plural}.${target.resource.group}` : target.resource.plural} "${name}" not found\n`;
          exitCode = 1;
        }
        objects.push(...found);
      }
    } else objects = ctx.cluster.list(target.resource.kind, namespace, flag(args, 'selector'));
    for (const obj of objects) {
      if (obj.kind === 'Pod') parts.push(describePod(obj, ctx.host.clock.now()));
      else if (obj.kind === 'Service') parts.push(describeService(obj, ctx));
      else parts.push(describeGeneric(obj));
    }
    if (objects.length === 0 && target.names.length === 0) stderr += `No resources found in ${ctx.namespace} namespace.\n`;
  }
  return { stdout: parts.join('\n\n'), stderr, exitCode };
}
