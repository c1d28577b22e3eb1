import { mkdtempSync, writeFileSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { WalSync } from './walSync.ts';

/** The prototype of `fs/promises` file handles, to count their fsyncs. */
async function fileHandlePrototype(): Promise<FileHandle> {
  const handle = await open(import.meta.filename, 'r');
  await handle.close();
  return Object.getPrototypeOf(handle) as FileHandle;
}

describe('WalSync', () => {
  const file = () => {
    const f = join(mkdtempSync(join(tmpdir(), 'labs-walsync-')), 'x-wal');
    writeFileSync(f, 'frames');
    return f;
  };

  it('covers a caller that arrives while an fsync runs with one more after it, shared by all who arrive then', async () => {
    const datasync = vi.spyOn(await fileHandlePrototype(), 'datasync');
    const wal = new WalSync(file());
    const first = wal.sync();
    const later = Array.from({ length: 10 }, () => wal.sync());
    await Promise.all([first, ...later]);
    expect(datasync).toHaveBeenCalledTimes(2);
    await wal.sync();
    expect(datasync).toHaveBeenCalledTimes(3);
    datasync.mockRestore();
  });

  it('has nothing to sync when the log is gone (the last connection checkpointed and removed it)', async () => {
    await expect(new WalSync(join(tmpdir(), 'no-such-dir-labs', 'x-wal')).sync()).resolves.toBeUndefined();
  });
});
