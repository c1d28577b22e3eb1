import { defineCommand, InMemoryFs, type CustomCommand } from 'just-bash';
import { describe, expect, it, vi } from 'vitest';
import { SimulationClock } from '../clock.ts';
import { DEFAULT_LIMITS } from '../limits.ts';
import { copyMemoryFs, isLaidOut, markLaidOut } from './fsTemplate.ts';
import { LabShell } from './labShell.ts';

const SAMPLES = { '/root/samples/a.yaml': () => 'kind: Service\n', '/root/samples/b/c.txt': () => 'c\n' };

function shellOn(fs: InMemoryFs, commands: CustomCommand[] = [], limits = DEFAULT_LIMITS): LabShell {
  return new LabShell({
    fs,
    commands,
    io: {},
    clock: new SimulationClock('virtual'),
    limits,
    home: '/root',
    env: {},
    id: 't1',
  });
}

const kubectl = defineCommand('kubectl', async () => ({ stdout: 'k\n', stderr: '', exitCode: 0 }));

/** The template as an environment makes it: the samples, and what a shell writes when made. */
function template(): { fs: InMemoryFs; commands: ReadonlySet<string> } {
  const fs = new InMemoryFs(SAMPLES, { maxTotalBytes: Number.MAX_SAFE_INTEGER });
  return { fs, commands: shellOn(fs, [kubectl]).commandNames };
}

/** A laid-out copy of `made` bounded at `bytes`. */
function copyOf(made: { fs: InMemoryFs; commands: ReadonlySet<string> }, bytes = DEFAULT_LIMITS.fileSystemBytes) {
  const copy = copyMemoryFs(made.fs, new InMemoryFs(undefined, { maxTotalBytes: bytes }));
  if (!copy) throw new Error('not copied');
  markLaidOut(copy, made.commands);
  return copy;
}

/** Every path with what it holds: type, mode and bytes (samples are read, which stores them). */
async function contents(fs: InMemoryFs): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const path of fs.getAllPaths().sort()) {
    const stat = await fs.lstat(path);
    const body = stat.isFile ? Buffer.from(await fs.readFileBuffer(path)).toString('base64') : '';
    out.set(path, `${stat.isDirectory ? 'd' : stat.isSymbolicLink ? 'l' : 'f'} ${stat.mode.toString(8)} ${body}`);
  }
  return out;
}

describe('environment file systems copied from a template', () => {
  it('hold exactly what a shell made the slow way (on the samples alone) has written', async () => {
    const slow = new InMemoryFs(SAMPLES, { maxTotalBytes: DEFAULT_LIMITS.fileSystemBytes });
    shellOn(slow, [kubectl]);
    const copy = copyOf(template());
    const writes = vi.spyOn(copy, 'writeFileSync');
    const dirs = vi.spyOn(copy, 'mkdirSync');
    const shell = shellOn(copy, [kubectl]);
    // The shell made on the copy wrote nothing: it was all there.
    expect(writes).not.toHaveBeenCalled();
    expect(dirs).not.toHaveBeenCalled();
    expect(await contents(copy)).toEqual(await contents(slow));
    expect(copy.getAllPaths()).toContain('/bin/kubectl');
    expect(copy.getAllPaths()).toContain('/usr/bin/grep');
    expect((await shell.run('ls /bin | grep -c . ; cat /proc/self/status | head -1; which kubectl')).output).toBe(
      `${(await slow.readdir('/bin')).length}\nName:\tbash\n/usr/bin/kubectl\n`,
    );
  });

  it('share nothing with the template or with each other', async () => {
    const made = template();
    await made.fs.writeFile('/root/bytes.bin', new Uint8Array([0xff, 0xfe, 0x00, 0x41]));
    const one = copyOf(made);
    const two = copyOf(made);
    const shell = shellOn(one, [kubectl]);
    await shell.run('echo mine > /root/samples/a.yaml; chmod 700 /bin/ls; rm /usr/bin/grep; echo x >> /dev/null');
    expect(await one.readFile('/root/samples/a.yaml')).toBe('mine\n');
    expect(await two.readFile('/root/samples/a.yaml')).toBe('kind: Service\n');
    expect(await made.fs.readFile('/root/samples/a.yaml')).toBe('kind: Service\n');
    expect((await one.stat('/bin/ls')).mode).toBe(0o700);
    expect((await two.stat('/bin/ls')).mode).toBe(0o644);
    expect(await two.exists('/usr/bin/grep')).toBe(true);
    // A byte array is not shared either: changing one copy's bytes in place leaves the other's as they were.
    (await one.readFileBuffer('/proc/version'))[0] = 0;
    (await one.readFileBuffer('/root/bytes.bin'))[0] = 0;
    expect((await one.readFile('/proc/version')).startsWith('Linux')).toBe(true);
    expect((await two.readFile('/proc/version')).startsWith('Linux')).toBe(true);
    expect([...(await one.readFileBuffer('/root/bytes.bin'))]).toEqual([0x00, 0xfe, 0x00, 0x41]);
    expect([...(await two.readFileBuffer('/root/bytes.bin'))]).toEqual([0xff, 0xfe, 0x00, 0x41]);
    expect([...(await made.fs.readFileBuffer('/root/bytes.bin'))]).toEqual([0xff, 0xfe, 0x00, 0x41]);
  });

  it('count their bytes against their own limit as the slow way does', async () => {
    const made = template();
    const used = (fs: InMemoryFs) => (fs as unknown as { retainedBytes: number }).retainedBytes;
    const slow = new InMemoryFs(SAMPLES, { maxTotalBytes: 64 * 1024 });
    shellOn(slow, [kubectl]);
    const copy = copyOf(made, 64 * 1024);
    expect(used(copy)).toBe(used(slow));
    const big = 'x'.repeat(64 * 1024 - used(copy) + 1);
    await expect(copy.writeFile('/root/big', big)).rejects.toThrow(/ENOSPC/);
    await expect(slow.writeFile('/root/big', big)).rejects.toThrow(/ENOSPC/);
    await copy.writeFile('/root/fits', big.slice(1));
    // A template that does not fit the limit is not copied (the environment then makes its file system anew).
    expect(copyMemoryFs(made.fs, new InMemoryFs(undefined, { maxTotalBytes: 100 }))).toBeUndefined();
  });

  it('let a shell with a command the template lacks write its stubs itself', async () => {
    const copy = copyOf(template());
    const extra = defineCommand('extra', async () => ({ stdout: '', stderr: '', exitCode: 0 }));
    expect(isLaidOut(copy, ['kubectl', 'ls'])).toBe(true);
    expect(isLaidOut(copy, ['extra'])).toBe(false);
    expect(isLaidOut(new InMemoryFs(), ['ls'])).toBe(false);
    expect(await copy.exists('/bin/extra')).toBe(false);
    shellOn(copy, [kubectl, extra]);
    expect(await copy.exists('/bin/extra')).toBe(true);
  });
});
