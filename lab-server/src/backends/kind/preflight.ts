/**
 * The kind backend's prerequisites: Docker reachable, and kind, kubectl and istioctl on PATH in versions
 * that can run the pinned cluster. Every missing or unusable piece becomes one line that says what is
 * wrong and how to fix it; callers print the lines and exit non-zero.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { compareVersions, formatVersion, parseVersion } from './semver.ts';
import { ISTIO_MINOR, ISTIO_VERSION, KIND_MIN_VERSION, KUBECTL_MIN_VERSION, NODE_IMAGE } from './pins.ts';

/** The kind backend cannot run here; `message` has one line per missing prerequisite. */
export class PreflightError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.name = 'PreflightError';
    this.problems = problems;
  }
}

/** What running a program gave. */
export interface ProgramOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/** Where to look for the programs and how long each may take. */
export interface PreflightOptions {
  /** The PATH to search (default: this process's). */
  path?: string;
  /** Environment for the programs (default: this process's, with `path` as PATH). */
  env?: NodeJS.ProcessEnv;
  /** Per-program limit (default 15 s: `docker info` waits on a slow daemon). */
  timeoutMs?: number;
  /** Which prerequisites to check (default: all four). */
  only?: Prerequisite[];
}

/** The four programs the kind backend needs. */
export type Prerequisite = 'docker' | 'kind' | 'kubectl' | 'istioctl';

const INSTALL: Record<Prerequisite, string> = {
  docker: 'install Docker Engine (https://docs.docker.com/engine/install/) or Docker Desktop',
  kind:
    `install kind ${KIND_MIN_VERSION} or newer (https://kind.sigs.k8s.io/docs/user/quick-start/#installation, ` +
    `or "go install sigs.k8s.io/kind@v${KIND_MIN_VERSION}")`,
  kubectl: `install kubectl ${KUBECTL_MIN_VERSION.replace(/\.0$/, '')} or newer (https://kubernetes.io/docs/tasks/tools/)`,
  istioctl:
    `install istioctl ${ISTIO_VERSION} ("curl -L https://istio.io/downloadIstio | ` +
    `ISTIO_VERSION=${ISTIO_VERSION} sh -", then put istio-${ISTIO_VERSION}/bin on PATH)`,
};

/** The absolute path of `name` on `path`, or undefined. */
export function findOnPath(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** Runs a program with a time limit; a program that cannot start or times out gets code 127 / 124. */
export function runProgram(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<ProgramOutput> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ code: 124, stdout, stderr: `${stderr}timed out after ${timeoutMs / 1000} s` });
    }, timeoutMs);
    const finish = (out: ProgramOutput) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(out);
    };
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', (error) => finish({ code: 127, stdout, stderr: error.message }));
    child.on('close', (code) => finish({ code: code ?? 1, stdout, stderr }));
  });
}

function firstLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? ''
  );
}

async function checkOne(
  name: Prerequisite,
  file: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<string | undefined> {
  const run = (args: string[]) => runProgram(file, args, env, timeoutMs);
  switch (name) {
    case 'docker': {
      const out = await run(['info', '--format', '{{.ServerVersion}}']);
      if (out.code === 0 && out.stdout.trim()) return undefined;
      const why = firstLine(out.stderr) || firstLine(out.stdout) || `docker info exited with ${out.code}`;
      return (
        `docker: the Docker daemon is not reachable (${why}); start Docker (Docker ` +
        `Desktop, or "sudo systemctl start docker") and check that "docker info" works`
      );
    }
    case 'kind': {
      const out = await run(['version']);
      const v = parseVersion(out.stdout);
      if (out.code !== 0 || !v)
        return `kind: "kind version" failed (${firstLine(out.stderr) || `exit ${out.code}`}); ${INSTALL.kind}`;
      if (compareVersions(v, parseVersion(KIND_MIN_VERSION)!) < 0)
        return `kind: version ${formatVersion(v)} is too old to run ${NODE_IMAGE}; ${INSTALL.kind}`;
      return undefined;
    }
    case 'kubectl': {
      const out = await run(['version', '--client', '-o', 'json']);
      let text = out.stdout;
      try {
        text = String(
          (JSON.parse(out.stdout) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion ?? '',
        );
      } catch {
        // older clients print text; parse whatever came
      }
      const v = parseVersion(text);
      if (out.code !== 0 || !v)
        return `kubectl: "kubectl version --client" failed (${firstLine(out.stderr) || `exit ${out.code}`}); ${INSTALL.kubectl}`;
      if (compareVersions(v, parseVersion(KUBECTL_MIN_VERSION)!) < 0)
        return `kubectl: client version ${formatVersion(v)} is too old for Kubernetes ${NODE_IMAGE.split(':v')[1]}; ${INSTALL.kubectl}`;
      return undefined;
    }
    case 'istioctl': {
      const out = await run(['version', '--remote=false']);
      const v = parseVersion(out.stdout);
      if (out.code !== 0 || !v)
        return `istioctl: "istioctl version --remote=false" failed (${firstLine(out.stderr) || `exit ${out.code}`}); ${INSTALL.istioctl}`;
      if (`${v[0]}.${v[1]}` !== ISTIO_MINOR)
        return (
          `istioctl: version ${formatVersion(v)} is not ${ISTIO_MINOR}.x ` +
          `(the labs install Istio ${ISTIO_VERSION}); ${INSTALL.istioctl}`
        );
      return undefined;
    }
  }
}

/** One line per missing or unusable prerequisite, in a fixed order; empty when all is well. */
export async function findPreflightProblems(options: PreflightOptions = {}): Promise<string[]> {
  const path = options.path ?? process.env.PATH ?? '';
  const env = { ...(options.env ?? process.env), PATH: path };
  const timeoutMs = options.timeoutMs ?? 15_000;
  const names: Prerequisite[] = options.only ?? ['docker', 'kind', 'kubectl', 'istioctl'];
  const results = await Promise.all(
    names.map(async (name) => {
      const file = findOnPath(name, path);
      if (!file) return `${name}: not found on PATH; ${INSTALL[name]}`;
      return checkOne(name, file, env, timeoutMs);
    }),
  );
  return results.filter((r): r is string => r !== undefined);
}

/** Throws a `PreflightError` listing every problem, or resolves when there is none. */
export async function preflight(options: PreflightOptions = {}): Promise<void> {
  const problems = await findPreflightProblems(options);
  if (problems.length > 0) throw new PreflightError(problems);
}
