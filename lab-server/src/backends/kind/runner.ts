/** Running the cluster tools (kind, kubectl, istioctl) for `labs cluster`: a seam tests replace. */
import { spawn } from 'node:child_process';
import type { ProgramOutput } from './preflight.ts';

/** What the cluster commands need from the machine. */
export interface ClusterTools {
  /** Runs a program from PATH; never rejects (a program that cannot start gives code 127). */
  run(program: string, args: string[], options?: { stdin?: string; timeoutMs?: number }): Promise<ProgramOutput>;
}

/** The real tools: child processes. */
export const systemTools: ClusterTools = {
  run(program, args, options = {}) {
    return new Promise((resolve) => {
      let stdout = '';
      let stderr = '';
      let settled = false;
      const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      const finish = (out: ProgramOutput) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(out);
      };
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish({
          code: 124,
          stdout,
          stderr: `${stderr}${program}: timed out after ${Math.round((options.timeoutMs ?? 600_000) / 1000)} s\n`,
        });
      }, options.timeoutMs ?? 600_000);
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      child.on('error', (error) => finish({ code: 127, stdout, stderr: `${program}: ${error.message}\n` }));
      child.on('close', (code) => finish({ code: code ?? 1, stdout, stderr }));
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.stdin ?? '');
    });
  },
};
