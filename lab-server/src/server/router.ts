/**
 * Table-driven routing for the JSON API: each route is a method, a path pattern with `:params`, whether
 * it needs a session, a body limit, and a handler returning a status and a JSON body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, readJson, sendJson } from './http.ts';
import type { InFlightLimiter } from './parts.ts';
import { bearerToken, type SessionManager } from './sessions.ts';
import type { SessionRecord } from './stores.ts';

/** What a handler gets. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  /** The caller's session; set when the route has `auth: 'session'`. */
  session: SessionRecord | undefined;
  /** The bearer token as sent (the classroom checks instructor tokens with it). */
  token: string | undefined;
  /** The parsed JSON body (bounded by the route's `maxBody`). */
  body(): Promise<unknown>;
}

/** What a handler returns; `undefined` means it wrote the response itself. */
export type RouteResult = { status: number; body: unknown } | undefined;

/** One API route. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** `/api/labs/:lab/steps/:step/check` */
  path: string;
  /** `session`: 401 without a valid session token. `none`: the handler decides (e.g. instructor tokens). */
  auth: 'session' | 'none';
  /** Largest accepted body in bytes (default 64 KiB). */
  maxBody?: number;
  handle(ctx: RouteContext): Promise<RouteResult>;
}

interface Compiled {
  route: Route;
  pattern: RegExp;
  names: string[];
}

/** The API's routes; routes can be added (the classroom adds its own). */
export class Router {
  #routes: Compiled[] = [];
  #sessions: SessionManager;
  #inFlight: InFlightLimiter | undefined;

  /** `inFlight` bounds the session routes that act (POST, PUT, DELETE) running at once per session. */
  constructor(sessions: SessionManager, routes: Route[] = [], inFlight?: InFlightLimiter) {
    this.#sessions = sessions;
    this.#inFlight = inFlight;
    for (const r of routes) this.add(r);
  }

  /** Adds a route; earlier routes win when two match. */
  add(route: Route): void {
    const names: string[] = [];
    const source = route.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.#routes.push({ route, pattern: new RegExp(`^${source}$`), names });
  }

  /** Handles a request if some route's path matches; returns false when none does. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const candidates = this.#routes.map((c) => ({ c, m: c.pattern.exec(url.pathname) })).filter((x) => x.m !== null);
    if (candidates.length === 0) return false;
    const found = candidates.find((x) => x.c.route.method === req.method);
    try {
      if (!found) throw new HttpError(405, `method ${req.method} not allowed on ${url.pathname}`);
      const { route, names } = found.c;
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        try {
          params[name] = decodeURIComponent(found.m![i + 1]!);
        } catch {
          throw new HttpError(400, `malformed percent-encoding in ${url.pathname.slice(0, 200)}`);
        }
      });
      const token = bearerToken(req.headers.authorization);
      let session: SessionRecord | undefined;
      if (route.auth === 'session') {
        if (!req.headers.authorization)
          throw new HttpError(401, 'missing session token (Authorization: Bearer <token>)', {
            code: 'session.missing',
          });
        session = await this.#sessions.authenticate(token);
        if (!session) throw new HttpError(401, 'invalid session token', { code: 'session.invalid' });
      }
      let body: Promise<unknown> | undefined;
      const run = () =>
        route.handle({
          req,
          res,
          url,
          params,
          session,
          token,
          body: () => (body ??= readJson(req, route.maxBody ?? 64 * 1024)),
        });
      const result =
        session && this.#inFlight && req.method !== 'GET' ? await this.#inFlight.run(session.id, run) : await run();
      if (result) sendJson(res, result.status, result.body);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
      } else if (error instanceof HttpError) {
        sendJson(res, error.status, error.body());
      } else {
        console.error(`labs: ${req.method} ${url.pathname} failed:`, error);
        sendJson(res, 500, { error: 'internal error', code: 'server.internal' });
      }
    }
    return true;
  }
}
