/**
 * The lab server: one Node HTTP server on one port serving the built site, the JSON API and the
 * WebSockets of `lab-server/src/protocol/`. Extensions (the classroom) plug in through `routes`, `wsRoutes`, the
 * stores, `restoreEnvironment` and `events`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { LabBackend, LabEnvironment } from '../contract.ts';
import { DEFAULT_LIMITS } from '../checks/types.ts';
import type { LoadedLab } from '../labs/load.ts';
import { LabServerEvents } from './events.ts';
import { sessionRoutes } from './handlers/session.ts';
import { labRoutes } from './handlers/labs.ts';
import { SECURITY_HEADERS, sendJson } from './http.ts';
import { LabRuntime } from './labRuntime.ts';
import { RateLimiter, type CheckSettings, type ServerParts } from './parts.ts';
import { Router, type Route } from './router.ts';
import { SessionManager } from './sessions.ts';
import { serveStatic } from './static.ts';
import { MemoryProgressStore, MemorySessionStore, type ProgressStore, type SessionStore } from './stores.ts';
import { SocketRegistry, UpgradeHandler, terminalRoute, type WsRoute } from './websocket.ts';

/** Everything `createLabServer` may be given. */
export interface LabServerOptions {
  backend: LabBackend;
  /** Every lab file (planned ones included; only `ready` labs get environments). */
  labs: readonly LoadedLab[];
  /** The built site; default `./dist`. */
  siteDir?: string;
  sessionStore?: SessionStore;
  progressStore?: ProgressStore;
  /** Extra API routes, tried before the built-in ones. */
  routes?: (parts: ServerParts) => Route[];
  /** Extra WebSocket routes (Origin and token rules apply the same). */
  wsRoutes?: (parts: ServerParts) => WsRoute[];
  /** See `LabRuntimeOptions.restoreEnvironment`. */
  restoreEnvironment?: (sessionId: string, lab: string, env: LabEnvironment) => Promise<void>;
  checks?: Partial<CheckSettings>;
  /** New anonymous sessions per minute, server-wide (default 120). */
  sessionsPerMinute?: number;
  /** Origins besides the server's own allowed to open WebSockets (e.g. a dev server). */
  allowedOrigins?: readonly string[];
  heartbeatMs?: number;
  scrollbackLimit?: number;
  batchMs?: number;
}

/** A created server: listen, close, and reach its parts. */
export interface LabServer {
  server: Server;
  parts: ServerParts;
  router: Router;
  upgrades: UpgradeHandler;
  /** Starts listening; resolves with the URL (`http://127.0.0.1:4321/`). */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

/** Builds the server (not yet listening). */
export function createLabServer(options: LabServerOptions): LabServer {
  const events = new LabServerEvents();
  const progress = options.progressStore ?? new MemoryProgressStore();
  const ready = new Map(options.labs.filter((l) => l.status === 'ready').map((l) => [l.id, l] as const));
  const runtime = new LabRuntime({
    backend: options.backend,
    labs: ready,
    events,
    progress,
    restoreEnvironment: options.restoreEnvironment,
    scrollbackLimit: options.scrollbackLimit,
    batchMs: options.batchMs,
  });
  const registry = new SocketRegistry();
  const parts: ServerParts = {
    backend: options.backend,
    labs: ready,
    allLabs: options.labs,
    sessions: new SessionManager(options.sessionStore ?? new MemorySessionStore()),
    progress,
    runtime,
    events,
    notifier: registry,
    sessionLimiter: new RateLimiter(options.sessionsPerMinute ?? 120),
    checks: { limits: DEFAULT_LIMITS, settleMs: 6_000, ...options.checks },
  };
  const router = new Router(parts.sessions, [
    ...(options.routes?.(parts) ?? []),
    ...sessionRoutes(parts),
    ...labRoutes(parts),
  ]);
  const upgrades = new UpgradeHandler(parts, {
    heartbeatMs: options.heartbeatMs,
    allowedOrigins: options.allowedOrigins,
  });
  upgrades.add(terminalRoute(parts, registry));
  for (const r of options.wsRoutes?.(parts) ?? []) upgrades.add(r);
  const siteDir = resolve(options.siteDir ?? 'dist');

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    void (async () => {
      try {
        if (await router.handle(req, res, url)) return;
        if (url.pathname === '/api' || url.pathname.startsWith('/api/'))
          return sendJson(res, 404, { error: `no such API route: ${req.method} ${url.pathname}` });
        await serveStatic(siteDir, req, res, url);
      } catch (error) {
        console.error('labs: request failed:', error);
        if (!res.headersSent) {
          res.writeHead(500, { ...SECURITY_HEADERS, 'content-type': 'text/plain' });
          res.end('internal error\n');
        } else res.destroy();
      }
    })();
  });
  server.on('upgrade', (req, socket, head) => void upgrades.handle(req, socket, head));
  server.headersTimeout = 30_000;
  server.requestTimeout = 300_000;

  return {
    server,
    parts,
    router,
    upgrades,
    listen(port = 4321, host = '127.0.0.1') {
      return new Promise((resolvePromise, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolvePromise(`http://${shown}:${address.port}/`);
        });
      });
    },
    async close() {
      upgrades.close();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
      await runtime.close();
    },
  };
}
