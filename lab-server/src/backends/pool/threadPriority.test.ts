import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { niceThisThread } from './threadPriority.ts';

describe('niceThisThread', () => {
  it.runIf(process.platform === 'linux')('lowers the priority of the calling thread only', async () => {
    const module = new URL('./threadPriority.ts', import.meta.url).href;
    // A thread of its own: a nice value cannot be raised back without privileges, so the test's thread keeps its.
    const code = `
      const { parentPort } = require('node:worker_threads');
      const { getPriority } = require('node:os');
      const { readlinkSync } = require('node:fs');
      import(${JSON.stringify(module)}).then(({ niceThisThread }) => {
        const done = niceThisThread(7);
        const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
        parentPort.postMessage({ done, mine: getPriority(tid), process: getPriority(process.pid) });
      });`;
    const worker = new Worker(code, { eval: true });
    const seen = await new Promise<{ done: boolean; mine: number; process: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(seen).toEqual({ done: true, mine: 7, process: 0 });
  });

  it('says it could not where there is no /proc/thread-self', () => {
    expect(niceThisThread(19, '/nonexistent/thread-self')).toBe(false);
  });
});
