/**
 * A classroom server of a spec's own (`labs serve --classroom` on a fresh data directory), beside the run's shared
 * lab server. Ports count from LABS_E2E_PORT, so parallel runs in other checkouts do not collide.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestInfo } from '@playwright/test';

const ROOT = join(import.meta.dirname, '../..');

/** A running classroom server: its address and how to stop it. */
export interface ClassroomServer {
  base: string;
  stop(): void;
}

/**
 * Starts a classroom server for this worker and project at LABS_E2E_PORT + `offset` + a worker/project slot.
 * `siteRoot`: a directory whose dist/ holds the site to serve (LABS_E2E_SITE_ROOT, a site built apart from the
 * shared dist/, so a rebuild by someone else cannot pull pages mid-test).
 */
export async function startClassroomServer(
  testInfo: TestInfo,
  options: { instructorToken: string; offset: number; slotsPerWorker: number; env?: Record<string, string> },
): Promise<ClassroomServer> {
  const port =
    Number(process.env.LABS_E2E_PORT ?? 4399) +
    options.offset +
    testInfo.workerIndex * options.slotsPerWorker +
    (testInfo.project.name === 'en' ? 1 : 0);
  const server: ChildProcess = spawn(
    process.execPath,
    [
      join(ROOT, 'bin/labs.mjs'),
      'serve',
      '--classroom',
      '--data',
      mkdtempSync(join(tmpdir(), 'labs-e2e-class-')),
      '--port',
      String(port),
    ],
    {
      cwd: process.env.LABS_E2E_SITE_ROOT ?? ROOT,
      env: { ...process.env, LABS_INSTRUCTOR_TOKEN: options.instructorToken, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (d) => {
      out += d.toString();
      const m = /serving on (http:\/\/\S+?)\/? \(backend/.exec(out);
      if (m) resolve(m[1]!.replace(/\/$/, ''));
    });
    server.on('exit', (code) => reject(new Error(`classroom server exited ${code}: ${out}`)));
  });
  return { base, stop: () => server.kill('SIGKILL') };
}
