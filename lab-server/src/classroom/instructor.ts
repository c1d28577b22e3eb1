/**
 * The instructor's token: random unless given, compared in constant time. A random one is kept in the data
 * directory (readable by its owner only), so the dashboard a restart interrupts keeps working with the URL it has.
 */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HttpError } from '../server/http.ts';

/** Checks bearer tokens against the instructor's. */
export class InstructorAuth {
  readonly token: string;
  readonly #digest: Buffer;

  constructor(token?: string) {
    if (token !== undefined && !/^[A-Za-z0-9_-]{20,200}$/.test(token)) {
      throw new Error('LABS_INSTRUCTOR_TOKEN must be 20 to 200 characters of A-Z, a-z, 0-9, - and _');
    }
    this.token = token ?? randomBytes(32).toString('base64url');
    this.#digest = createHash('sha256').update(this.token).digest();
  }

  /** True when `candidate` is the instructor's token. */
  matches(candidate: string | undefined): boolean {
    if (!candidate) return false;
    return timingSafeEqual(createHash('sha256').update(candidate).digest(), this.#digest);
  }

  /** Throws 401/403 unless `candidate` is the instructor's token. */
  require(candidate: string | undefined): void {
    if (!candidate)
      throw new HttpError(401, 'instructor token required (Authorization: Bearer <token>)', {
        code: 'instructor.required',
      });
    if (!this.matches(candidate))
      throw new HttpError(403, 'this token may not use instructor APIs', { code: 'instructor.refused' });
  }
}

/** The token kept in `dataDir` (made on first use); delete the file to get a new one. */
export function storedInstructorToken(dataDir: string): string {
  const file = join(dataDir, 'instructor-token');
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    if (/^[A-Za-z0-9_-]{20,200}$/.test(kept)) return kept;
  }
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}
