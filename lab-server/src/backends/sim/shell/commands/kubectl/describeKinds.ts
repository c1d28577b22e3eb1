/** kubectl's own describers for Pods, Services and Deployments (k8s.io/kubectl/pkg/describe), over Go's tabwriter. */
import type { K8sObject } from '../../../../../contract.ts';
import type { SimClusterApi } from '../../../types.ts';
import { humanAge } from './age.ts';
import { annotationsBlock, eventsBlock, labelsBlock, rfc1123z } from './describeText.ts';
import { tabwrite } from './tabwriter.ts';

type Obj = Record<string, any>;

const indent = (level: number) => '  '.repeat(level);

function ports(list: Obj[] | undefined, field: 'containerPort' | 'hostPort'): string {
  return (list ?? []).map((p) => `${p[field] ?? 0}/${p.protocol ?? 'TCP'}${p.name ? ` (${p.name})` : ''}`).join(', ');
}

function probe(p: Obj): string {
  const attrs =
    `delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 1}s ` +
    `period=${p.periodSeconds ?? 10}s #success=${p.successThreshold ?? 1} #failure=${p.failureThreshold ?? 3}`;
  if (p.exec) return `exec [${(p.exec.command ?? []).join(' ')}] ${attrs}`;
  if (p.httpGet)
    return (
      `http-get ${String(p.httpGet.scheme ?? 'HTTP').toLowerCase()}://` +
      `${p.httpGet.host ?? ''}:${p.httpGet.port}${p.httpGet.path ?? ''} ${attrs}`
    );
  if (p.tcpSocket) return `tcp-socket ${p.tcpSocket.host ?? ''}:${p.tcpSocket.port} ${attrs}`;
  return `unknown ${attrs}`;
}

function state(name: string, s: Obj | undefined): string {
  if (s?.running) return `${indent(2)}${name}:\tRunning\n${indent(3)}Started:\t${rfc1123z(s.running.startedAt)}\n`;
  if (s?.terminated) {
    const t = s.terminated;
    return (
      `${indent(2)}${name}:\tTerminated\n${t.reason ? `${indent(3)}Reason:\t${t.reason}\n` : ''}` +
      `${t.message ? `${indent(3)}Message:\t${t.message}\n` : ''}${indent(3)}Exit ` +
      `Code:\t${t.exitCode ?? 0}\n${indent(3)}Started:\t${t.startedAt ? rfc1123z(t.startedAt) : ''}` +
      `\n${indent(3)}Finished:\t${t.finishedAt ? rfc1123z(t.finishedAt) : ''}\n`
    );
  }
  return `${indent(2)}${name}:\tWaiting\n${s?.waiting?.reason ? `${indent(3)}Reason:\t${s.waiting.reason}\n` : ''}`;
}

function resources(r: Obj | undefined, level: number): string {
  let out = '';
  for (const part of ['limits', 'requests']) {
    const values = (r?.[part] ?? {}) as Obj;
    const names = Object.keys(values).sort();
    if (names.length)
      out +=
        `${indent(level)}${part[0]!.toUpperCase()}${part.slice(1)}:\n` +
        `${names.map((n) => `${indent(level + 1)}${n}:\t${values[n]}\n`).join('')}`;
  }
  return out;
}

function env(c: Obj, pod?: K8sObject): string {
  const vars = (c.env ?? []) as Obj[];
  let out = `${indent(2)}Environment:${vars.length ? '' : '\t<none>'}\n`;
  for (const e of vars) {
    const from = e.valueFrom as Obj | undefined;
    if (!from) {
      String(e.value ?? '')
        .split('\n')
        .forEach((line, i) => {
          out += i === 0 ? `${indent(3)}${e.name}:\t${line}\n` : `${indent(3)}\t${line}\n`;
        });
    } else if (from.fieldRef) {
      const path = String(from.fieldRef.fieldPath);
      const value = pod ? fieldValue(pod, path) : '';
      out += `${indent(3)}${e.name}:\t${value} (${from.fieldRef.apiVersion ?? 'v1'}:${path})\n`;
    } else if (from.resourceFieldRef)
      out +=
        `${indent(3)}${e.name}:\t${String(from.resourceFieldRef.resource).startsWith('limits.') ? 'node allocatable' : '0'} ` +
        `(${from.resourceFieldRef.resource})\n`;
    else if (from.secretKeyRef)
      out +=
        `${indent(3)}${e.name}:\t<set to the key '${from.secretKeyRef.key}' in secret ` +
        `'${from.secretKeyRef.name}'>\tOptional: ${from.secretKeyRef.optional === true}\n`;
    else if (from.configMapKeyRef)
      out +=
        `${indent(3)}${e.name}:\t<set to the key '${from.configMapKeyRef.key}' of config map ` +
        `'${from.configMapKeyRef.name}'>\tOptional: ${from.configMapKeyRef.optional === true}\n`;
  }
  return out;
}

/** What the downward API gives for a field path (`metadata.name`, `status.podIP`, `metadata.labels['app']`). */
function fieldValue(pod: K8sObject, path: string): string {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return (pod.metadata[m[1] as 'labels'] as Record<string, string> | undefined)?.[m[2]!] ?? '';
  const value = path
    .split('.')
    .reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Obj)[k] : undefined), pod);
  return value === undefined ? '' : String(value);
}

function containers(label: string, list: Obj[], statuses: Obj[] | undefined, space: string, pod?: K8sObject): string {
  let out = `${space}${label}:${list.length ? '' : ' <none>'}\n`;
  for (const c of list) {
    const s = statuses?.find((x) => x.name === c.name);
    out += `${indent(1)}${space ? ' ' : ''}${c.name}:\n`;
    if (s) out += `${indent(2)}Container ID:\t${s.containerID ?? ''}\n`;
    out += `${indent(2)}Image:\t${c.image ?? ''}\n`;
    if (s) out += `${indent(2)}Image ID:\t${s.imageID ?? ''}\n`;
    const cp = ports(c.ports, 'containerPort');
    out += cp.includes(',') ? `${indent(2)}Ports:\t${cp}\n` : `${indent(2)}Port:\t${cp || '<none>'}\n`;
    const hp = ports(c.ports, 'hostPort');
    out += hp.includes(',') ? `${indent(2)}Host Ports:\t${hp}\n` : `${indent(2)}Host Port:\t${hp || '<none>'}\n`;
    for (const [field, title] of [
      ['command', 'Command'],
      ['args', 'Args'],
    ] as const) {
      if ((c[field] ?? []).length)
        out += `${indent(2)}${title}:\n${(c[field] as string[])
          .flatMap((a) => String(a).split('\n'))
          .map((a) => `${indent(3)}${a}\n`)
          .join('')}`;
    }
    if (s) {
      out += state('State', s.state);
      if (s.lastState?.terminated) out += state('Last State', s.lastState);
      out += `${indent(2)}Ready:\t${s.ready ? 'True' : 'False'}\n${indent(2)}Restart Count:\t${s.restartCount ?? 0}\n`;
    }
    out += resources(c.resources, 2);
    if (c.livenessProbe) out += `${indent(2)}Liveness:\t${probe(c.livenessProbe)}\n`;
    if (c.readinessProbe) out += `${indent(2)}Readiness:\t${probe(c.readinessProbe)}\n`;
    if (c.startupProbe) out += `${indent(2)}Startup:\t${probe(c.startupProbe)}\n`;
    out += env(c, pod);
    const mounts = ((c.volumeMounts ?? []) as Obj[])
      .slice()
      .sort((a, b) => String(a.mountPath).localeCompare(String(b.mountPath)));
    out +=
      `${indent(2)}Mounts:${mounts.length ? '' : '\t<none>'}\n` +
      mounts
        .map((m) => {
          const path = m.subPath ? `,path="${m.subPath}"` : '';
          return `${indent(3)}${m.mountPath} from ${m.name} (${m.readOnly ? 'ro' : 'rw'}${path})\n`;
        })
        .join('');
  }
  return out;
}

function volumes(list: Obj[] | undefined, space: string): string {
  if (!list?.length) return `${space}Volumes:\t<none>\n`;
  let out = `${space}Volumes:\n`;
  for (const v of list) {
    out += `${indent(1)}${space ? ' ' : ''}${v.name}:\n`;
    if (v.emptyDir)
      out +=
        `${indent(2)}Type:\tEmptyDir (a temporary directory that shares a pod's ` +
        `lifetime)\n${indent(2)}Medium:\t${v.emptyDir.medium ?? ''}\n${indent(2)}SizeLimit:\t${v.emptyDir.sizeLimit ?? '<unset>'}\n`;
    else if (v.configMap)
      out +=
        `${indent(2)}Type:\tConfigMap (a volume populated by a ` +
        `ConfigMap)\n${indent(2)}Name:\t${v.configMap.name}\n${indent(2)}Optional:\t${v.configMap.optional === true}\n`;
    else if (v.secret)
      out +=
        `${indent(2)}Type:\tSecret (a volume populated by a ` +
        `Secret)\n${indent(2)}SecretName:\t${v.secret.secretName}\n${indent(2)}Optional:\t${v.secret.optional === true}\n`;
    else if (v.projected)
      out += `${indent(2)}Type:\tProjected (a volume that contains injected data from multiple sources)\n`;
    else if (v.downwardAPI)
      out +=
        `${indent(2)}Type:\tDownwardAPI (a volume populated by information about the ` +
        `pod)\n${indent(2)}Items:\n` +
        `${((v.downwardAPI.items ?? []) as Obj[]).map((i) => `${indent(3)}${i.fieldRef?.fieldPath ?? ''} -> ${i.path}\n`).join('')}`;
    else out += `${indent(2)}<unknown>\n`;
  }
  return out;
}

function tolerations(list: Obj[] | undefined, title: string): string {
  if (!list?.length) return `${title}:\t<none>\n`;
  return list
    .slice()
    .sort((a, b) => String(a.key ?? '').localeCompare(String(b.key ?? '')))
    .map((t, i) => {
      let text = `${t.key ?? ''}${t.value ? `=${t.value}` : ''}${t.effect ? `:${t.effect}` : ''}`;
      if (t.operator === 'Exists' && !t.value) text += t.key || t.effect ? ' op=Exists' : 'op=Exists';
      if (t.tolerationSeconds !== undefined) text += ` for ${t.tolerationSeconds}s`;
      return `${i === 0 ? `${title}:` : ''}\t${text}\n`;
    })
    .join('');
}

/** QoS class as the API server computes it: Guaranteed when every container's limits equal its requests for cpu and memory. */
function qosClass(pod: K8sObject): string {
  const all = [
    ...(((pod.spec as Obj | undefined)?.containers ?? []) as Obj[]),
    ...(((pod.spec as Obj | undefined)?.initContainers ?? []) as Obj[]),
  ];
  const any = all.some(
    (c) => Object.keys(c.resources?.requests ?? {}).length || Object.keys(c.resources?.limits ?? {}).length,
  );
  if (!any) return 'BestEffort';
  const guaranteed = all.every((c) =>
    ['cpu', 'memory'].every(
      (r) =>
        c.resources?.limits?.[r] !== undefined &&
        (c.resources?.requests?.[r] ?? c.resources.limits[r]) === c.resources.limits[r],
    ),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** `kubectl describe pod`. */
export function describePod(pod: K8sObject, cluster: SimClusterApi, now: number): string {
  const spec = (pod.spec ?? {}) as Obj;
  const st = (pod.status ?? {}) as Obj;
  const owner = pod.metadata.ownerReferences?.find((r) => r.controller);
  let out = `Name:\t${pod.metadata.name}\nNamespace:\t${pod.metadata.namespace}\n`;
  if (spec.priority !== undefined) out += `Priority:\t${spec.priority}\n`;
  if (spec.priorityClassName) out += `Priority Class Name:\t${spec.priorityClassName}\n`;
  if (spec.serviceAccountName) out += `Service Account:\t${spec.serviceAccountName}\n`;
  out += spec.nodeName ? `Node:\t${spec.nodeName}/${st.hostIP ?? ''}\n` : 'Node:\t<none>\n';
  if (st.startTime) out += `Start Time:\t${rfc1123z(st.startTime)}\n`;
  out += labelsBlock('Labels', pod.metadata.labels) + annotationsBlock('Annotations', pod.metadata.annotations);
  if (pod.metadata.deletionTimestamp && st.phase !== 'Failed' && st.phase !== 'Succeeded') {
    out +=
      `Status:\tTerminating (lasts ${humanAge(Date.parse(String(pod.metadata.deletionTimestamp)), now)})\nTermination ` +
      `Grace Period:\t${pod.metadata.deletionGracePeriodSeconds ?? 30}s\n`;
  } else out += `Status:\t${st.phase ?? ''}\n`;
  if (st.reason) out += `Reason:\t${st.reason}\n`;
  if (st.message) out += `Message:\t${st.message}\n`;
  out += `IP:\t${st.podIP ?? ''}\n`;
  const ips = (st.podIPs ?? (st.podIP ? [{ ip: st.podIP }] : [])) as Obj[];
  out += ips.length ? `IPs:\n${ips.map((i) => `${indent(1)}IP:\t${i.ip}\n`).join('')}` : 'IPs:\t<none>\n';
  if (owner) out += `Controlled By:\t${owner.kind}/${owner.name}\n`;
  if ((spec.initContainers ?? []).length)
    out += containers('Init Containers', spec.initContainers, st.initContainerStatuses, '', pod);
  out += containers('Containers', spec.containers ?? [], st.containerStatuses, '', pod);
  const conditions = (st.conditions ?? []) as Obj[];
  if (conditions.length)
    out += `Conditions:\n  Type\tStatus\n${conditions.map((c) => `${indent(1)}${c.type} \t${c.status} \n`).join('')}`;
  out += volumes(spec.volumes, '');
  out += `QoS Class:\t${st.qosClass ?? qosClass(pod)}\n`;
  out += labelsBlock('Node-Selectors', spec.nodeSelector);
  out += tolerations(spec.tolerations, 'Tolerations');
  out += eventsBlock(pod, cluster, now);
  return tabwrite(out);
}

/** `kubectl describe service`; endpoints from the Service's Endpoints object, as many as kubectl shows. */
export function describeService(svc: K8sObject, cluster: SimClusterApi, now: number): string {
  const spec = (svc.spec ?? {}) as Obj;
  const ep = cluster.get('Endpoints', svc.metadata.namespace, svc.metadata.name);
  const endpointsFor = (portName: string | undefined) => {
    const list: string[] = [];
    for (const subset of (ep?.subsets ?? []) as Obj[]) {
      const port = ((subset.ports ?? []) as Obj[]).find((p) => (p.name ?? '') === (portName ?? ''));
      if (!port) continue;
      for (const a of (subset.addresses ?? []) as Obj[]) list.push(`${a.ip}:${port.port}`);
    }
    if (list.length === 0) return ep ? '' : '<none>';
    return list.length > 3 ? `${list.slice(0, 3).join(',')} + ${list.length - 3} more...` : list.join(',');
  };
  let out = `Name:\t${svc.metadata.name}\nNamespace:\t${svc.metadata.namespace}\n`;
  out += labelsBlock('Labels', svc.metadata.labels) + annotationsBlock('Annotations', svc.metadata.annotations);
  out += `Selector:\t${Object.entries((spec.selector ?? {}) as Obj)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}\n`;
  out += `Type:\t${spec.type ?? 'ClusterIP'}\n`;
  if (spec.ipFamilyPolicy) out += `IP Family Policy:\t${spec.ipFamilyPolicy}\n`;
  out += `IP Families:\t${(spec.ipFamilies ?? []).join(',') || '<none>'}\n`;
  out += `IP:\t${spec.clusterIP ?? ''}\n`;
  out += `IPs:\t${(spec.clusterIPs ?? []).join(',') || '<none>'}\n`;
  if ((spec.externalIPs ?? []).length) out += `External IPs:\t${spec.externalIPs.join(',')}\n`;
  if (spec.externalName) out += `External Name:\t${spec.externalName}\n`;
  const ingress = ((svc.status as Obj | undefined)?.loadBalancer?.ingress ?? []) as Obj[];
  if (ingress.length) out += `LoadBalancer Ingress:\t${ingress.map((i) => i.ip ?? i.hostname).join(', ')}\n`;
  for (const p of (spec.ports ?? []) as Obj[]) {
    const name = p.name || '<unset>';
    const protocol = p.protocol ?? 'TCP';
    out += `Port:\t${name}\t${p.port}/${protocol}\n`;
    out += `TargetPort:\t${p.targetPort ?? p.port}/${protocol}\n`;
    if (p.nodePort) out += `NodePort:\t${name}\t${p.nodePort}/${protocol}\n`;
    out += `Endpoints:\t${endpointsFor(p.name)}\n`;
  }
  out += `Session Affinity:\t${spec.sessionAffinity ?? 'None'}\n`;
  if (spec.externalTrafficPolicy) out += `External Traffic Policy:\t${spec.externalTrafficPolicy}\n`;
  if (spec.internalTrafficPolicy) out += `Internal Traffic Policy:\t${spec.internalTrafficPolicy}\n`;
  if (spec.healthCheckNodePort) out += `HealthCheck NodePort:\t${spec.healthCheckNodePort}\n`;
  out += eventsBlock(svc, cluster, now);
  return tabwrite(out);
}

/** `kubectl describe deployment`: replicas, strategy, the pod template, conditions, and its ReplicaSets. */
export function describeDeployment(d: K8sObject, cluster: SimClusterApi, now: number): string {
  const spec = (d.spec ?? {}) as Obj;
  const st = (d.status ?? {}) as Obj;
  const selector = Object.entries((spec.selector?.matchLabels ?? {}) as Obj)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  let out =
    `Name:\t${d.metadata.name}\nNamespace:\t${d.metadata.namespace}\nCreationTimestamp:\t` +
    `${d.metadata.creationTimestamp ? rfc1123z(d.metadata.creationTimestamp) : ''}\n`;
  out += labelsBlock('Labels', d.metadata.labels) + annotationsBlock('Annotations', d.metadata.annotations);
  out += `Selector:\t${selector}\n`;
  out +=
    `Replicas:\t${spec.replicas ?? 1} desired | ${st.updatedReplicas ?? 0} updated | ${st.replicas ?? 0} ` +
    `total | ${st.availableReplicas ?? 0} available | ${st.unavailableReplicas ?? 0} unavailable\n`;
  const strategy = (spec.strategy ?? {
    type: 'RollingUpdate',
    rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
  }) as Obj;
  out += `StrategyType:\t${strategy.type ?? 'RollingUpdate'}\nMinReadySeconds:\t${spec.minReadySeconds ?? 0}\n`;
  if ((strategy.type ?? 'RollingUpdate') === 'RollingUpdate')
    out +=
      `RollingUpdateStrategy:\t${strategy.rollingUpdate?.maxUnavailable ?? '25%'} ` +
      `max unavailable, ${strategy.rollingUpdate?.maxSurge ?? '25%'} max surge\n`;
  const template = (spec.template ?? {}) as Obj;
  const tspec = (template.spec ?? {}) as Obj;
  out += 'Pod Template:\n' + labelsBlock('  Labels', template.metadata?.labels);
  if (Object.keys(template.metadata?.annotations ?? {}).length)
    out += annotationsBlock('  Annotations', template.metadata.annotations);
  if (tspec.serviceAccountName) out += `${indent(1)}Service Account:\t${tspec.serviceAccountName}\n`;
  if ((tspec.initContainers ?? []).length) out += containers('Init Containers', tspec.initContainers, undefined, '  ');
  out += containers('Containers', tspec.containers ?? [], undefined, '  ');
  out += volumes(tspec.volumes, '  ');
  out += labelsBlock('  Node-Selectors', tspec.nodeSelector) + tolerations(tspec.tolerations, '  Tolerations');
  const conditions = (st.conditions ?? []) as Obj[];
  if (conditions.length)
    out +=
      `Conditions:\n  Type\tStatus\tReason\n  ` +
      `----\t------\t------\n${conditions.map((c) => `${indent(1)}${c.type} \t${c.status}\t${c.reason ?? ''}\n`).join('')}`;
  const owned = cluster
    .list('ReplicaSet', d.metadata.namespace)
    .filter((rs) =>
      rs.metadata.ownerReferences?.some(
        (r) => r.controller && (r.uid ? r.uid === d.metadata.uid : r.name === d.metadata.name),
      ),
    );
  if (owned.length) {
    // The new ReplicaSet is the one whose pod template is the Deployment's; the newest one otherwise.
    const sameTemplate = owned.find(
      (rs) => JSON.stringify(((rs.spec as Obj).template as Obj)?.spec) === JSON.stringify(tspec),
    );
    const current =
      sameTemplate ??
      owned
        .slice()
        .sort((a, b) => String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)))[0]!;
    const text = (list: K8sObject[]) =>
      list
        .map(
          (rs) =>
            `${rs.metadata.name} ` +
            `(${(rs.status as Obj | undefined)?.replicas ?? 0}/${(rs.spec as Obj | undefined)?.replicas ?? 0} replicas created)`,
        )
        .join(', ') || '<none>';
    const old = owned.filter(
      (rs) =>
        rs !== current && (((rs.spec as Obj).replicas ?? 0) > 0 || ((rs.status as Obj | undefined)?.replicas ?? 0) > 0),
    );
    out += `OldReplicaSets:\t${text(old)}\nNewReplicaSet:\t${text([current])}\n`;
  }
  out += eventsBlock(d, cluster, now);
  return tabwrite(out);
}
