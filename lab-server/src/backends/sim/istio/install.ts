/**
 * `istioctl install`: renders the profile plus `--set` overrides and writes what the labs observe: the mesh config in
 * ConfigMap `istio`, the injector's `values`, istiod's environment, and the egress gateway's presence. Like the real
 * command, it starts from the profile each time: earlier `--set`s and ConfigMap edits are not kept.
 */
import { parse, stringify } from 'yaml';
import type { K8sObject } from '../../../contract.ts';
import type { ExecResult } from 'just-bash';
import { OrderedOutput, type StreamFacts } from '../shell/orderedOutput.ts';
import type { SimClusterApi } from '../types.ts';
import { workloadSpec } from '../cluster/shapes.ts';
import { ISTIO_HUB, ISTIO_VERSION } from './version.ts';
import { MESH_ENUMS, PROFILES, type Profile } from './profiles.ts';

/** What the install is asked to do. */
export interface InstallRequest {
  sets: string[];
  /** Contents of `-f` files (IstioOperator). */
  files: string[];
  skipConfirmation: boolean;
  /** What stdin holds for the prompt (a pipe's or a file's content; empty at a terminal). */
  answer: string;
  /** Where istioctl's stdout and stderr go (colours need a terminal; one place keeps the order of the writes). */
  streams: StreamFacts;
  /** stdin is the learner's terminal, which cannot type into a running command: the answer is an empty line. */
  stdinIsTerminal: boolean;
}

/** The command's outcome. */
export type InstallResult = ExecResult;

/**
 * istioctl's Confirm (operator/cmd/mesh/shared.go): writes `prompt` and a space, reads one word with fmt.Scanln;
 * `y`/`yes` accept and `n`/`no` refuse (any case), another word asks again, an empty line, several words or the end
 * of the input refuse. Returns the answer and what was written (the prompt once per question).
 */
export function confirm(input: string, prompt: string): { accepted: boolean; written: string } {
  const lines = input.split('\n');
  // Text after the last newline is a line ending at EOF; nothing there is EOF itself.
  if (lines.at(-1) === '') lines.pop();
  let written = '';
  for (const line of [...lines, undefined]) {
    written += `${prompt} `;
    const words = line?.trim().split(/\s+/).filter(Boolean) ?? [];
    if (words.length !== 1) return { accepted: false, written };
    const word = words[0]!.toUpperCase();
    if (word === 'Y' || word === 'YES') return { accepted: true, written };
    if (word === 'N' || word === 'NO') return { accepted: false, written };
  }
  return { accepted: false, written };
}

/** What the lab adds where a real terminal would wait for the learner to type the answer. */
export const NO_TYPED_ANSWER =
  'lab shell: this terminal cannot type into a running command, so the question got an empty answer; ' +
  'answer it ahead: add -y (--skip-confirmation), or pipe the answer in (echo y | istioctl ...)\n';

const BANNER = [
  '        |\\          ',
  '        | \\         ',
  '        |  \\        ',
  '        |   \\       ',
  '      /||    \\      ',
  '     / ||     \\     ',
  '    /  ||      \\    ',
  '   /   ||       \\   ',
  '  /    ||        \\  ',
  ' /     ||         \\ ',
  '/______||__________\\',
  '____________________',
  '  \\__       _____/  ',
  '     \\_____/        ',
].join('\n');

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!next || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

function typed(value: string): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^-?\d+$/.test(value)) return Number(value);
  return value;
}

/** The rendered configuration of an install. */
export interface Rendered {
  profile: Profile;
  mesh: Record<string, unknown>;
  values: Record<string, unknown>;
}

/** A configuration istioctl refuses to render: printed as `Error: <message>`. */
export class InstallError extends Error {}

function render(request: Pick<InstallRequest, 'sets' | 'files'>): Rendered {
  let profileName = 'default';
  const meshSets: [string[], unknown][] = [];
  const valueSets: [string[], unknown][] = [];
  for (const text of request.files) {
    const op = parse(text) as {
      kind?: string;
      spec?: { profile?: string; meshConfig?: Record<string, unknown>; values?: Record<string, unknown> };
    } | null;
    if (op?.kind !== 'IstioOperator')
      throw new InstallError('generate config: could not parse file: expected kind IstioOperator');
    if (op.spec?.profile) profileName = op.spec.profile;
    const walk = (obj: Record<string, unknown>, prefix: string[], into: [string[], unknown][]) => {
      for (const [k, v] of Object.entries(obj)) {
        if (v && typeof v === 'object' && !Array.isArray(v)) walk(v as Record<string, unknown>, [...prefix, k], into);
        else into.push([[...prefix, k], v]);
      }
    };
    walk(op.spec?.meshConfig ?? {}, [], meshSets);
    walk(op.spec?.values ?? {}, [], valueSets);
  }
  for (const set of request.sets) {
    const eq = set.indexOf('=');
    if (eq < 0) throw new InstallError(`bad argument ${set}: no '=' found`);
    const key = set.slice(0, eq);
    const value = set.slice(eq + 1);
    const path = key.split('.');
    if (key === 'profile') profileName = value;
    else if (path[0] === 'meshConfig' && path.length > 1) meshSets.push([path.slice(1), typed(value)]);
    else if (path[0] === 'values' && path.length > 1) valueSets.push([path.slice(1), typed(value)]);
    else if (path[0] === 'components' || path[0] === 'hub' || path[0] === 'tag' || path[0] === 'revision') continue;
    else throw new InstallError(`generate config: unknown field "${path[0]}" in IstioOperator spec`);
  }
  const profile = PROFILES[profileName];
  if (!profile)
    throw new InstallError(`generate config: could not read profile "${profileName}": profile does not exist`);
  const mesh = structuredClone(profile.meshConfig);
  for (const [path, value] of meshSets) {
    const e = MESH_ENUMS[path.join('.')];
    if (e && !e.values.includes(String(value)))
      throw new InstallError(`generate config: unknown value "${value}" for enum ${e.type}`);
    setPath(mesh, path, value);
  }
  const values: Record<string, unknown> = {};
  for (const [path, value] of valueSets) setPath(values, path, value);
  return { profile, mesh, values };
}

/** The profile, mesh config and values an install with these flags and files renders (throws InstallError). */
export function renderInstall(request: Pick<InstallRequest, 'sets' | 'files'>): Rendered {
  return render(request);
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
        ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/** Resets what an install owns in the injector values to the profile's defaults, then applies the overrides. */
function injectorValues(current: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  const base = structuredClone(current);
  const global = (base.global ??= {}) as Record<string, unknown>;
  const proxy = (global.proxy ??= {}) as Record<string, unknown>;
  proxy.includeIPRanges = '*';
  proxy.excludeIPRanges = '';
  proxy.privileged = false;
  return deepMerge(base, overrides);
}

function applyEnv(cluster: SimClusterApi, env: Record<string, unknown>): void {
  const istiod = cluster.get('Deployment', 'istio-system', 'istiod');
  if (!istiod) return;
  const copy = structuredClone(istiod);
  const containers = workloadSpec(copy).template?.spec?.containers ?? [];
  const discovery = containers.find((c) => c.name === 'discovery') ?? containers[0];
  if (!discovery) return;
  let changed = false;
  for (const [name, value] of Object.entries(env)) {
    discovery.env ??= [];
    const existing = discovery.env.find((e) => e.name === name);
    if (existing?.value === String(value)) continue;
    if (existing) existing.value = String(value);
    else discovery.env.push({ name, value: String(value) });
    changed = true;
  }
  if (changed) cluster.apply(copy, { fieldManager: 'istio-operator' });
}

/** The egress gateway's objects, as the demo profile installs them. */
export function egressObjects(): K8sObject[] {
  const labels = {
    app: 'istio-egressgateway',
    istio: 'egressgateway',
    'install.operator.istio.io/owning-resource': 'unknown',
  };
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'istio-egressgateway-service-account', namespace: 'istio-system', labels },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'istio-egressgateway', namespace: 'istio-system', labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'istio-egressgateway', istio: 'egressgateway' } },
        template: {
          metadata: {
            labels: { app: 'istio-egressgateway', istio: 'egressgateway', 'sidecar.istio.io/inject': 'false' },
          },
          spec: {
            serviceAccountName: 'istio-egressgateway-service-account',
            containers: [
              {
                name: 'istio-proxy',
                image: `${ISTIO_HUB}/proxyv2:${ISTIO_VERSION}`,
                args: ['proxy', 'router', '--domain', '$(POD_NAMESPACE).svc.cluster.local'],
                ports: [
                  { containerPort: 8080, protocol: 'TCP' },
                  { containerPort: 8443, protocol: 'TCP' },
                ],
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'istio-egressgateway', namespace: 'istio-system', labels },
      spec: {
        type: 'ClusterIP',
        selector: { app: 'istio-egressgateway', istio: 'egressgateway' },
        ports: [
          { name: 'http2', port: 80, protocol: 'TCP', targetPort: 8080 },
          { name: 'https', port: 443, protocol: 'TCP', targetPort: 8443 },
        ],
      },
    },
  ];
}

/** fatih/color's bold high-intensity blue, as istioctl colours its banner when stdout is a terminal. */
function colouredBanner(terminal: boolean): string {
  return terminal ? `\x1b[94;1m${BANNER}\n\x1b[0m` : `${BANNER}\n`;
}

/**
 * Runs `istioctl install` as 1.30's install.go does: the banner (stderr), the prompt (stdout) unless -y, then the
 * install, whose progress lines go to stderr (the progress bar's writer) and whose prune notes go to stdout.
 */
export function runInstall(cluster: SimClusterApi, request: InstallRequest): InstallResult {
  const output = new OrderedOutput();
  const result = (exitCode: number) => output.result(exitCode, request.streams.merged);
  // The banner comes first, before anything is rendered or checked (install.go's RunE).
  output.err(`${colouredBanner(request.streams.terminal)}\n`);
  let rendered: Rendered;
  try {
    rendered = render(request);
  } catch (error) {
    if (error instanceof InstallError) {
      output.err(`Error: ${error.message}\n`);
      return result(1);
    }
    throw error;
  }
  const { profile, mesh, values } = rendered;
  if (!request.skipConfirmation) {
    const prompt = `This will install the Istio ${ISTIO_VERSION} profile "${profile.name}" into the cluster. Proceed? (y/N)`;
    const answer = confirm(request.stdinIsTerminal ? '\n' : request.answer, prompt);
    output.out(answer.written);
    // The Enter a terminal echoes; a pipe's answer is not echoed.
    if (request.stdinIsTerminal) output.out('\n');
    if (!answer.accepted) {
      output.err('Cancelled.\n');
      if (request.stdinIsTerminal) output.err(NO_TYPED_ANSWER);
      return result(1);
    }
  }
  const cm = cluster.get('ConfigMap', 'istio-system', 'istio');
  const meshText = stringify(mesh);
  const nextCm: K8sObject = cm
    ? structuredClone(cm)
    : { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' } };
  nextCm.data = { ...((nextCm.data as Record<string, string> | undefined) ?? {}), mesh: meshText };
  cluster.apply(nextCm, { fieldManager: 'istio-operator' });

  const injector = cluster.get('ConfigMap', 'istio-system', 'istio-sidecar-injector');
  if (injector) {
    const data = (injector.data as Record<string, string> | undefined) ?? {};
    let current: Record<string, unknown> = {};
    try {
      current = data.values ? (JSON.parse(data.values) as Record<string, unknown>) : {};
    } catch {
      current = {};
    }
    const next = structuredClone(injector);
    next.data = { ...data, values: JSON.stringify(injectorValues(current, values), null, 2) };
    cluster.apply(next, { fieldManager: 'istio-operator' });
  }
  const pilotEnv = ((values.pilot as Record<string, unknown> | undefined)?.env ?? {}) as Record<string, unknown>;
  applyEnv(cluster, pilotEnv);

  output.err('✔ Istio core installed ⛵️\n✔ Istiod installed 🧠\n');
  const hasEgress = cluster.get('Deployment', 'istio-system', 'istio-egressgateway') !== undefined;
  if (profile.egressGateway) {
    if (!hasEgress) for (const obj of egressObjects()) cluster.apply(obj, { fieldManager: 'istio-operator' });
    output.err('✔ Egress gateways installed 🛫\n');
  }
  if (profile.ingressGateway) output.err('✔ Ingress gateways installed 🛬\n');
  if (!profile.egressGateway && hasEgress) {
    output.err('- Pruning removed resources\n');
    for (const [kind, apiVersion, name] of [
      ['Deployment', 'apps/v1', 'istio-egressgateway'],
      ['Service', 'v1', 'istio-egressgateway'],
      ['ServiceAccount', 'v1', 'istio-egressgateway-service-account'],
    ] as const) {
      if (!cluster.get(kind, 'istio-system', name)) continue;
      cluster.delete(kind, 'istio-system', name);
      output.out(`  Removed ${apiVersion}:${kind}:istio-system:${name}.\n`);
    }
  }
  output.err('✔ Installation complete\n');
  return result(0);
}
