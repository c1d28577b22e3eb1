import { Bash } from 'just-bash';
import { describe, expect, it } from 'vitest';
import { createPython3Command } from './index.ts';

const run = (script: string) =>
  new Bash({ customCommands: [createPython3Command()], files: { '/x.json': '{"b":[1,2.5,{}],"a":"한"}' } }).exec(
    script,
  );

describe('python3 -m json.tool', () => {
  it('pretty-prints with four spaces and escapes non-ASCII as Python does', async () => {
    const r = await run('echo \'{"b":[1,2.5,{}],"a":"한","c":[]}\' | python3 -m json.tool');
    expect(r.stdout).toBe(
      '{\n    "b": [\n        1,\n        2.5,\n        {}\n    ],\n    "a": "\\ud55c",\n    "c": []\n}\n',
    );
  });

  it('sorts keys, reads a file, and keeps non-ASCII when asked', async () => {
    const r = await run('python3 -m json.tool --sort-keys --no-ensure-ascii /x.json');
    expect(r.stdout.startsWith('{\n    "a": "한",\n    "b"')).toBe(true);
  });

  it('says what Python says about input that is not JSON', async () => {
    const r = await run('echo "<html>" | python3 -m json.tool');
    expect(r.stderr).toBe('Expecting value: line 1 column 1 (char 0)\n');
    expect(r.exitCode).toBe(1);
  });

  it('refuses anything but json.tool, plainly', async () => {
    const r = await run('python3 -c "print(1)"');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('only "python3 -m json.tool"');
  });
});
