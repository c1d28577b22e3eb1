import { describe, expect, it } from 'vitest';
import { OrderedOutput } from './orderedOutput.ts';
import { MUSL_BUFSIZ, StdioStream, stdioStreams } from './stdio.ts';

describe('StdioStream', () => {
  it('line-buffered: a write goes out through its last newline, the rest waits for the next newline or a flush', () => {
    const out: string[] = [];
    const s = new StdioStream((t) => out.push(t), 'line');
    s.write('a');
    expect(out).toEqual([]);
    s.write('b\nc');
    expect(out).toEqual(['ab\n']);
    s.flush();
    expect(out).toEqual(['ab\n', 'c']);
  });

  it('fully buffered: nothing until the buffer is full or flushed, then whole blocks', () => {
    const out: string[] = [];
    const s = new StdioStream((t) => out.push(t), 'full', 4);
    s.write('ab\n');
    expect(out).toEqual([]);
    s.write('cdefg');
    expect(out).toEqual(['ab\nc', 'defg']);
    s.flush();
    s.flush();
    expect(out).toEqual(['ab\nc', 'defg']);
  });

  it("keeps stderr's writes ahead of stdout's held ones where both reach one place", () => {
    const output = new OrderedOutput();
    const { stdout, stderr } = stdioStreams(output, { merged: true, terminal: false });
    stdout.write('body\n');
    stderr.write('* note\n');
    stdout.flush();
    expect(output.result(0, true).stdout).toBe('* note\nbody\n');
    const tty = new OrderedOutput();
    const onTerminal = stdioStreams(tty, { merged: true, terminal: true });
    onTerminal.stdout.write('body\n');
    onTerminal.stderr.write('* note\n');
    expect(tty.result(0, true).stdout).toBe('body\n* note\n');
    expect(MUSL_BUFSIZ).toBe(1024);
  });
});
