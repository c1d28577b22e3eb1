/** Routes of health, sessions and progress. */
import type { Route } from '../router.ts';
import type { ServerParts } from '../parts.ts';

/** `GET /api/health`, `POST/GET /api/session`, `GET /api/progress`. */
export function sessionRoutes(parts: ServerParts): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/health',
      auth: 'none',
      handle: async () => ({ status: 200, body: { ok: true, backend: parts.backend.name } }),
    },
    {
      method: 'POST',
      path: '/api/session',
      auth: 'none',
      handle: async ({ req }) => {
        parts.sessionLimiter.take(req.socket.remoteAddress ?? 'unknown');
        const { token, session } = await parts.sessions.create();
        parts.events.emit('session-created', { session });
        return { status: 201, body: { sessionToken: token } };
      },
    },
    {
      method: 'GET',
      path: '/api/session',
      auth: 'session',
      handle: async ({ session }) => ({
        status: 200,
        body: {
          id: session!.id,
          createdAt: session!.createdAt,
          ...(session!.displayName ? { displayName: session!.displayName } : {}),
        },
      }),
    },
    {
      method: 'GET',
      path: '/api/progress',
      auth: 'session',
      handle: async ({ session }) => ({ status: 200, body: await parts.progress.progress(session!.id) }),
    },
  ];
}
