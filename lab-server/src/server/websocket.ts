/**
 * WebSocket upgrades: Origin checked first (a foreign page must not drive a learner's terminal), then
 * the session token, then the route's handler. The terminal route attaches to the session's lab
 * terminal: replay of the scrollback, batched output, input and resize, progress messages, and ws's
 * ping/pong heartbeat.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ServerParts, SessionNotifier } from './parts.ts';
import { terminalClientMessageSchema, type TerminalServerMessage } from '../protocol/terminal.ts';
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

/** True when the request's Origin is absent (not a browser) or names this server itself or an allowed origin. */
export function originAllowed(req: IncomingMessage, allowed: readonly string[] = []): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (allowed.includes(parsed.origin)) return true;
  return parsed.host === req.headers.host && (parsed.protocol === 'http:' || parsed.protocol === 'https:');
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length + 1}\r\n\r\n${reason}\n`,
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

/** Sends one typed message if the socket is open. */
export function send(ws: WebSocket, message: TerminalServerMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}

/** Handles upgrades for a set of routes; keeps every socket alive with ping/pong. */
export class UpgradeHandler {
  readonly wss = new WebSocketServer({ noServer: true, maxPayload: 2 * 1024 * 1024 });
  #routes: WsRoute[] = [];
  #alive = new WeakSet<WebSocket>();
  #heartbeat: NodeJS.Timeout;
  #parts: ServerParts;
  #allowedOrigins: readonly string[];

  constructor(parts: ServerParts, options: { heartbeatMs?: number; allowedOrigins?: readonly string[] } = {}) {
    this.#parts = parts;
    this.#allowedOrigins = options.allowedOrigins ?? [];
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

  /** The `upgrade` listener of the HTTP server. */
  async handle(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = this.#routes.find((r) => r.path === url.pathname);
    if (!route) return refuse(socket, 404, 'Not Found');
    if (!originAllowed(req, this.#allowedOrigins)) return refuse(socket, 403, 'Forbidden: foreign Origin');
    const token = url.searchParams.get('token') ?? undefined;
    let session: SessionRecord | undefined;
    if (route.auth === 'session') {
      session = await this.#parts.sessions.authenticate(token);
      if (!session) return refuse(socket, 401, 'Unauthorized: missing or invalid session token');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.#alive.add(ws);
      ws.on('pong', () => this.#alive.add(ws));
      Promise.resolve(route.handle(ws, { req, url, session, token })).catch((error: unknown) => {
        send(ws, { type: 'error', message: error instanceof Error ? error.message : String(error) });
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

/** `/ws/terminal?lab=<id>&token=<sessionToken>&cols=N&rows=N` */
export function terminalRoute(parts: ServerParts, registry: SocketRegistry): WsRoute {
  return {
    path: '/ws/terminal',
    auth: 'session',
    async handle(ws, { url, session }) {
      const labId = url.searchParams.get('lab') ?? '';
      if (!parts.labs.has(labId)) {
        send(ws, { type: 'error', message: `unknown lab "${labId}"; labs: ${[...parts.labs.keys()].join(', ')}` });
        ws.close(1008);
        return;
      }
      registry.add(session!.id, ws);
      const resumed = (await parts.runtime.existing(session!.id, labId)) !== undefined;
      // Messages arriving while the environment is prepared are kept and played in order afterwards.
      const early: string[] = [];
      const onEarly = (data: Buffer) => early.push(data.toString());
      ws.on('message', onEarly);
      const instance = await parts.runtime.instance(session!.id, labId);
      if (ws.readyState !== ws.OPEN) return;
      instance.attached++;
      const cols = Number(url.searchParams.get('cols'));
      const rows = Number(url.searchParams.get('rows'));
      if (cols >= 2 && cols <= 1000 && rows >= 2 && rows <= 500) instance.terminal.resize(cols, rows);
      send(ws, { type: 'attached', resumed, replay: instance.scrollback.text() });
      const off = instance.onOutput((data) => send(ws, { type: 'output', data }));
      const onMessage = (raw: string) => {
        let parsed;
        try {
          parsed = terminalClientMessageSchema.safeParse(JSON.parse(raw));
        } catch {
          parsed = undefined;
        }
        if (!parsed?.success) {
          send(ws, { type: 'error', message: 'malformed message' });
          return;
        }
        instance.lastUsed = Date.now();
        if (parsed.data.type === 'input') instance.terminal.write(parsed.data.data);
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
