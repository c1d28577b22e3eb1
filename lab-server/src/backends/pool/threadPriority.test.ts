import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { idleThisThread, niceThisThread } from './threadPriority.ts';

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

/** The scheduling policy in `/proc/<pid>/task/<tid>/stat` (field 41; 0 SCHED_OTHER, 5 SCHED_IDLE). */
const POLICY_FIELD = 41;

describe('idleThisThread', () => {
  // util-linux's chrt is part of every Debian (and CI's) base system; elsewhere the thread keeps its class.
  it.runIf(process.platform === 'linux' && existsSync('/usr/bin/chrt'))(
    'puts the calling thread alone in SCHED_IDLE',
    async () => {
      const module = new URL('./threadPriority.ts', import.meta.url).href;
      // A thread of its own: leaving SCHED_IDLE needs privileges, so the test's thread keeps its class.
      const code = `
      const { parentPort } = require('node:worker_threads');
      const { readFileSync } = require('node:fs');
      // Fields after the command name (which may hold spaces): the policy is the 41st field of the line.
      const policy = (path) => Number(readFileSync(path, 'utf8').replace(/^.*\\) /s, '').split(' ')[${POLICY_FIELD} - 3]);
      import(${JSON.stringify(module)}).then(({ idleThisThread }) => {
        const done = idleThisThread();
        parentPort.postMessage({ done, mine: policy('/proc/thread-self/stat'), process: policy('/proc/self/stat') });
      });`;
      const worker = new Worker(code, { eval: true });
      const seen = await new Promise<{ done: boolean; mine: number; process: number }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      await worker.terminate();
      expect(seen).toEqual({ done: true, mine: 5, process: 0 });
    },
  );

  it('says it could not when chrt is missing', () => {
    expect(idleThisThread('/proc/thread-self', '/nonexistent/chrt')).toBe(false);
  });
});
