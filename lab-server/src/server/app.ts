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
import { onClientError } from './clientError.ts';
import { LabServerEvents } from './events.ts';
import { sessionRoutes } from './handlers/session.ts';
import { labRoutes } from './handlers/labs.ts';
import { SECURITY_HEADERS, sendJson } from './http.ts';
import { Gate, type AutoCheckOptions } from '../steps/autoCheck.ts';
import { LabRuntime } from './labRuntime.ts';
import { recordStepCheck } from './recordCheck.ts';
import { allowedOrigins } from './origins.ts';
import { InFlightLimiter, RateLimiter, type CheckSettings, type ServerParts } from './parts.ts';
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
  /** New anonymous sessions per minute from one client address (default 60). */
  sessionsPerMinute?: number;
  /** Origins besides the server's own allowed to open WebSockets (e.g. a dev server). */
  allowedOrigins?: readonly string[];
  /** The URL learners use (behind a proxy); its origin may open WebSockets. Default `LABS_PUBLIC_URL`. */
  publicUrl?: string;
  /** Open WebSockets per session (default 8). */
  socketsPerSession?: number;
  /** Open WebSockets per client address (default 256; `labs serve --classroom` follows the class capacity). */
  socketsPerAddress?: number;
  /** Lab actions (check, solve, apply, preview, reset) running at once per session (default 4). */
  actionsInFlight?: number;
  /** Live environments on this server (default 400); one more answers 503. */
  maxEnvironments?: number;
  /** Environments unused this long with no terminal attached are put away (default 30 min); the journal keeps them. */
  idleMs?: number;
  heartbeatMs?: number;
  scrollbackLimit?: number;
  batchMs?: number;
  /**
   * Automatic checks after every command and Apply (on by default): `false` turns them off; the options tune the
   * scheduler. `concurrency`: environments evaluated at once, server-wide (default 16), unless a `gate` is given.
   */
  autoChecks?: false | (AutoCheckOptions & { concurrency?: number });
}

/** Environments whose automatic checks run at once, server-wide, unless told otherwise. */
export const DEFAULT_AUTO_CHECKS_AT_ONCE = 16;

/**
 * Connections the kernel keeps waiting for the server to accept (it caps this at `net.core.somaxconn`). A class
 * behind one NAT joins at once, each learner opening a connection to join and another for the terminal: with
 * Node's default of 511, 1,000 learners overflowed the queue 29 to 325 times a run, and each dropped connection's
 * client tried again only a second or more later (the kernel's SYN retry).
 */
export const LISTEN_BACKLOG = 4096;

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
  const registry = new SocketRegistry();
  const checkSettings: CheckSettings = { limits: DEFAULT_LIMITS, settleMs: 6_000, ...options.checks };
  const auto = options.autoChecks === false ? undefined : (options.autoChecks ?? {});
  const runtime = new LabRuntime({
    backend: options.backend,
    labs: ready,
    events,
    progress,
    restoreEnvironment: options.restoreEnvironment,
    scrollbackLimit: options.scrollbackLimit,
    batchMs: options.batchMs,
    ...(auto
      ? {
          autoChecks: {
            ...auto,
            // 16, not 2: an evaluation spends most of its time waiting its turn in a worker, so two at a time fell
            // far behind a class (1,000 learners: 88 s to catch up), and a learner's Check came before the automatic
            // check it could have stood on, and measured it all again (docs/classroom.md, the eleventh pass).
            gate: auto.gate ?? new Gate(auto.concurrency ?? DEFAULT_AUTO_CHECKS_AT_ONCE),
            check: { limits: { ...checkSettings.limits, verdictOnly: true } },
            record: async (instance, step, checked) => {
              await recordStepCheck(
                { progress, events, notifier: registry },
                instance.sessionId,
                instance.lab.id,
                step,
                checked,
                'automatic',
              );
            },
          },
        }
      : {}),
    maxEnvironments: options.maxEnvironments,
    idleMs: options.idleMs,
  });
  events.on('reset', ({ sessionId, lab }) => registry.notify(sessionId, { type: 'reset', lab }));
  const parts: ServerParts = {
    backend: options.backend,
    labs: ready,
    allLabs: options.labs,
    sessions: new SessionManager(options.sessionStore ?? new MemorySessionStore()),
    progress,
    runtime,
    events,
    notifier: registry,
    sessionLimiter: new RateLimiter(options.sessionsPerMinute ?? 60),
    inFlight: new InFlightLimiter(options.actionsInFlight ?? 4),
    checks: checkSettings,
  };
  const router = new Router(
    parts.sessions,
    [...(options.routes?.(parts) ?? []), ...sessionRoutes(parts), ...labRoutes(parts)],
    parts.inFlight,
  );
  let origins: Set<string> | undefined;
  const upgrades = new UpgradeHandler(parts, {
    heartbeatMs: options.heartbeatMs,
    socketsPerSession: options.socketsPerSession,
    socketsPerAddress: options.socketsPerAddress,
    // Computed once listening (the port is part of every origin).
    origins: () =>
      (origins ??= allowedOrigins({
        publicUrl: options.publicUrl ?? process.env.LABS_PUBLIC_URL,
        allowed: options.allowedOrigins ?? [],
        listening: server.address(),
      })),
  });
  upgrades.add(terminalRoute(parts, registry));
  for (const r of options.wsRoutes?.(parts) ?? []) upgrades.add(r);
  const siteDir = resolve(options.siteDir ?? 'dist');

  const server = createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://localhost');
        if (await router.handle(req, res, url)) return;
        if (url.pathname === '/api' || url.pathname.startsWith('/api/'))
          return sendJson(res, 404, {
            error: `no such API route: ${req.method} ${url.pathname}`,
            code: 'request.noRoute',
          });
        await serveStatic(siteDir, req, res, url);
      } catch (error) {
        console.error('labs: request failed:', error instanceof Error ? error.message : error);
        if (!res.headersSent) {
          res.writeHead(500, { ...SECURITY_HEADERS, 'content-type': 'text/plain' });
          res.end('internal error\n');
        } else res.destroy();
      }
    })();
  });
  server.on('upgrade', (req, socket, head) => void upgrades.handle(req, socket, head));
  // A client that sends garbage or vanishes mid-request costs its own connection, nothing else (clientError.ts).
  server.on('clientError', onClientError);
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
        server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
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
