/** Every code the lab server sends is worded in both languages; coded messages come in the page's language. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UI } from '../i18n/ui.ts';
import { serverKey, serverText } from './serverText.ts';

const serverDir = fileURLToPath(new URL('../../lab-server/src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The codes the server's sources give their errors and messages. */
function serverCodes(): Set<string> {
  const codes = new Set<string>();
  // The routes and sockets that answer pages: the server's and the classroom's.
  for (const file of [...sources(join(serverDir, 'server')), ...sources(join(serverDir, 'classroom'))]) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bcode:\s*'([\w.]+)'/g)) codes.add(m[1]!);
    for (const m of text.matchAll(/refuse\(ws,[^;]*,\s*'([\w.]+)'\)/g)) codes.add(m[1]!);
  }
  return codes;
}

describe('server messages', () => {
  it('has words in Korean and English for every code the server sends', () => {
    const codes = serverCodes();
    expect(codes.size).toBeGreaterThan(15);
    for (const code of codes)
      for (const lang of ['ko', 'en'] as const) expect(UI[lang][serverKey(code)], `${lang} ${code}`).toBeTruthy();
  });

  it("words a coded message in the page's language, with its values", () => {
    const refusal = { error: 'lab "egress" is not built yet', code: 'lab.planned', params: { lab: 'egress' } };
    expect(serverText('ko', refusal)).toBe('"egress" 실습은 아직 준비 중입니다.');
    expect(serverText('en', refusal)).toBe('The lab "egress" is not built yet.');
    expect(serverText('ko', { message: 'x', code: 'join.unknownCode' })).toMatch(/참여 코드/);
  });

  it('shows a message without a known code as the server sent it', () => {
    expect(serverText('ko', { error: 'something new' })).toBe('something new');
    expect(serverText('ko', { message: 'terminal text', code: 'not.a.code' })).toBe('terminal text');
  });
});
