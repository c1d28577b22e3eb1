/**
 * `labs serve` keeps its server alive: the server runs in a child process, and if that process dies (a crash,
 * the kernel's OOM killer) it is started again. Nothing acknowledged is lost, since sessions, progress and
 * journals are in SQLite; learners' pages reconnect and their environments are rebuilt from the journals.
 * Ctrl-C and SIGTERM go to the child, and a clean exit ends the supervisor too. A child that dies before it
 * serves (a flag, a port in use, a backend that cannot start) is not started again: its one message is the answer.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Set in the child so it serves instead of supervising again. */
export const SUPERVISED_ENV = 'LABS_SUPERVISED';

/** What a supervised child sends its supervisor once it listens. */
export const SERVING_MESSAGE = 'labs-serving';

/**
 * Tells the supervisor, if there is one, that this process now serves (restarting it is worth it from now on), and
 * stops this server when the supervisor is gone (killed with SIGKILL, it cannot pass the signal on): an orphaned
 * server would hold its port and its data directory for ever.
 */
export function reportServing(): void {
  if (process.env[SUPERVISED_ENV] !== '1' || !process.send) return;
  process.send(SERVING_MESSAGE);
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

/** Restarts allowed within a minute before the supervisor gives up (a server that cannot start at all). */
const MAX_RESTARTS_PER_MINUTE = 5;

/** Runs `labs serve ARGS` in a child and restarts it when it dies; resolves with the child's last exit code. */
export function supervise(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const bin = fileURLToPath(new URL('../../../bin/labs.mjs', import.meta.url));
  const restarts: number[] = [];
  let stopping = false;
  return new Promise((resolve) => {
    const start = () => {
      const child = spawn(process.execPath, [...process.execArgv, bin, 'serve', ...args], {
        stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, [SUPERVISED_ENV]: '1' },
      });
      let served = false;
      child.on('message', (message) => {
        if (message === SERVING_MESSAGE) served = true;
      });
      const forward = (signal: NodeJS.Signals) => () => {
        stopping = true;
        child.kill(signal);
      };
      const onInt = forward('SIGINT');
      const onTerm = forward('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
      child.on('exit', (code, signal) => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        if (stopping || code === 0 || !served) return resolve(code ?? (signal ? 1 : 0));
        const now = Date.now();
        restarts.push(now);
        while (restarts.length > 0 && now - restarts[0]! > 60_000) restarts.shift();
        if (restarts.length > MAX_RESTARTS_PER_MINUTE) {
          out.write(`labs serve: the server died ${restarts.length} times within a minute; giving up\n`);
          return resolve(code ?? 1);
        }
        out.write(`labs serve: the server stopped (${signal ?? `exit ${code}`}); starting it again\n`);
        setTimeout(start, 1000);
      });
    };
    start();
  });
}
