import { InMemoryFs } from 'just-bash';
import { describe, expect, it, vi } from 'vitest';
import { stripAnsi } from '../../../terminal/typing.ts';
import { SimulationClock } from '../clock.ts';
import { DEFAULT_LIMITS } from '../limits.ts';
import type { CommandRecord } from '../../../contract.ts';
import { completeWord } from './completion.ts';
import { LabShell } from './labShell.ts';
import { SimTerminal } from './terminal.ts';

function open() {
  const fs = new InMemoryFs({ '/root/samples/bookinfo/x.yaml': 'a: 1\n', '/root/notes.txt': 'n\n' });
  const shell = new LabShell({
    fs,
    commands: [],
    io: {},
    clock: new SimulationClock('virtual'),
    limits: DEFAULT_LIMITS,
    home: '/root',
    env: {},
    id: 'term',
  });
  const terminal = new SimTerminal({
    shell,
    home: '/root',
    now: () => new Date(0),
    historyLines: 100,
    inputLineChars: 1000,
    complete: (line, cursor, cwd) => completeWord(line, cursor, cwd, fs, ['echo', 'kubectl', 'ls']),
  });
  let screen = '';
  const records: CommandRecord[] = [];
  terminal.onOutput((d) => (screen += d));
  terminal.onCommand((r) => records.push(r));
  const until = (predicate: () => boolean) => vi.waitFor(() => expect(predicate()).toBe(true), { interval: 2 });
  return { terminal, records, until, text: () => stripAnsi(screen), clear: () => (screen = '') };
}

describe('SimTerminal', () => {
  it('echoes typing, runs the line on Enter, prints output and a new prompt, and records the command', async () => {
    const t = open();
    t.terminal.write('echo hi\r');
    await t.until(() => t.records.length === 1);
    expect(t.text()).toBe('root@istio-labs:~# echo hi\nhi\nroot@istio-labs:~# ');
    expect(t.records[0]).toEqual({ line: 'echo hi', exitCode: 0, at: '1970-01-01T00:00:00.000Z' });
  });

  it('continues an open heredoc on "> " prompts, as a paste of the seed\'s blocks needs', async () => {
    const t = open();
    t.terminal.write('cat <<EOF\rline one\r  two\rEOF\r');
    await t.until(() => t.records.length === 1);
    expect(t.text()).toContain('cat <<EOF\n> line one\n>   two\n> EOF\nline one\n  two\n');
    expect(t.records[0]!.line).toBe('cat <<EOF\nline one\n  two\nEOF');
  });

  it('edits with the cursor keys and recalls history with up', async () => {
    const t = open();
    t.terminal.write('echo ac\x1b[Db\r');
    await t.until(() => t.records.length === 1);
    t.terminal.write('\x1b[A\r');
    await t.until(() => t.records.length === 2);
    expect(t.records.map((r) => r.line)).toEqual(['echo abc', 'echo abc']);
    expect(t.text()).toContain('abc\n');
  });

  it('cancels the line being typed on Ctrl-C and a pending continuation too', async () => {
    const t = open();
    t.terminal.write('echo "open\r');
    t.terminal.write('\x03');
    t.terminal.write('echo after\r');
    await t.until(() => t.records.length === 1);
    expect(t.records[0]!.line).toBe('echo after');
    expect(t.text()).toContain('^C\n');
  });

  it('clears the screen on Ctrl-L and keeps what was typed', async () => {
    const t = open();
    t.terminal.write('echo x');
    await t.until(() => t.text().endsWith('echo x'));
    t.clear();
    t.terminal.write('\x0c');
    await t.until(() => t.text().endsWith('echo x'));
  });

  it('completes file names and kubectl resource types with Tab', async () => {
    const t = open();
    t.terminal.write('cat sam\t');
    await t.until(() => t.text().endsWith('cat samples/'));
    t.terminal.write('\x15kubectl get virtuals\t');
    await t.until(() => t.text().endsWith('virtualservices '));
  });

  it('types ahead while a command runs', async () => {
    const t = open();
    t.terminal.write('echo one\recho two\r');
    await t.until(() => t.records.length === 2);
    expect(t.records.map((r) => r.line)).toEqual(['echo one', 'echo two']);
  });
});
