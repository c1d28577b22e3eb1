/**
 * The page's lab session: a token kept in localStorage (made on first visit), and fetch with it. Answers are
 * parsed with the lab server's own protocol schemas, so a change on one side fails loudly on the other.
 */
import type { z } from 'zod';
import { pageLang, serverText } from './serverText.ts';
import {
  errorBodySchema,
  progressSchema,
  sessionCreatedSchema,
  type Progress,
} from '../../lab-server/src/protocol/api.ts';

const KEY = 'labs.session';

let pending: Promise<string> | undefined;

/** An API failure with the server's message. */
export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

async function createSession(): Promise<string> {
  const res = await fetch('/api/session', { method: 'POST' });
  if (!res.ok) throw new ApiError(res.status, `POST /api/session: ${res.status}`);
  const { sessionToken } = sessionCreatedSchema.parse(await res.json());
  localStorage.setItem(KEY, sessionToken);
  return sessionToken;
}

/** The session token, made once per browser. */
export function getSession(): Promise<string> {
  const stored = localStorage.getItem(KEY);
  if (stored) return Promise.resolve(stored);
  pending ??= createSession().finally(() => (pending = undefined));
  return pending;
}

/** Forgets a token the server no longer knows (e.g. a restarted server without classroom storage). */
function dropSession(token: string): void {
  if (localStorage.getItem(KEY) === token) localStorage.removeItem(KEY);
}

/** Calls the API with the session's token; a 401 for a stale token makes a new session once. */
export async function api<T>(path: string, schema: z.ZodType<T>, init: RequestInit = {}): Promise<T> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const token = await getSession();
    const res = await fetch(path, {
      ...init,
      headers: {
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...(init.headers as Record<string, string> | undefined),
        authorization: `Bearer ${token}`,
      },
    });
    if (res.status === 401 && attempt === 0) {
      dropSession(token);
      continue;
    }
    const body: unknown = await res.json().catch(() => ({}));
    if (!res.ok) {
      const parsed = errorBodySchema.safeParse(body);
      // In the page's language when the server names the problem by a code.
      throw new ApiError(res.status, parsed.success ? serverText(pageLang(), parsed.data) : `HTTP ${res.status}`);
    }
    return schema.parse(body);
  }
  throw new ApiError(401, serverText(pageLang(), { error: 'session refused', code: 'session.invalid' }));
}

/** The WebSocket URL of a lab's terminal. */
export async function terminalUrl(lab: string, cols: number, rows: number): Promise<string> {
  const token = await getSession();
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return (
    `${scheme}://${location.host}/ws/terminal?lab=${encodeURIComponent(lab)}` +
    `&token=${encodeURIComponent(token)}&cols=${cols}&rows=${rows}`
  );
}

/** All progress of this session. */
export function fetchProgress(): Promise<Progress> {
  return api('/api/progress', progressSchema);
}
