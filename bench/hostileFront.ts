/**
 * One hostile learner among N others, through the real front: a `labs serve --classroom` process (its worker
 * pool, HTTP and WebSockets, as a workshop runs it), learners joining a class and typing in their terminals over
 * WebSockets; the load is hostileLoad.ts's. Reports the others' command p95 (Enter to the next prompt) quiet and
 * with each freeze, and the server process's highest RSS (its worker threads included).
 * `npm run bench -- --only hostile-front [--learners 50] [--seconds 20] [--think 1000] [--freezes busy,sleeps]
 * [--noises] [--rounds 4]` (`--freezes none --noises`: issue 14's fairness noises alone, `hostileLoad.ts` NOISES, each
 * in rounds of a quiet and a noisy window, and a control with no noise: `interleaved.ts`).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { type BenchTerminal, type HostileHarness, runHostilePhases } from './hostileLoad.ts';
import { startLabsServer } from './labsServer.ts';
import type { BenchSuite } from './suite.ts';

const INSTRUCTOR = 'bench-hostile-instructor-0123456789abcdef';
const stripAnsi = (text: string) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

/** `--server-prof DIR`: the server runs under `node --cpu-prof` (a profile per thread in DIR), stopped with SIGTERM. */
let serverProfileDir: string | undefined;

/** Starts the server itself (labsServer.ts). */
function serve(dataDir: string): Promise<{ base: string; server: ChildProcess }> {
  return startLabsServer({ dataDir, instructorToken: INSTRUCTOR, profileDir: serverProfileDir });
}

async function post(base: string, path: string, token: string | undefined, body: unknown): Promise<unknown> {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`bench: ${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/** User plus system CPU of a process or one of its threads (`/proc/.../stat`), in ms (Linux counts in 10 ms ticks). */
function cpuMsOf(statFile: string): number {
  // Fields after the command name (which may hold spaces, so cut after its closing parenthesis): utime is the 12th.
  const stat = readFileSync(statFile, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU of V8's helper threads (named `V8Worker`: parallel and concurrent GC, background compiling), in ms. */
function helperCpuMs(pid: number): number {
  let ms = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      if (readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim() === 'V8Worker')
        ms += cpuMsOf(`/proc/${pid}/task/${tid}/stat`);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return ms;
}

let marks = 0;

/** A learner's terminal over its WebSocket; resolves once the first prompt shows. */
function terminal(base: string, token: string): Promise<BenchTerminal> {
  return new Promise((ready, fail) => {
    const ws = new WebSocket(
      `${base.replace('http', 'ws')}/ws/terminal?lab=traffic-shifting&token=${token}&cols=120&rows=30`,
    );
    let screen = '';
    let received = 0;
    let waiter: (() => void) | undefined;
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as { data?: string; replay?: string };
      received += m.data?.length ?? 0;
      screen += stripAnsi(m.replay ?? m.data ?? '');
      // Only the tail matters (the prompt, a paste's mark), and every message tests it: a flooding learner's whole
      // screen tested per message took the bench's thread (the one timing the others) for itself.
      if (screen.length > 128 * 1024) screen = screen.slice(-16 * 1024);
      waiter?.();
    });
    ws.on('error', fail);
    const until = (done: (text: string) => boolean, timeoutMs: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiter = undefined;
          reject(new Error('bench: a terminal did not answer in time'));
        }, timeoutMs);
        waiter = () => {
          if (!done(screen)) return;
          waiter = undefined;
          clearTimeout(timer);
          resolve();
        };
        waiter();
      });
    const bench: BenchTerminal = {
      command(line) {
        screen = '';
        const done = until((text) => /\n[^\n]*# $/.test(text), 120_000);
        ws.send(JSON.stringify({ type: 'input', data: `${line}\r` }));
        return done;
      },
      paste(script, timeoutMs) {
        const mark = `bench-mark-${++marks}`;
        screen = '';
        const shown = new RegExp(`(^|\\n)${mark}\\r?\\n`);
        const done = until((text) => shown.test(text), timeoutMs);
        ws.send(JSON.stringify({ type: 'input', data: `${script.replace(/\n/g, '\r')}\recho ${mark}\r` }));
        return done;
      },
      received: () => received,
      close() {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'input', data: '\x03' }));
        ws.close();
      },
    };
    until((text) => text.includes('# '), 300_000).then(() => ready(bench), fail);
  });
}

/** The suite. */
export const suite: BenchSuite = {
  name: 'hostile-front',
  async run(ctx) {
    const learners = Number(ctx.flags.learners ?? (ctx.quick ? 10 : 50));
    // Each phase 20 s by default: a 2x bound on a p95 of ~15 ms is 15 ms of slack, and 6 s phases (~300 commands,
    // so a p95 of the 15 slowest) moved by more than that between two quiet phases on an idle machine.
    const seconds = Number(ctx.flags.seconds ?? (ctx.quick ? 4 : 20));
    const thinkMs = Number(ctx.flags.think ?? 1000);
    // `--freezes none` runs no freeze; `--noises` adds issue 14's fairness noises (`--freezes none --noises`: only them).
    const only = typeof ctx.flags.freezes === 'string' ? ctx.flags.freezes.split(',') : undefined;
    const noises =
      typeof ctx.flags.noises === 'string' && ctx.flags.noises !== 'true'
        ? ctx.flags.noises.split(',')
        : ctx.flags.noises === true || ctx.flags.noises === 'true';
    serverProfileDir = typeof ctx.flags['server-prof'] === 'string' ? ctx.flags['server-prof'] : undefined;
    const dataDir = mkdtempSync(join(tmpdir(), 'labs-bench-hostile-'));
    const { base, server } = await serve(dataDir);
    const closers: BenchTerminal[] = [];
    try {
      const cls = (await post(base, '/api/classes', INSTRUCTOR, { name: 'hostile bench' })) as { joinCode: string };
      const join = async (name: string) => {
        const joined = (await post(base, '/api/join', undefined, { joinCode: cls.joinCode, name })) as {
          sessionToken: string;
        };
        const t = await terminal(base, joined.sessionToken);
        t.check = (path) => post(base, path, joined.sessionToken, {});
        closers.push(t);
        return t;
      };
      ctx.log(`hostile-front: ${learners} learners join and open their terminals`);
      const others = await Promise.all(Array.from({ length: learners }, (_, i) => join(`learner-${i}`)));
      let hostiles = 0;
      const harness: HostileHarness = {
        others,
        hostile: () => join(`hostile-${++hostiles}`),
        rssMiB: () =>
          Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
        cpuMs: () => ({
          front: cpuMsOf(`/proc/${server.pid}/task/${server.pid}/stat`),
          server: cpuMsOf(`/proc/${server.pid}/stat`),
          v8Helpers: helperCpuMs(server.pid!),
        }),
      };
      const result = await runHostilePhases(harness, {
        seconds,
        thinkMs,
        ...(only ? { only } : {}),
        noises,
        // `--rounds N`: rounds of a quiet and a noisy window per fairness noise (ABBA order, interleaved.ts).
        ...(ctx.flags.rounds !== undefined ? { rounds: Number(ctx.flags.rounds) } : {}),
        log: ctx.log,
      });
      result.details.learners = learners;
      result.details.serverAlive = server.exitCode === null;
      result.rows.push({
        metric: 'server still serving at the end',
        value: server.exitCode === null ? 1 : 0,
        unit: '',
      });
      return result;
    } finally {
      for (const t of closers) t.close();
      const exited = new Promise((r) => server.once('exit', r));
      server.kill(serverProfileDir ? 'SIGTERM' : 'SIGKILL');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
