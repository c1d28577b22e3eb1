/**
 * Session tokens: 32 random bytes, base64url, shown to the page once and stored only as a SHA-256, so a
 * leaked store does not leak sessions. Comparison happens by hash lookup, never on the raw token.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { SessionRecord, SessionStore } from './stores.ts';

/** A new unguessable token (256 bits). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored form of a token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** The token carried by `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+([A-Za-z0-9_-]{20,200})\s*$/.exec(header ?? '');
  return m?.[1];
}

/** Creates and authenticates sessions over a `SessionStore`. */
export class SessionManager {
  readonly store: SessionStore;
  constructor(store: SessionStore) {
    this.store = store;
  }

  /** Makes a session, in `classId`'s class when given; the token is returned once and never stored. */
  async create(
    options: { displayName?: string; classId?: string } = {},
  ): Promise<{ token: string; session: SessionRecord }> {
    const token = newToken();
    const session: SessionRecord = {
      id: randomUUID(),
      tokenHash: hashToken(token),
      createdAt: new Date().toISOString(),
      ...(options.displayName ? { displayName: options.displayName } : {}),
    };
    await this.store.insert(session, options.classId);
    return { token, session };
  }

  /** The session a token belongs to, or undefined for a missing, malformed or unknown token. */
  async authenticate(token: string | undefined): Promise<SessionRecord | undefined> {
    if (!token || !/^[A-Za-z0-9_-]{20,200}$/.test(token)) return undefined;
    return this.store.findByTokenHash(hashToken(token));
  }
}
