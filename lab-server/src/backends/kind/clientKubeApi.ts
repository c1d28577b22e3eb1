/**
 * `KubeApi` on a real cluster with @kubernetes/client-node 2.x: objects by Kind through discovery and
 * the generic object API (server-side apply), exec and TTYs over the exec WebSocket (v5 channel
 * protocol: stdin close, resize on channel 4), logs with sinceTime.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { type Duplex, PassThrough, Readable, Writable } from 'node:stream';
import {
  ApiException,
  ApisApi,
  Exec,
  KubeConfig,
  KubernetesObjectApi,
  Log,
  PatchStrategy,
  type V1Status,
} from '@kubernetes/client-node';
// Not re-exported by the package's index; the port-forward needs the raw channel socket.
import { WebSocketHandler } from '@kubernetes/client-node/dist/web-socket-handler.js';
import type { ExecResult, K8sObject } from '../../contract.ts';
import { KubeApiError, type KubeApi, type ResolvedKind, type TtyHandlers, type TtySession } from './kubeApi.ts';
import { PortForwardError, PortForwardStream } from './portForwardStream.ts';

/** Field manager of everything the lab server applies. */
export const FIELD_MANAGER = 'istio-traffic-labs';

// Groups searched first when two groups serve the same Kind: the lessons' `Gateway` is Istio's, not
// the Gateway API's.
const PREFERRED_GROUPS = ['', 'apps', 'networking.istio.io', 'rbac.authorization.k8s.io', 'discovery.k8s.io'];

/** `KubernetesObjectApi` with its discovery lookup made reachable. */
class DiscoveringObjectApi extends KubernetesObjectApi {
  /** The resource of `kind` in `groupVersion`, from the server's (cached) resource list. */
  findResource(groupVersion: string, kind: string) {
    return this.resource(groupVersion, kind);
  }
}

/** The message inside an API error (the server's Status message), without client-node's header dump. */
export function apiErrorMessage(error: unknown): { status: number; message: string } {
  if (error instanceof ApiException) {
    let body: unknown = error.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        /* plain text */
      }
    }
    const message =
      (body as { message?: string } | undefined)?.message ??
      (typeof body === 'string' && body ? body : `HTTP ${error.code}`);
    return { status: error.code, message };
  }
  return { status: 0, message: error instanceof Error ? error.message : String(error) };
}

function toKubeError(error: unknown): KubeApiError {
  const { status, message } = apiErrorMessage(error);
  return new KubeApiError(status, message);
}

/** Exit code of an exec from the status the server sends on channel 3. */
export function exitCodeOf(status: V1Status): number {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  return cause?.message !== undefined ? Number(cause.message) : 1;
}

class Collector extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString('utf8');
    callback();
  }
}

/** The TTY's output stream: client-node reads `columns`/`rows` and listens for 'resize' to send sizes. */
class TtyOutput extends Writable {
  columns: number;
  rows: number;
  #onData: (data: string) => void;
  constructor(size: { cols: number; rows: number }, onData: (data: string) => void) {
    super();
    this.columns = size.cols;
    this.rows = size.rows;
    this.#onData = onData;
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.#onData(chunk.toString('utf8'));
    callback();
  }
}

/** Options for connecting. */
export interface ClientKubeApiOptions {
  kubeconfig?: string;
  /** Context to use (default: the kubeconfig's current context). */
  context?: string;
  /** What to do when the context is missing, after a `;` (default: create the kind cluster). */
  missingContextHint?: string;
}

const KIND_HINT = 'run "npx labs cluster up" to create the kind cluster';

/** Where the kubeconfig is read from, as kubectl finds it. */
export function kubeconfigPath(explicit?: string): string {
  return explicit ?? process.env.KUBECONFIG ?? join(homedir(), '.kube', 'config');
}

/** Loads the kubeconfig and selects the context (throws a one-line error when the context is missing). */
export function loadKubeConfig(options: ClientKubeApiOptions): KubeConfig {
  const kc = new KubeConfig();
  const path = kubeconfigPath(options.kubeconfig);
  const exists = path.split(delimiter).some((p) => existsSync(p));
  try {
    if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
    else if (exists) kc.loadFromDefault();
  } catch (error) {
    throw new Error(
      `kubeconfig ${path} cannot be read (${(error instanceof Error ? error.message : String(error)).split('\n')[0]})`,
    );
  }
  const context = options.context ?? (exists ? kc.getCurrentContext() : undefined);
  if (!context)
    throw new Error(
      `kubeconfig ${path} ${exists ? 'has no current context' : 'does not exist'}; ${options.missingContextHint ?? KIND_HINT}`,
    );
  const names = exists || options.kubeconfig ? kc.getContexts().map((c) => c.name) : [];
  if (!names.includes(context)) {
    const where =
      exists || options.kubeconfig
        ? `kubeconfig ${path} has no context "${context}"`
        : `no kubeconfig at ${path}, so no context "${context}"`;
    const known = names.length > 0 ? ` (its contexts: ${names.join(', ')})` : '';
    throw new Error(`${where}${known}; ${options.missingContextHint ?? KIND_HINT}`);
  }
  kc.setCurrentContext(context);
  return kc;
}

/** The real `KubeApi`. */
export class ClientKubeApi implements KubeApi {
  readonly kc: KubeConfig;
  #objects: DiscoveringObjectApi;
  #kinds = new Map<string, Promise<ResolvedKind | undefined>>();
  #groupVersions: Promise<string[]> | undefined;

  constructor(kc: KubeConfig) {
    this.kc = kc;
    this.#objects = kc.makeApiClient(DiscoveringObjectApi);
  }

  /** Preferred group versions, preferred groups first. */
  #allGroupVersions(): Promise<string[]> {
    this.#groupVersions ??= (async () => {
      const groups = await this.kc.makeApiClient(ApisApi).getAPIVersions();
      const rank = (name: string) => {
        const i = PREFERRED_GROUPS.indexOf(name);
        return i === -1 ? PREFERRED_GROUPS.length : i;
      };
      const sorted = [...groups.groups].sort((a, b) => rank(a.name) - rank(b.name));
      return ['v1', ...sorted.map((g) => g.preferredVersion?.groupVersion ?? g.versions[0]!.groupVersion)];
    })().catch((error: unknown) => {
      this.#groupVersions = undefined;
      throw toKubeError(error);
    });
    return this.#groupVersions;
  }

  resolveKind(kind: string): Promise<ResolvedKind | undefined> {
    let found = this.#kinds.get(kind);
    if (!found) {
      // `Gateway.gateway.networking.k8s.io` names the Kind of one group (the contract's `ObjectRef.kind`).
      const dot = kind.indexOf('.');
      const name = dot < 0 ? kind : kind.slice(0, dot);
      const group = dot < 0 ? undefined : kind.slice(dot + 1);
      found = (async () => {
        for (const gv of await this.#allGroupVersions()) {
          if (group !== undefined && gv.split('/')[0] !== group) continue;
          const resource = await this.#objects.findResource(gv, name).catch(() => undefined);
          if (resource && !resource.name.includes('/'))
            return { apiVersion: gv, kind: name, plural: resource.name, namespaced: resource.namespaced };
        }
        return undefined;
      })();
      found.catch(() => this.#kinds.delete(kind));
      this.#kinds.set(kind, found);
    }
    return found;
  }

  async read(kind: ResolvedKind, namespace: string | undefined, name: string): Promise<K8sObject | null> {
    try {
      const obj = await this.#objects.read({
        apiVersion: kind.apiVersion,
        kind: kind.kind,
        metadata: { name, ...(namespace ? { namespace } : {}) },
      });
      return obj as unknown as K8sObject;
    } catch (error) {
      if (apiErrorMessage(error).status === 404) return null;
      throw toKubeError(error);
    }
  }

  async list(kind: ResolvedKind, namespace: string | undefined, labelSelector?: string): Promise<K8sObject[]> {
    try {
      const list = await this.#objects.list(
        kind.apiVersion,
        kind.kind,
        namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        labelSelector,
      );
      // List items come without apiVersion/kind; the contract's objects carry them.
      return list.items.map(
        (item) => ({ ...item, apiVersion: kind.apiVersion, kind: kind.kind }) as unknown as K8sObject,
      );
    } catch (error) {
      throw toKubeError(error);
    }
  }

  async apply(object: K8sObject): Promise<K8sObject> {
    try {
      const applied = await this.#objects.patch(
        object as never,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      );
      return applied as unknown as K8sObject;
    } catch (error) {
      throw toKubeError(error);
    }
  }

  async create(object: K8sObject, options: { dryRun?: boolean } = {}): Promise<K8sObject> {
    try {
      const created = await this.#objects.create(
        object as never,
        undefined,
        options.dryRun ? 'All' : undefined,
        FIELD_MANAGER,
      );
      return created as unknown as K8sObject;
    } catch (error) {
      throw toKubeError(error);
    }
  }

  async portForward(namespace: string, pod: string, port: number): Promise<Duplex> {
    const stream = new PortForwardStream();
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/portforward?ports=${port}`;
    let ws: Awaited<ReturnType<WebSocketHandler['connect']>>;
    try {
      ws = await new WebSocketHandler(this.kc).connect(path, null, (channel, payload) => {
        stream.receive(channel, payload);
        return true;
      });
    } catch (error) {
      const { message } = apiErrorMessage(error);
      throw new PortForwardError(`error upgrading connection: ${message}`);
    }
    ws.on('close', () => stream.socketClosed());
    ws.on('error', (error: Error) => stream.destroy(error));
    stream.attach({ send: (data) => ws.send(data), close: () => ws.close() });
    return stream;
  }

  async delete(
    kind: ResolvedKind,
    namespace: string | undefined,
    name: string,
    options: { gracePeriodSeconds?: number } = {},
  ): Promise<void> {
    try {
      await this.#objects.delete(
        { apiVersion: kind.apiVersion, kind: kind.kind, metadata: { name, ...(namespace ? { namespace } : {}) } },
        undefined,
        undefined,
        options.gracePeriodSeconds,
        undefined,
        'Background',
      );
    } catch (error) {
      if (apiErrorMessage(error).status === 404) return;
      throw toKubeError(error);
    }
  }

  exec(
    namespace: string,
    pod: string,
    container: string,
    argv: string[],
    options: { stdin?: string; timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<ExecResult> {
    const stdout = new Collector();
    const stderr = new Collector();
    const stdin = options.stdin !== undefined ? Readable.from([Buffer.from(options.stdin)]) : null;
    return new Promise<ExecResult>((resolve) => {
      let status: V1Status | undefined;
      let done = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (result: ExecResult) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(result);
      };
      if (options.signal?.aborted) return finish({ stdout: '', stderr: '', exitCode: 130 });
      new Exec(this.kc)
        .exec(namespace, pod, container, argv, stdout, stderr, stdin, false, (s) => {
          status = s;
        })
        .then(
          (ws) => {
            const abort = () => {
              ws.close();
              finish({ stdout: stdout.text, stderr: stderr.text, exitCode: 130 });
            };
            if (options.signal?.aborted) return abort();
            options.signal?.addEventListener('abort', abort, { once: true });
            timer = setTimeout(() => {
              ws.close();
              finish({
                stdout: stdout.text,
                stderr: `${stderr.text}command timed out after ${options.timeoutMs} ms\n`,
                exitCode: 124,
              });
            }, options.timeoutMs ?? 120_000);
            ws.on('close', () => {
              if (!status)
                return finish({
                  stdout: stdout.text,
                  stderr: `${stderr.text}error: the exec connection closed without an exit status\n`,
                  exitCode: 1,
                });
              const code = exitCodeOf(status);
              // A failure that is not the command's own (no such container, ...) carries the server's message.
              const extra =
                code !== 0 && !status.details?.causes?.some((c) => c.reason === 'ExitCode') && status.message
                  ? `${status.message}\n`
                  : '';
              finish({ stdout: stdout.text, stderr: stderr.text + extra, exitCode: code });
            });
          },
          (error: unknown) => {
            const { message } = apiErrorMessage(error);
            finish({ stdout: '', stderr: `error: ${message}\n`, exitCode: 1 });
          },
        );
    });
  }

  async openTty(
    namespace: string,
    pod: string,
    container: string,
    argv: string[],
    size: { cols: number; rows: number },
    handlers: TtyHandlers,
  ): Promise<TtySession> {
    const input = new PassThrough();
    const output = new TtyOutput(size, handlers.onData);
    let ws: Awaited<ReturnType<Exec['exec']>>;
    try {
      ws = await new Exec(this.kc).exec(namespace, pod, container, argv, output, null, input, true);
    } catch (error) {
      throw toKubeError(error);
    }
    ws.on('close', () => handlers.onClose('the shell ended'));
    return {
      write: (data) => {
        input.write(data);
      },
      resize: (cols, rows) => {
        output.columns = cols;
        output.rows = rows;
        output.emit('resize');
      },
      close: () => {
        input.end();
        ws.close();
      },
    };
  }

  async logs(
    namespace: string,
    pod: string,
    container: string,
    options: { sinceTime?: string; tailLines?: number } = {},
  ): Promise<string> {
    const out = new Collector();
    const finished = new Promise<void>((resolve, reject) => {
      out.on('finish', resolve);
      out.on('error', reject);
    });
    try {
      await new Log(this.kc).log(namespace, pod, container, out, { ...options, follow: false });
    } catch (error) {
      throw toKubeError(error);
    }
    await finished;
    return out.text;
  }
}
