/**
 * `kubectl get` tables: the columns kubectl (and the CRDs' additionalPrinterColumns) print per kind, and the
 * column layout (three spaces between columns, headers in capitals).
 */
import type { K8sObject } from '../../../../../contract.ts';
import { humanAge } from './age.ts';

type Obj = Record<string, any>;

/** One kind's columns. */
interface TableSpec {
  headers: string[];
  /** Extra columns for `-o wide`. */
  wide?: string[];
  row(obj: K8sObject, now: number): string[];
  wideRow?(obj: K8sObject, now: number): string[];
}

const age = (obj: K8sObject, now: number) =>
  obj.metadata.creationTimestamp ? humanAge(Date.parse(obj.metadata.creationTimestamp), now) : '<unknown>';
const spec = (obj: K8sObject) => (obj.spec ?? {}) as Obj;
const status = (obj: K8sObject) => (obj.status ?? {}) as Obj;
const jsonList = (list: unknown) => (Array.isArray(list) && list.length ? JSON.stringify(list) : '');

/** READY, STATUS and RESTARTS of a pod, computed as the API server's table printer (printPod) does. */
export function podColumns(pod: K8sObject, now: number): { ready: string; status: string; restarts: string } {
  const sp = spec(pod);
  const st = status(pod);
  const initSpecs = (sp.initContainers ?? []) as Obj[];
  const sidecarInit = (name: string) => initSpecs.find((c) => c.name === name)?.restartPolicy === 'Always';
  const total = ((sp.containers ?? []) as Obj[]).length + initSpecs.filter((c) => c.restartPolicy === 'Always').length;
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  let sidecarRestarts = 0;
  let lastSidecarRestart = 0;
  let reason: string = st.reason || st.phase || '';
  const noteRestart = (c: Obj, sidecar: boolean) => {
    const finished = c.lastState?.terminated?.finishedAt ? Date.parse(c.lastState.terminated.finishedAt) : 0;
    if (finished > lastRestart) lastRestart = finished;
    if (sidecar) {
      sidecarRestarts += c.restartCount ?? 0;
      if (finished > lastSidecarRestart) lastSidecarRestart = finished;
    }
  };
  let initializing = false;
  const inits = (st.initContainerStatuses ?? []) as Obj[];
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i]!;
    restarts += c.restartCount ?? 0;
    noteRestart(c, sidecarInit(c.name));
    if (sidecarInit(c.name) && c.started) ready += c.ready ? 1 : 0;
    const t = c.state?.terminated;
    const w = c.state?.waiting;
    if (t && t.exitCode === 0) continue;
    if (sidecarInit(c.name) && c.started) continue;
    if (t)
      reason = t.reason ? `Init:${t.reason}` : t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode}`;
    else if (w?.reason && w.reason !== 'PodInitializing') reason = `Init:${w.reason}`;
    else reason = `Init:${i}/${initSpecs.length}`;
    initializing = true;
    break;
  }
  const initialized = ((st.conditions ?? []) as Obj[]).some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = (st.containerStatuses ?? []) as Obj[];
    // Last to first, so the first container's state has the last word.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      restarts += c.restartCount ?? 0;
      noteRestart(c, false);
      const w = c.state?.waiting;
      const t = c.state?.terminated;
      if (w?.reason) reason = w.reason;
      else if (t?.reason) reason = t.reason;
      else if (t) reason = t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning)
      reason = ((st.conditions ?? []) as Obj[]).some((c) => c.type === 'Ready' && c.status === 'True')
        ? 'Running'
        : 'NotReady';
  }
  if (pod.metadata.deletionTimestamp && st.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && st.phase !== 'Succeeded' && st.phase !== 'Failed') reason = 'Terminating';
  return {
    ready: `${ready}/${total}`,
    status: reason,
    restarts: restarts !== 0 && lastRestart ? `${restarts} (${humanAge(lastRestart, now)} ago)` : String(restarts),
  };
}

function servicePorts(svc: K8sObject): string {
  const ports = (spec(svc).ports ?? []) as Obj[];
  if (ports.length === 0) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function externalIp(svc: K8sObject): string {
  const s = spec(svc);
  if (s.type === 'ExternalName') return s.externalName ?? '<none>';
  const ingress = (status(svc).loadBalancer?.ingress ?? []) as Obj[];
  if (s.type === 'LoadBalancer') return ingress.length ? ingress.map((i) => i.ip ?? i.hostname).join(',') : '<pending>';
  return s.externalIPs?.length ? s.externalIPs.join(',') : '<none>';
}

function selector(map: Record<string, string> | undefined): string {
  return map && Object.keys(map).length
    ? Object.entries(map)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')
    : '<none>';
}

const TABLES: Record<string, TableSpec> = {
  Pod: {
    headers: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
    wide: ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'],
    row: (o, now) => {
      const c = podColumns(o, now);
      return [o.metadata.name, c.ready, c.status, c.restarts, age(o, now)];
    },
    wideRow: (o) => [status(o).podIP ?? '<none>', spec(o).nodeName ?? '<none>', '<none>', '<none>'],
  },
  Service: {
    headers: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
    wide: ['SELECTOR'],
    row: (o, now) => [
      o.metadata.name,
      spec(o).type ?? 'ClusterIP',
      spec(o).clusterIP ?? '<none>',
      externalIp(o),
      servicePorts(o),
      age(o, now),
    ],
    wideRow: (o) => [selector(spec(o).selector)],
  },
  Deployment: {
    headers: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
    wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    row: (o, now) => [
      o.metadata.name,
      `${status(o).readyReplicas ?? 0}/${spec(o).replicas ?? 1}`,
      String(status(o).updatedReplicas ?? 0),
      String(status(o).availableReplicas ?? 0),
      age(o, now),
    ],
    wideRow: (o) => {
      const cs = (spec(o).template?.spec?.containers ?? []) as Obj[];
      return [
        cs.map((c) => c.name).join(','),
        cs.map((c) => c.image).join(','),
        selector(spec(o).selector?.matchLabels),
      ];
    },
  },
  ReplicaSet: {
    headers: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'],
    row: (o, now) => [
      o.metadata.name,
      String(spec(o).replicas ?? 1),
      String(status(o).replicas ?? 0),
      String(status(o).readyReplicas ?? 0),
      age(o, now),
    ],
  },
  Namespace: {
    headers: ['NAME', 'STATUS', 'AGE'],
    row: (o, now) => [o.metadata.name, status(o).phase ?? 'Active', age(o, now)],
  },
  Node: {
    headers: ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
    wide: ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'],
    row: (o, now) => [
      o.metadata.name,
      ((status(o).conditions ?? []) as Obj[]).some((c) => c.type === 'Ready' && c.status === 'True')
        ? 'Ready'
        : 'NotReady',
      Object.keys(o.metadata.labels ?? {})
        .filter((l) => l.startsWith('node-role.kubernetes.io/'))
        .map((l) => l.split('/')[1])
        .join(',') || '<none>',
      age(o, now),
      status(o).nodeInfo?.kubeletVersion ?? '',
    ],
    wideRow: (o) => [
      ((status(o).addresses ?? []) as Obj[]).find((a) => a.type === 'InternalIP')?.address ?? '<none>',
      '<none>',
      status(o).nodeInfo?.osImage ?? '',
      status(o).nodeInfo?.kernelVersion ?? '',
      status(o).nodeInfo?.containerRuntimeVersion ?? '',
    ],
  },
  ConfigMap: {
    headers: ['NAME', 'DATA', 'AGE'],
    row: (o, now) => [
      o.metadata.name,
      String(Object.keys((o.data ?? {}) as object).length + Object.keys((o.binaryData ?? {}) as object).length),
      age(o, now),
    ],
  },
  Secret: {
    headers: ['NAME', 'TYPE', 'DATA', 'AGE'],
    row: (o, now) => [
      o.metadata.name,
      String(o.type ?? 'Opaque'),
      String(Object.keys((o.data ?? {}) as object).length),
      age(o, now),
    ],
  },
  ServiceAccount: { headers: ['NAME', 'SECRETS', 'AGE'], row: (o, now) => [o.metadata.name, '0', age(o, now)] },
  Endpoints: {
    headers: ['NAME', 'ENDPOINTS', 'AGE'],
    row: (o, now) => {
      const eps: string[] = [];
      for (const s of (o.subsets ?? []) as Obj[])
        for (const a of (s.addresses ?? []) as Obj[])
          for (const p of (s.ports ?? []) as Obj[]) eps.push(`${a.ip}:${p.port}`);
      return [
        o.metadata.name,
        eps.length === 0
          ? '<none>'
          : eps.length > 3
            ? `${eps.slice(0, 3).join(',')} + ${eps.length - 3} more...`
            : eps.join(','),
        age(o, now),
      ];
    },
  },
  Event: {
    headers: ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
    row: (o, now) => [
      age(o, now),
      String(o.type ?? ''),
      String(o.reason ?? ''),
      `${(o.involvedObject as Obj | undefined)?.kind?.toLowerCase() ?? ''}/${(o.involvedObject as Obj | undefined)?.name ?? ''}`,
      String(o.message ?? ''),
    ],
  },
  VirtualService: {
    headers: ['NAME', 'GATEWAYS', 'HOSTS', 'AGE'],
    row: (o, now) => [o.metadata.name, jsonList(spec(o).gateways), jsonList(spec(o).hosts), age(o, now)],
  },
  DestinationRule: {
    headers: ['NAME', 'HOST', 'AGE'],
    row: (o, now) => [o.metadata.name, spec(o).host ?? '', age(o, now)],
  },
  Gateway: { headers: ['NAME', 'AGE'], row: (o, now) => [o.metadata.name, age(o, now)] },
  ServiceEntry: {
    headers: ['NAME', 'HOSTS', 'LOCATION', 'RESOLUTION', 'AGE'],
    row: (o, now) => [
      o.metadata.name,
      jsonList(spec(o).hosts),
      spec(o).location ?? '',
      spec(o).resolution ?? '',
      age(o, now),
    ],
  },
  Sidecar: { headers: ['NAME', 'AGE'], row: (o, now) => [o.metadata.name, age(o, now)] },
  Ingress: {
    headers: ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE'],
    row: (o, now) => {
      const rules = (spec(o).rules ?? []) as Obj[];
      const hosts = rules.map((r) => r.host).filter(Boolean);
      const lb = ((status(o).loadBalancer?.ingress ?? []) as Obj[]).map((i) => i.ip ?? i.hostname).filter(Boolean);
      return [
        o.metadata.name,
        spec(o).ingressClassName ?? '<none>',
        hosts.length ? hosts.join(',') : '*',
        lb.join(','),
        (spec(o).tls ?? []).length ? '80, 443' : '80',
        age(o, now),
      ];
    },
  },
  IngressClass: {
    headers: ['NAME', 'CONTROLLER', 'PARAMETERS', 'AGE'],
    row: (o, now) => [o.metadata.name, spec(o).controller ?? '', spec(o).parameters ? 'set' : '<none>', age(o, now)],
  },
  CustomResourceDefinition: {
    headers: ['NAME', 'CREATED AT'],
    row: (o) => [o.metadata.name, o.metadata.creationTimestamp ?? ''],
  },
  WorkloadEntry: {
    headers: ['NAME', 'AGE', 'ADDRESS'],
    row: (o, now) => [o.metadata.name, age(o, now), spec(o).address ?? ''],
  },
  PeerAuthentication: {
    headers: ['NAME', 'MODE', 'AGE'],
    row: (o, now) => [o.metadata.name, spec(o).mtls?.mode ?? '', age(o, now)],
  },
  AuthorizationPolicy: {
    headers: ['NAME', 'ACTION', 'AGE'],
    row: (o, now) => [o.metadata.name, spec(o).action ?? '', age(o, now)],
  },
};

/** Lays out rows as kubectl's tabwriter does: columns padded to the widest cell plus three spaces. */
export function layout(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  return (
    rows
      .map((row) =>
        row
          .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]! + 3)))
          .join('')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** Options of a table. */
export interface TableOptions {
  wide: boolean;
  showLabels: boolean;
  withNamespace: boolean;
  noHeaders: boolean;
  /** Prefix names with `kind/` (several kinds in one `get`). */
  withKind?: string;
  labelColumns?: string[];
}

/** A table of objects of one kind. */
export function table(kind: string, objects: K8sObject[], now: number, options: TableOptions): string {
  const spec = TABLES[kind] ?? {
    headers: ['NAME', 'AGE'],
    row: (o: K8sObject, n: number) => [o.metadata.name, age(o, n)],
  };
  const headers = [
    ...(options.withNamespace ? ['NAMESPACE'] : []),
    ...spec.headers,
    ...(options.wide ? (spec.wide ?? []) : []),
    ...(options.labelColumns ?? []).map((l) => l.split('/').at(-1)!.toUpperCase()),
    ...(options.showLabels ? ['LABELS'] : []),
  ];
  const rows = objects.map((o) => {
    const base = spec.row(o, now);
    if (options.withKind) base[0] = `${options.withKind}/${base[0]}`;
    return [
      ...(options.withNamespace ? [o.metadata.namespace ?? ''] : []),
      ...base,
      ...(options.wide && spec.wideRow ? spec.wideRow(o, now) : []),
      ...(options.labelColumns ?? []).map((l) => o.metadata.labels?.[l] ?? ''),
      ...(options.showLabels
        ? [
            Object.entries(o.metadata.labels ?? {})
              .map(([k, v]) => `${k}=${v}`)
              .join(',') || '<none>',
          ]
        : []),
    ];
  });
  return layout(options.noHeaders ? rows : [headers, ...rows]);
}
