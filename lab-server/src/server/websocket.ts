/**
 * WebSocket upgrades: Origin checked first (a foreign page must not drive a learner's terminal), then
 * the session token, then the route's handler. The terminal route attaches to the session's lab
 * terminal: replay of the scrollback, batched output, input and resize, progress messages, and ws's
 * ping/pong heartbeat.
 *
 * No frame a client sends can take the process down: every socket has an `'error'` listener (ws then closes it
 * with the right code: 1009 too big, 1007 invalid UTF-8, 1002 protocol error), frames are capped by
 * `maxPayload`, sockets are counted per session and per client address, and a client that does not read its
 * output (a paused tab, a hostile script) is cut off once too much waits for it, instead of growing the heap.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { HttpError } from './http.ts';
import { originAllowed } from './origins.ts';
import type { ServerParts, SessionNotifier } from './parts.ts';
import { terminalClientMessageSchema, type TerminalServerMessage } from '../protocol/terminal.ts';
import { labApiSchema } from '../labs/schema.ts';
import type { SessionRecord } from './stores.ts';

/** A WebSocket route: the socket is already upgraded and authenticated (when `auth` asks). */
export interface WsRoute {
  path: string;
  auth: 'session' | 'none';
  handle(
    ws: WebSocket,
    ctx: { req: IncomingMessage; url: URL; session: SessionRecord | undefined; token: string | undefined },
  ): void | Promise<void>;
}

function refuse(socket: Duplex, status: number, reason: string): void {
  if (socket.destroyed) return;
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: ` +
      `text/plain\r\nContent-Length: ${reason.length + 1}\r\n\r\n${reason}\n`,
  );
}

/** Open terminal sockets per session, for progress broadcasts. */
export class SocketRegistry implements SessionNotifier {
  #bySession = new Map<string, Set<WebSocket>>();

  add(sessionId: string, ws: WebSocket): void {
    const set = this.#bySession.get(sessionId) ?? new Set();
    set.add(ws);
    this.#bySession.set(sessionId, set);
    ws.on('close', () => {
      set.delete(ws);
      if (set.size === 0) this.#bySession.delete(sessionId);
    });
  }

  notify(sessionId: string, message: TerminalServerMessage): void {
    for (const ws of this.#bySession.get(sessionId) ?? []) send(ws, message);
  }
}

/** Bytes that may wait unsent on one socket before it is cut off (its page reconnects and gets the replay). */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** Sends one typed message if the socket is open; a socket whose reader has stalled is closed instead. */
export function send(ws: WebSocket, message: TerminalServerMessage | { type: string; [field: string]: unknown }): void {
  if (ws.readyState !== ws.OPEN) return;
  if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
    ws.terminate();
    return;
  }
  ws.send(JSON.stringify(message));
}

/** Limits of the upgrade handler. */
export interface UpgradeOptions {
  heartbeatMs?: number;
  /** The page origins allowed to open sockets (see `origins.ts`); asked on every upgrade. */
  origins?: () => ReadonlySet<string>;
  /** Open sockets one session may have (default 8). */
  socketsPerSession?: number;
  /** Open sockets one client address may have (default 256: a classroom behind one NAT). */
  socketsPerAddress?: number;
  /** Largest frame accepted (default 1 MiB); larger ones close the socket with 1009. */
  maxPayload?: number;
}

/** Counts open things per key. */
class Counter {
  readonly #counts = new Map<string, number>();
  get(key: string): number {
    return this.#counts.get(key) ?? 0;
  }
  add(key: string): () => void {
    this.#counts.set(key, this.get(key) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = this.get(key) - 1;
      if (n <= 0) this.#counts.delete(key);
      else this.#counts.set(key, n);
    };
  }
}

/** Handles upgrades for a set of routes; keeps every socket alive with ping/pong. */
export class UpgradeHandler {
  readonly wss: WebSocketServer;
  #routes: WsRoute[] = [];
  #alive = new WeakSet<WebSocket>();
  #heartbeat: NodeJS.Timeout;
  #parts: ServerParts;
  #options: UpgradeOptions;
  #perSession = new Counter();
  #perAddress = new Counter();

  constructor(parts: ServerParts, options: UpgradeOptions = {}) {
    this.#parts = parts;
    this.#options = options;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? 1024 * 1024 });
    this.wss.on('error', () => undefined);
    this.#heartbeat = setInterval(() => {
      for (const ws of this.wss.clients) {
        if (!this.#alive.has(ws)) {
          ws.terminate();
          continue;
        }
        this.#alive.delete(ws);
        ws.ping();
      }
    }, options.heartbeatMs ?? 30_000);
    this.#heartbeat.unref();
  }

  /** Adds a WebSocket route (the classroom adds its live views). */
  add(route: WsRoute): void {
    this.#routes.push(route);
  }

  /** The `upgrade` listener of the HTTP server; never throws. */
  async handle(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    try {
      await this.#upgrade(req, socket, head);
    } catch (error) {
      console.error('labs: WebSocket upgrade failed:', error instanceof Error ? error.message : error);
      refuse(socket, 500, 'Internal Server Error');
    }
  }

  async #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = this.#routes.find((r) => r.path === url.pathname);
    if (!route) return refuse(socket, 404, 'Not Found');
    if (!originAllowed(req.headers.origin, this.#options.origins?.() ?? new Set()))
      return refuse(socket, 403, 'Forbidden: foreign Origin');
    const address = req.socket.remoteAddress ?? 'unknown';
    if (this.#perAddress.get(address) >= (this.#options.socketsPerAddress ?? 256))
      return refuse(socket, 429, 'Too Many Requests: too many open sockets from this address');
    const token = url.searchParams.get('token') ?? undefined;
    let session: SessionRecord | undefined;
    if (route.auth === 'session') {
      session = await this.#parts.sessions.authenticate(token);
      if (!session) return refuse(socket, 401, 'Unauthorized: missing or invalid session token');
      if (this.#perSession.get(session.id) >= (this.#options.socketsPerSession ?? 8))
        return refuse(socket, 429, 'Too Many Requests: too many open sockets for this session; close another tab');
    }
    if (socket.destroyed) return;
    const releases = [this.#perAddress.add(address), ...(session ? [this.#perSession.add(session.id)] : [])];
    // The raw socket closes whether or not the handshake completes, so the counts never leak.
    socket.once('close', () => {
      for (const release of releases) release();
    });
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // Without this listener one malformed frame would be an uncaught exception.
      ws.on('error', () => ws.terminate());
      this.#alive.add(ws);
      ws.on('pong', () => this.#alive.add(ws));
      Promise.resolve()
        .then(() => route.handle(ws, { req, url, session, token }))
        .catch((error: unknown) => {
          send(ws, {
            type: 'error',
            message: error instanceof Error ? error.message : String(error),
            ...(error instanceof HttpError && error.code
              ? { code: error.code, ...(error.params ? { params: error.params } : {}) }
              : {}),
          });
          ws.close(1011);
        });
    });
  }

  close(): void {
    clearInterval(this.#heartbeat);
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }
}

/** Bytes of messages kept while a terminal's environment is being prepared. */
const EARLY_INPUT_BYTES = 256 * 1024;

/** `/ws/terminal?lab=<id>&token=<sessionToken>&cols=N&rows=N` */
export function terminalRoute(parts: ServerParts, registry: SocketRegistry): WsRoute {
  return {
    path: '/ws/terminal',
    auth: 'session',
    async handle(ws, { url, session }) {
      const labId = url.searchParams.get('lab') ?? '';
      if (!parts.labs.has(labId)) {
        send(ws, {
          type: 'error',
          message: `unknown lab "${labId}"; labs: ${[...parts.labs.keys()].join(', ')}`,
          code: 'lab.unknown',
          params: { lab: labId },
        });
        ws.close(1008);
        return;
      }
      registry.add(session!.id, ws);
      const resumed = (await parts.runtime.existing(session!.id, labId)) !== undefined;
      // Messages arriving while the environment is prepared are kept and played in order afterwards.
      const early: string[] = [];
      let earlyBytes = 0;
      const onEarly = (data: Buffer) => {
        earlyBytes += data.length;
        // Typing ahead is fine; megabytes before the terminal even exists are not.
        if (earlyBytes > EARLY_INPUT_BYTES) ws.close(1008, 'too much input before the terminal was ready');
        else early.push(data.toString());
      };
      ws.on('message', onEarly);
      const instance = await parts.runtime.instance(session!.id, labId);
      if (ws.readyState !== ws.OPEN) return;
      instance.attached++;
      const cols = Number(url.searchParams.get('cols'));
      const rows = Number(url.searchParams.get('rows'));
      if (cols >= 2 && cols <= 1000 && rows >= 2 && rows <= 500) instance.terminal.resize(cols, rows);
      const api = labApiSchema.safeParse(url.searchParams.get('api'));
      if (api.success) instance.steps.useApi(api.data);
      send(ws, { type: 'attached', resumed, replay: instance.scrollback.text() });
      const off = instance.onOutput((data) => send(ws, { type: 'output', data }));
      const onMessage = (raw: string) => {
        let parsed: ReturnType<typeof terminalClientMessageSchema.safeParse> | undefined;
        try {
          parsed = terminalClientMessageSchema.safeParse(JSON.parse(raw));
        } catch {
          parsed = undefined;
        }
        if (!parsed?.success) {
          send(ws, { type: 'error', message: 'malformed message', code: 'request.malformed' });
          return;
        }
        instance.lastUsed = Date.now();
        if (parsed.data.type === 'input') instance.terminal.write(parsed.data.data);
        else if (parsed.data.type === 'api') instance.steps.useApi(parsed.data.api);
        else instance.terminal.resize(parsed.data.cols, parsed.data.rows);
      };
      ws.off('message', onEarly);
      ws.on('message', (data: Buffer) => onMessage(data.toString()));
      for (const raw of early) onMessage(raw);
      ws.on('close', () => {
        off();
        instance.attached--;
      });
    },
  };
}
