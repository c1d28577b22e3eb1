/**
 * How a mode of the lab server (the classroom) extends it: stores that survive restarts, extra routes and
 * WebSockets, a way to restore an environment made after a restart, and lines for the start-up banner.
 * `labs serve` passes one to the server; the server knows nothing else about it.
 */
import type { LabEnvironment } from '../contract.ts';
import type { LabServer } from './app.ts';
import type { ServerParts } from './parts.ts';
import type { Route } from './router.ts';
import type { ProgressStore, SessionStore } from './stores.ts';
import type { WsRoute } from './websocket.ts';

/** An extension of the lab server (the classroom is one). */
export interface ServerExtension {
  sessionStore: SessionStore;
  progressStore: ProgressStore;
  routes?: (parts: ServerParts) => Route[];
  wsRoutes?: (parts: ServerParts) => WsRoute[];
  restoreEnvironment?: (sessionId: string, lab: string, env: LabEnvironment) => Promise<void>;
  /** Called once the server exists (subscribe to `server.parts.events` here). */
  attach?: (server: LabServer) => void | Promise<void>;
  /** Lines printed after the URL (the instructor URL). */
  banner?: (url: string) => string[];
  close?: () => Promise<void>;
}
