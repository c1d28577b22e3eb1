import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ShellIntegrationFilter } from './shellIntegration.ts';

// Recorded from a real `bash --rcfile kind/toolbox/labsrc.sh -i` under a pty (util-linux `script`),
// fed: echo hi / false / (empty line) / a heredoc / x=$(echo 'color="red"!') / echo "$x" / exit.
const session = readFileSync(new URL('./testing/bash-session.txt', import.meta.url), 'utf8');
const expected = [
  { line: 'echo hi', exitCode: 0 },
  { line: 'false', exitCode: 1 },
  { line: 'cat <<END\na b\nEND', exitCode: 0 },
  { line: `x=$(echo 'color="red"!')`, exitCode: 0 },
  { line: 'echo "$x"', exitCode: 0 },
];

describe('shell integration markers', () => {
  it('turns the markers of a real bash session into command records, the empty line into none', () => {
    const out = new ShellIntegrationFilter().push(session);
    expect(out.commands).toEqual(expected);
    expect(out.text).not.toMatch(/\x1b\](633|133);/);
    expect(out.text).toContain('color="red"!');
  });

  it('gives the same records and text however the stream is cut into chunks', () => {
    const whole = new ShellIntegrationFilter().push(session);
    for (const size of [1, 2, 3, 7, 64]) {
      const filter = new ShellIntegrationFilter();
      let text = '';
      const commands: { line: string; exitCode: number }[] = [];
      for (let i = 0; i < session.length; i += size) {
        const out = filter.push(session.slice(i, i + size));
        text += out.text;
        commands.push(...out.commands);
      }
      expect(commands).toEqual(expected);
      expect(text).toBe(whole.text);
    }
  });

  it('passes other escape sequences through untouched', () => {
    const out = new ShellIntegrationFilter().push('\x1b[31mred\x1b[0m \x1b]0;title\x07 done');
    expect(out).toEqual({ text: '\x1b[31mred\x1b[0m \x1b]0;title\x07 done', commands: [] });
  });
});
