/** The instructor token: kept across restarts when random, checked as a bearer token. */
import { mkdtempSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClassroom } from './index.ts';
import { InstructorAuth, storedInstructorToken } from './instructor.ts';

describe('storedInstructorToken', () => {
  it('makes a random token once, readable by its owner only, and gives it back after a restart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'labs-instructor-'));
    const token = storedInstructorToken(dir);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(join(dir, 'instructor-token')).mode & 0o777).toBe(0o600);
    expect(storedInstructorToken(dir)).toBe(token);
    unlinkSync(join(dir, 'instructor-token'));
    expect(storedInstructorToken(dir)).not.toBe(token);
    expect(storedInstructorToken(mkdtempSync(join(tmpdir(), 'labs-instructor-')))).not.toBe(token);
  });

  it('is named by the banner (where it is kept), never printed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labs-instructor-'));
    const first = await createClassroom({ dataDir: dir });
    const banner = first.banner!('http://10.1.2.3:4321/').join('\n');
    await first.close!();
    expect(banner).toContain(
      `Instructor dashboard: http://10.1.2.3:4321/classroom/ (sign in with the token in ${dir}/instructor-token`,
    );
    expect(banner).not.toContain(storedInstructorToken(dir));
    const given = await createClassroom({ dataDir: dir, instructorToken: 'given-instructor-token-0123456789' });
    const told = given.banner!('http://10.1.2.3:4321/').join('\n');
    expect(told).toContain('sign in with the token in LABS_INSTRUCTOR_TOKEN');
    expect(told).not.toContain('given-instructor-token-0123456789');
    await given.close!();
  });
});

describe('InstructorAuth', () => {
  it('answers 401 without a token and 403 with another one', () => {
    const auth = new InstructorAuth('the-instructor-token-0123456789');
    expect(() => auth.require(undefined)).toThrow('instructor token required');
    expect(() => auth.require('a-learner-token-0123456789abcdef')).toThrow('this token may not use instructor APIs');
    expect(() => auth.require('the-instructor-token-0123456789')).not.toThrow();
    expect(() => new InstructorAuth('short')).toThrow('LABS_INSTRUCTOR_TOKEN must be 20 to 200 characters');
  });
});
