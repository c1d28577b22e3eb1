/**
 * The `labs serve --classroom` process the front-door benches drive (classroom.ts, hostileFront.ts): the server
 * itself, not its restarting supervisor, so its pid is what the CPU and memory figures read and SIGKILL kills.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SUPERVISED_ENV } from '../lab-server/src/cli/supervise.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** How to start it. */
export interface LabsServerOptions {
  dataDir: string;
  instructorToken: string;
  /** Extra environment (e.g. `LABS_MAX_ENVIRONMENTS`). */
  env?: Record<string, string>;
  /** `--server-prof DIR`: run under `node --cpu-prof`, a profile per thread in DIR (stop it with SIGTERM). */
  profileDir?: string;
}

/** Starts the server; resolves with its URL (no trailing slash) once it listens. */
export async function startLabsServer(options: LabsServerOptions): Promise<{ base: string; server: ChildProcess }> {
  const profile = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
  // `BENCH_SERVER_NODE_ARGS="--trace-gc"` and the like: Node's own options for the server, to look inside a run.
  const extra = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const server = spawn(
    process.execPath,
    [...profile, ...extra, 'bin/labs.mjs', 'serve', '--classroom', '--data', options.dataDir, '--port', '0'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        [SUPERVISED_ENV]: '1',
        LABS_INSTRUCTOR_TOKEN: options.instructorToken,
        LABS_JOINS_PER_MINUTE: '100000',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    let found = false;
    // `BENCH_SERVER_LOG=FILE`: the server's output after it listens (with `--trace-gc`, its collections) goes there.
    const log = process.env.BENCH_SERVER_LOG;
    server.stdout!.on('data', (d: Buffer) => {
      if (found) {
        if (log) appendFileSync(log, d);
        return;
      }
      out += d.toString();
      const m = /serving on (http:\/\/\S+?)\/? \(backend/.exec(out);
      if (m) {
        found = true;
        resolve(m[1]!.replace(/\/$/, ''));
      }
    });
    server.on('exit', (code) => reject(new Error(`bench: the labs server exited ${code}`)));
  });
  return { base, server };
}
