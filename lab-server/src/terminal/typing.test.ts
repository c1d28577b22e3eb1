import { describe, expect, it } from 'vitest';
import type { CommandRecord, TerminalChannel } from '../contract.ts';
import { stripAnsi, typeScript } from './typing.ts';

/** A terminal that treats `<<EOF` as a heredoc: `> ` prompts until the line `EOF`, then one record. */
function heredocTerminal(): TerminalChannel & { typed: string[] } {
  const out = new Set<(d: string) => void>();
  const cmd = new Set<(r: CommandRecord) => void>();
  let pending: string[] | undefined;
  const typed: string[] = [];
  // Output arrives after write() returns, in the order it was produced, as from a real terminal.
  const emit = (d: string) =>
    queueMicrotask(() => {
      for (const l of out) l(d);
    });
  const finish = (line: string, exitCode: number) =>
    queueMicrotask(() => {
      for (const l of out) l(`\x1b[32mdone\x1b[0m\r\n\x1b[1m$ \x1b[0m`);
      for (const l of cmd) l({ line, exitCode, at: new Date().toISOString() });
    });
  return {
    typed,
    write(data) {
      const line = data.replace(/\r$/, '');
      typed.push(line);
      emit(`${line}\r\n`);
      if (pending) {
        pending.push(line);
        if (line === 'EOF') {
          finish(pending.join('\n'), 0);
          pending = undefined;
        } else emit('> ');
        return;
      }
      if (/<<\s*'?EOF'?$/.test(line)) {
        pending = [line];
        emit('> ');
        return;
      }
      finish(line, line.startsWith('false') ? 1 : 0);
    },
    resize() {},
    onOutput(l) {
      out.add(l);
      return () => out.delete(l);
    },
    onCommand(l) {
      cmd.add(l);
      return () => cmd.delete(l);
    },
    close() {},
  };
}

describe('typeScript', () => {
  it('types line by line, waiting for results and continuation prompts, skipping blank and comment lines', async () => {
    const t = heredocTerminal();
    const r = await typeScript(
      t,
      '# a comment\nkubectl apply -f - <<EOF\nkind: X\n\nmetadata: {}\nEOF\n\necho after\n',
    );
    expect(t.typed).toEqual(['kubectl apply -f - <<EOF', 'kind: X', '', 'metadata: {}', 'EOF', 'echo after']);
    expect(r.records.map((x) => x.line)).toEqual([
      'kubectl apply -f - <<EOF\nkind: X\n\nmetadata: {}\nEOF',
      'echo after',
    ]);
    expect(r).toMatchObject({ exitCode: 0, timedOut: false });
  });

  it('reports the last exit status and a line that never finishes', async () => {
    expect((await typeScript(heredocTerminal(), 'false')).exitCode).toBe(1);
    const silent: TerminalChannel = {
      write() {},
      resize() {},
      onOutput: () => () => {},
      onCommand: () => () => {},
      close() {},
    };
    expect(await typeScript(silent, 'sleep 1000', { lineTimeoutMs: 50 })).toMatchObject({ timedOut: true });
  });

  it('strips colours and OSC titles', () => {
    expect(stripAnsi('\x1b]0;title\x07\x1b[1;32m$ \x1b[0m')).toBe('$ ');
  });
});
