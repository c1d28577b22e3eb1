/** `kubectl describe`: the Pod and Service views kubectl prints, and its generic view for everything else (CRDs). */
import type { K8sObject } from '../../../../../contract.ts';
import { flag, type FlagSpec, type ParsedArgs } from './args.ts';
import type { CommandContext, Output } from './context.ts';
import { humanAge } from './age.ts';
import { parseTargets } from './resources.ts';
import { podStatus } from './tables.ts';

type Obj = Record<string, any>;

/** Flags of describe. */
export const DESCRIBE_FLAGS: FlagSpec = { values: ['selector', 'filename'], booleans: ['all-namespaces', 'show-events'], short: { l: 'selector', A: 'all-namespaces', f: 'filename' } };

function title(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase()).replace(/\bUid\b/, 'UID').replace(/\bIp\b/, 'IP');
}

function map(m: Record<string, string> | undefined, indent: string): string {
  const entries = Object.entries(m ?? {});
  if (entries.length === 0) return '<none>';
  return entries.map(([k, v], i) => `${i === 0 ? '' : indent}${k}=${v}`).join('\n');
}

function annotations(m: Record<string, string> | undefined, indent: string): string {
  const entries = Object.entries(m ?? {});
  if (entries.length === 0) return '<none>';
  return entries.map(([k, v], i) => `${i === 0 ? '' : indent}${k}: ${v.length > 60 ? `${v.slice(0, 60)}...` : v}`).join('\n');
}

/** kubectl's generic describer: nested fields as `Title Case:` lines, lists without dashes. */
function generic(value: unknown, indent: number): string {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    return value.map((item) => (item && typeof item === 'object' ? generic(item, indent) : `${pad}${String(item)}\n`)).join('');
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Obj);
    const width = Math.max(0, ...entries.filter(([, v]) => v === null || typeof v !== 'object').map(([k]) => title(k).length + 1));
    return entries.map(([k, v]) => {
      if (v && typeof v === 'object') return `${pad}${title(k)}:\n${generic(v, indent + 2)}`;
      return `${pad}${`${title(k)}:`.padEnd(width + 2)}${String(v)}\n`;
    }).join('');
  }
  return `${pad}${String(value)}\n`;
}

function describeGeneric(obj: K8sObject): string {
  const { metadata, apiVersion, kind, ...rest } = obj;
  const { name, namespace, labels, annotations: ann, ...meta } = metadata;
  delete (meta as Obj).managedFields;
  return [
    `Name:         ${name}\n`,
    ...(namespace ? [`Namespace:    ${namespace}\n`] : []),
    `Labels:       ${map(labels, '              ')}\n`,
    `Annotations:  ${annotations(ann, '              ')}\n`,
    `API Version:  ${apiVersion}\n`,
    `Kind:         ${kind}\n`,
    `Metadata:\n${generic(meta, 2)}`,
    generic(rest, 0),
    'Events:  <none>\n',
  ].join('');
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
