/**
 * The `labs serve --classroom` process the front-door benches drive (classroom.ts, hostileFront.ts): the server
 * itself, not its restarting supervisor, so its pid is what the CPU and memory figures read and SIGKILL kills.
 */
import { spawn, type ChildProcess } from 'node:child_process';
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
  const server = spawn(
    process.execPath,
    [...profile, 'bin/labs.mjs', 'serve', '--classroom', '--data', options.dataDir, '--port', '0'],
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
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /serving on (http:\/\/\S+?)\/? \(backend/.exec(out);
      if (m) resolve(m[1]!.replace(/\/$/, ''));
    });
    server.on('exit', (code) => reject(new Error(`bench: the labs server exited ${code}`)));
  });
  return { base, server };
}
