/**
 * The classroom load run: a `labs serve --classroom` process on the simulator, N learners (default 50;
 * `--learners 200`) joining at once, each opening a terminal, running a command and a check. Reports p50/p95
 * of joining, the command (typed until its prompt returns) and the check, and the server's resident memory;
 * then kills the server with SIGKILL, restarts it on the same data and times every learner's way back.
 * Last, automatic checks: the same N learners type the first five steps of chapter 1 at once, on a server with
 * automatic checks and on one without; the difference in the server's CPU time and in the commands' p95 is what
 * the background checks cost.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { z } from 'zod';
import { checkResultBodySchema } from '../lab-server/src/protocol/api.ts';
import { classCreatedSchema, joinedSchema } from '../lab-server/src/protocol/classroom.ts';
import { startLabsServer } from './labsServer.ts';
import type { BenchRow, BenchSuite } from './suite.ts';
import { byPressTime, type PressedWindow, round, summarize } from './stats.ts';

const INSTRUCTOR = 'bench-instructor-token-0123456789abcdef';
/** `--server-prof DIR`: the servers run under `node --cpu-prof` (one profile per thread in DIR) and stop with SIGTERM. */
let serverProfileDir: string | undefined;

/** Stops a server: SIGKILL, or SIGTERM when profiling (a profile is written on a clean exit only); resolves on exit. */
async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill(serverProfileDir ? 'SIGTERM' : 'SIGKILL');
  await exited;
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/** POSTs `body` and parses the answer with the protocol's schema for that route. */
async function post<T>(
  base: string,
  path: string,
  token: string | undefined,
  body: unknown,
  schema: z.ZodType<T>,
): Promise<T> {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  }).catch((error: unknown) => {
    // fetch says only "fetch failed"; why is in its cause (a reset connection, a timeout).
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    throw new Error(`${path}: ${error instanceof Error ? error.message : String(error)}${cause}`);
  });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  return schema.parse(await res.json());
}

/**
 * Opens the learner's terminal and runs one command; resolves with the ms from Enter to the next prompt, and the
 * WebSocket messages and their bytes the learner received until then (what the front wrote for them).
 */
function runCommand(
  base: string,
  token: string,
  command: string,
): Promise<{ attachMs: number; commandMs: number; messages: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const opened = performance.now();
    const ws = new WebSocket(
      `${base.replace('http', 'ws')}/ws/terminal?lab=traffic-shifting&token=${token}&cols=120&rows=30`,
    );
    let attachMs = 0;
    let sentAt = 0;
    let seen = '';
    let messages = 0;
    let bytes = 0;
    ws.on('message', (raw: Buffer) => {
      messages++;
      bytes += raw.length;
      const m = JSON.parse(raw.toString()) as { type: string; data?: string; replay?: string };
      seen += m.replay ?? m.data ?? '';
      if (!sentAt && seen.includes('# ')) {
        attachMs = performance.now() - opened;
        seen = '';
        sentAt = performance.now();
        ws.send(JSON.stringify({ type: 'input', data: `${command}\r` }));
      } else if (
        sentAt &&
        /destinationrule\.networking\.istio\.io\/details created[\s\S]*# $/.test(seen.replace(/\x1b\[[0-9;]*m/g, ''))
      ) {
        const commandMs = performance.now() - sentAt;
        ws.close();
        resolve({ attachMs, commandMs, messages, bytes });
      }
    });
    ws.on('error', reject);
    setTimeout(() => reject(new Error('bench: a terminal did not answer within 5 minutes')), 300_000).unref();
  });
}

/**
 * The server's room for `learners` (`LABS_MAX_ENVIRONMENTS`, default 400): the per-address socket cap follows it in
 * classroom mode, so 1,000 learners from 127.0.0.1 are one class behind one address, as at a venue's NAT.
 */
function roomFor(learners: number): Record<string, string> {
  return learners > 400 ? { LABS_MAX_ENVIRONMENTS: String(learners) } : {};
}

/** Starts `labs serve --classroom` on `dataDir` (labsServer.ts). */
function serve(dataDir: string, env: Record<string, string> = {}): Promise<{ base: string; server: ChildProcess }> {
  return startLabsServer({ dataDir, env, instructorToken: INSTRUCTOR, profileDir: serverProfileDir });
}

/** Opens a learner's terminal after a restart; resolves with the ms until the notice that their environment was rebuilt. */
function restoredTerminal(base: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const opened = performance.now();
    const ws = new WebSocket(
      `${base.replace('http', 'ws')}/ws/terminal?lab=traffic-shifting&token=${token}&cols=120&rows=30`,
    );
    let seen = '';
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as { type: string; data?: string; replay?: string };
      seen += m.replay ?? m.data ?? '';
      if (seen.includes('your environment was rebuilt')) {
        ws.close();
        resolve(performance.now() - opened);
      } else if (seen.includes('lab server restarted')) {
        ws.close();
        reject(new Error(`bench: a learner's environment was not rebuilt faithfully: ${seen.slice(-300)}`));
      }
    });
    ws.on('error', reject);
    setTimeout(() => reject(new Error('bench: a restored terminal did not answer within 5 minutes')), 300_000).unref();
  });
}

/** CPU time the process has used (user + system), in seconds. */
/** CPU seconds of a process, or with `frontOnly` of its main thread (HTTP, WebSockets, the relay: the front). */
function cpuSeconds(pid: number, frontOnly = false): number {
  // Fields 14 and 15 of /proc/PID/stat, after the command name in parentheses; in clock ticks (100 per second).
  const fields = readFileSync(frontOnly ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Times a listening socket's accept queue overflowed, machine-wide (`TcpExtListenOverflows`): each is a connection
 * the kernel dropped, whose client tries again a second or more later.
 */
function listenOverflows(): number {
  const [names, values] = readFileSync('/proc/net/netstat', 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('TcpExt:'))
    .map((line) => line.split(/\s+/));
  return Number(values?.[names?.indexOf('ListenOverflows') ?? -1] ?? 0);
}

/** What a learner types for the first five steps of chapter 1 (the observing step's request included). */
const TYPED = [
  'kubectl apply -f samples/bookinfo/networking/destination-rule-all.yaml',
  'kubectl apply -f samples/bookinfo/networking/virtual-service-all-v1.yaml',
  'curl -s -o /dev/null -w "%{http_code}\\n" http://127.0.0.1:8080/productpage',
  'kubectl apply -f samples/bookinfo/networking/virtual-service-reviews-50-v3.yaml',
  'kubectl get virtualservice reviews -o yaml',
];

/** The Check button of the 50/50 step (a traffic check: about 200 requests through the gateway, judged as they come). */
const TRAFFIC_CHECK = '/api/labs/traffic-shifting/steps/shift-50-v3/check';

/**
 * Opens the learner's terminal and types `commands` one after another, `thinkMs` after each prompt (a learner
 * reads what came back); resolves with each command's ms to its prompt. A command the server interrupted is typed
 * again (counted in `interrupted`).
 */
function typeCommands(
  base: string,
  token: string,
  commands: readonly string[],
  thinkMs = 0,
  interrupted = { count: 0, rerun: 0 },
  spread = false,
): Promise<number[]> {
  // `spread`: a class out of step, as a real one is: each learner starts within one think time, and reads for
  // half to one and a half think times. Without it every learner types at the same moment (the worst case).
  const think = () => (spread ? thinkMs * (0.5 + Math.random()) : thinkMs);
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(
      `${base.replace('http', 'ws')}/ws/terminal?lab=traffic-shifting&token=${token}&cols=120&rows=30`,
    );
    const times: number[] = [];
    let next = 0;
    let sentAt = 0;
    let seen = '';
    let rerunSeen = false;
    let starting = false;
    const send = () => {
      seen = '';
      rerunSeen = false;
      sentAt = performance.now();
      ws.send(JSON.stringify({ type: 'input', data: `${commands[next]}\r` }));
    };
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as { type: string; data?: string; replay?: string };
      seen += m.replay ?? m.data ?? '';
      const text = seen.replace(/\x1b\[[0-9;]*m/g, '');
      if (!sentAt) {
        if (text.includes('# ') && !starting) {
          starting = true;
          setTimeout(send, spread ? Math.random() * thinkMs : 0);
        }
        return;
      }
      // A command a restart of the lab's worker stopped (another learner's command held it): the server types it
      // again by itself (counted), or, stopped twice, tells the learner to run it again, and they do.
      if (!rerunSeen && text.includes('yours runs again')) {
        rerunSeen = true;
        interrupted.rerun++;
      }
      if (text.includes('run yours again') && /# $/.test(text)) {
        interrupted.count++;
        setTimeout(send, think());
        return;
      }
      // The command's echo, its output, then the prompt again.
      if (text.includes(commands[next]!) && /# $/.test(text)) {
        times.push(performance.now() - sentAt);
        next++;
        if (next === commands.length) {
          ws.close();
          resolve(times);
        } else setTimeout(send, think());
      }
    });
    ws.on('error', reject);
    setTimeout(() => {
      const tail = seen.replace(/\x1b\[[0-9;]*m/g, '').slice(-300);
      reject(new Error(`bench: a terminal did not answer \`${commands[next]}\` within 10 minutes; it shows: ${tail}`));
    }, 600_000).unref();
  });
}

/**
 * Waits until the server's CPU use falls below 5 % of a core for two seconds in a row (background work done); under
 * `--server-prof`, 30 %: the profiler's sampling keeps an idle server above 5 %, and the wait then ran its full 10 min.
 */
async function quiet(pid: number): Promise<void> {
  const calmBelow = serverProfileDir ? 0.3 : 0.05;
  let calm = 0;
  for (let i = 0; i < 600 && calm < 2; i++) {
    const before = cpuSeconds(pid);
    await new Promise((r) => setTimeout(r, 1000));
    calm = cpuSeconds(pid) - before < calmBelow ? calm + 1 : 0;
  }
}

/** N learners type the first steps at once on a fresh server; the server's CPU time, the commands' times, the passes. */
async function typingRun(
  learners: number,
  auto: boolean,
  thinkMs: number,
  spread: boolean,
): Promise<{
  cpuS: number;
  commands: number[];
  passed: number;
  perStep: Record<string, number>;
  wallS: number;
  interrupted: number;
  rerun: number;
  trafficChecks: number[];
  /** Of those, the Checks that sent their own requests (the others stood on an automatic check's measurement). */
  trafficMeasured: number[];
  trafficPassed: number;
  /** The Checks by when they were pressed (5 s windows from the start of the typing). */
  trafficChecksByPressTime: PressedWindow[];
  /** The server's CPU each second of the typing, in % of one core (200 is both cores of the bench machine). */
  serverCpuPercentBySecond: number[];
}> {
  /** Samples the server's CPU each second while the learners type (cleared however the run ends). */
  let cpuSampler: NodeJS.Timeout | undefined;
  const { base, server } = await serve(mkdtempSync(join(tmpdir(), 'labs-bench-auto-')), {
    LABS_AUTO_CHECKS: auto ? 'on' : 'off',
    ...roomFor(learners),
  });
  try {
    const cls = await post(
      base,
      '/api/classes',
      INSTRUCTOR,
      { name: 'auto', chapters: ['traffic-shifting'] },
      classCreatedSchema,
    );
    const tokens = await Promise.all(
      Array.from({ length: learners }, async (_, i) => {
        const joined = await post(
          base,
          '/api/join',
          undefined,
          { joinCode: cls.joinCode, name: `typist-${i}` },
          joinedSchema,
        );
        return joined.sessionToken;
      }),
    );
    // Every environment made first, so both runs measure the typing and what follows it, not the making.
    const interrupted = { count: 0, rerun: 0 };
    await Promise.all(tokens.map((token) => typeCommands(base, token, ['true'], 0, interrupted)));
    interrupted.count = 0;
    interrupted.rerun = 0;
    await quiet(server.pid!);
    const cpu0 = cpuSeconds(server.pid!);
    const started = performance.now();
    // Each learner types the five steps, then (after reading, `thinkMs`) presses Check on the 50/50 step: the
    // traffic check that sends about 200 requests through the simulated gateway.
    const trafficChecks: number[] = [];
    const trafficMeasured: number[] = [];
    const pressed: { atS: number; ms: number }[] = [];
    let trafficPassed = 0;
    // The server's CPU second by second: whether the Checks that waited long were pressed while it had no core free.
    const serverCpuPercentBySecond: number[] = [];
    let cpuBefore = cpu0;
    cpuSampler = setInterval(() => {
      const now = cpuSeconds(server.pid!);
      serverCpuPercentBySecond.push(Math.round((now - cpuBefore) * 100));
      cpuBefore = now;
    }, 1000);
    const commands = (
      await Promise.all(
        tokens.map(async (token) => {
          const times = await typeCommands(base, token, TYPED, thinkMs, interrupted, spread);
          await new Promise((r) => setTimeout(r, spread ? thinkMs * (0.5 + Math.random()) : thinkMs));
          const t0 = performance.now();
          const result = await post(base, TRAFFIC_CHECK, token, {}, checkResultBodySchema);
          trafficChecks.push(performance.now() - t0);
          if (result.measuredAt === undefined) trafficMeasured.push(performance.now() - t0);
          pressed.push({ atS: (t0 - started) / 1000, ms: performance.now() - t0 });
          if (result.ok === true) trafficPassed++;
          return times;
        }),
      )
    ).flat();
    clearInterval(cpuSampler);
    await quiet(server.pid!);
    const wallS = round((performance.now() - started) / 1000);
    const cpuS = cpuSeconds(server.pid!) - cpu0;
    const report = await (
      await fetch(`${base}/api/classes/${cls.id}/progress`, { headers: { authorization: `Bearer ${INSTRUCTOR}` } })
    ).json();
    const passes = (report.learners as { progress: Record<string, Record<string, { status: string }>> }[])
      .flatMap((l) => Object.entries(l.progress['traffic-shifting'] ?? {}))
      .filter(([, p]) => p.status === 'passed');
    const perStep: Record<string, number> = {};
    for (const [step] of passes) perStep[step] = (perStep[step] ?? 0) + 1;
    return {
      cpuS: round(cpuS),
      commands,
      passed: passes.length,
      perStep,
      wallS,
      interrupted: interrupted.count,
      rerun: interrupted.rerun,
      trafficChecks,
      trafficMeasured,
      trafficPassed,
      trafficChecksByPressTime: byPressTime(pressed, 5),
      serverCpuPercentBySecond,
    };
  } finally {
    clearInterval(cpuSampler);
    await stopServer(server);
  }
}

/** Joining, a command and a check each, for `learners` at once; then SIGKILL and every learner back. */
async function joinAndRestart(
  ctx: Parameters<BenchSuite['run']>[0],
  learners: number,
  restart: boolean,
): Promise<{ rows: BenchRow[]; details: Record<string, unknown> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'labs-bench-class-'));
  let { base, server } = await serve(dataDir, roomFor(learners));
  try {
    const idleRss = rssMiB(server.pid!);
    const cls = await post(base, '/api/classes', INSTRUCTOR, { name: 'bench' }, classCreatedSchema);
    ctx.log(
      `classroom: ${learners} learners join, open a terminal, apply the DestinationRules and check the step, all at once`,
    );
    const joins: number[] = [];
    const attaches: number[] = [];
    const firstPrompts: number[] = [];
    const commands: number[] = [];
    const checks: number[] = [];
    const tokens: string[] = [];
    let messages = 0;
    let bytes = 0;
    const started = performance.now();
    const cpu0 = cpuSeconds(server.pid!);
    const frontCpu0 = cpuSeconds(server.pid!, true);
    const clientCpu0 = process.cpuUsage();
    const overflows0 = listenOverflows();
    await Promise.all(
      Array.from({ length: learners }, async (_, i) => {
        const t0 = performance.now();
        const joined = await post(
          base,
          '/api/join',
          undefined,
          { joinCode: cls.joinCode, name: `learner-${i}` },
          joinedSchema,
        );
        joins.push(performance.now() - t0);
        tokens.push(joined.sessionToken);
        const received = await runCommand(
          base,
          joined.sessionToken,
          'kubectl apply -f samples/bookinfo/networking/destination-rule-all.yaml',
        );
        const { attachMs, commandMs } = received;
        messages += received.messages;
        bytes += received.bytes;
        attaches.push(attachMs);
        firstPrompts.push(performance.now() - t0 - commandMs);
        commands.push(commandMs);
        const t1 = performance.now();
        const result = await post(
          base,
          '/api/labs/traffic-shifting/steps/destination-rules/check',
          joined.sessionToken,
          {},
          checkResultBodySchema,
        );
        checks.push(performance.now() - t1);
        if (result.ok !== true) throw new Error(`bench: learner-${i}'s check failed: ${result.explanation?.en}`);
      }),
    );
    const wallS = round((performance.now() - started) / 1000);
    const joinCpuS = round(cpuSeconds(server.pid!) - cpu0);
    const joinFrontCpuS = round(cpuSeconds(server.pid!, true) - frontCpu0);
    // The learners' side runs on the same two cores: what it takes is not the server's to use.
    const clientCpu = process.cpuUsage(clientCpu0);
    const clientCpuS = round((clientCpu.user + clientCpu.system) / 1e6);
    const overflows = listenOverflows() - overflows0;
    const loadedRss = rssMiB(server.pid!);
    const j = summarize(joins);
    const a = summarize(attaches);
    const f = summarize(firstPrompts);
    const c = summarize(commands);
    const k = summarize(checks);
    const rows: BenchRow[] = [
      { metric: 'learners', value: learners, unit: 'learners' },
      { metric: 'join, p50', value: j.medianMs, unit: 'ms' },
      { metric: 'join, p95', value: j.p95Ms, unit: 'ms' },
      { metric: 'terminal ready (environment made), p50', value: a.medianMs, unit: 'ms' },
      { metric: 'terminal ready (environment made), p95', value: a.p95Ms, unit: 'ms' },
      { metric: 'first prompt (join, then terminal ready), p50', value: f.medianMs, unit: 'ms' },
      { metric: 'first prompt (join, then terminal ready), p95', value: f.p95Ms, unit: 'ms' },
      { metric: 'command (kubectl apply -f destination-rule-all.yaml), p50', value: c.medianMs, unit: 'ms' },
      { metric: 'command (kubectl apply -f destination-rule-all.yaml), p95', value: c.p95Ms, unit: 'ms' },
      { metric: 'check (destination-rules), p50', value: k.medianMs, unit: 'ms' },
      { metric: 'check (destination-rules), p95', value: k.p95Ms, unit: 'ms' },
      { metric: 'all learners done', value: wallS, unit: 's' },
      { metric: 'server CPU (workers included) until all learners were done', value: joinCpuS, unit: 's' },
      { metric: "of which the front thread's (HTTP, WebSockets, SQLite)", value: joinFrontCpuS, unit: 's' },
      // Steadier than the wall-time figures on a shared machine: what each learner costs, whoever else runs.
      {
        metric: 'server CPU per learner (join, terminal, command, check)',
        value: round((joinCpuS * 1000) / learners),
        unit: 'ms',
      },
      {
        metric: "of which the front thread's, per learner",
        value: round((joinFrontCpuS * 1000) / learners),
        unit: 'ms',
      },
      { metric: "the bench's own CPU meanwhile (the learners' side, same machine)", value: clientCpuS, unit: 's' },
      // What the front writes to each terminal from attaching to the command's prompt (each message is a write).
      {
        metric: 'terminal messages per learner, attach to prompt after the command',
        value: round(messages / learners),
        unit: 'messages',
      },
      {
        metric: 'terminal bytes per learner, attach to prompt after the command',
        value: round(bytes / learners),
        unit: 'B',
      },
      { metric: 'connections dropped by a full accept queue (whole machine)', value: overflows, unit: 'times' },
      { metric: 'server RSS, idle', value: idleRss, unit: 'MiB' },
      { metric: "server RSS, with every learner's environment", value: loadedRss, unit: 'MiB' },
      { metric: 'server RSS per learner', value: round((loadedRss - idleRss) / learners), unit: 'MiB' },
    ];
    const details: Record<string, unknown> = { joins: j, attaches: a, firstPrompts: f, commands: c, checks: k };
    if (!restart) return { rows, details };

    // kill -9 mid-class, then every learner comes back at once: their environments are rebuilt from the journal.
    ctx.log(`classroom: SIGKILL, restart on the same data directory, ${learners} learners reconnect at once`);
    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));
    const restartedAt = performance.now();
    ({ base, server } = await serve(dataDir, roomFor(learners)));
    const restartMs = performance.now() - restartedAt;
    const restores: number[] = [];
    const restoredChecks: number[] = [];
    let lastBackMs = 0;
    await Promise.all(
      tokens.map(async (token, i) => {
        restores.push(await restoredTerminal(base, token));
        lastBackMs = Math.max(lastBackMs, performance.now() - restartedAt);
        const t1 = performance.now();
        const result = await post(
          base,
          '/api/labs/traffic-shifting/steps/destination-rules/check',
          token,
          {},
          checkResultBodySchema,
        );
        restoredChecks.push(performance.now() - t1);
        if (result.ok !== true)
          throw new Error(`bench: learner-${i}'s check failed after the restart: ${result.explanation?.en}`);
      }),
    );
    const r = summarize(restores);
    rows.push(
      { metric: 'after SIGKILL: server listening again', value: round(restartMs), unit: 'ms' },
      { metric: 'after SIGKILL: terminal back with environment rebuilt, p50', value: r.medianMs, unit: 'ms' },
      { metric: 'after SIGKILL: terminal back with environment rebuilt, p95', value: r.p95Ms, unit: 'ms' },
      {
        metric: 'after SIGKILL: the last terminal back (every one, since the restart began)',
        value: round(lastBackMs),
        unit: 'ms',
      },
    );
    return { rows, details: { ...details, restores: r, restoredChecks: summarize(restoredChecks) } };
  } finally {
    await stopServer(server);
  }
}

/** The Check on the 50/50 step after typing: p50, p95, and how many passed. */
function trafficRows(
  run: { trafficChecks: number[]; trafficMeasured: number[]; trafficPassed: number },
  label: string,
  learners: number,
): BenchRow[] {
  const t = summarize(run.trafficChecks);
  const m = run.trafficMeasured.length > 0 ? summarize(run.trafficMeasured) : undefined;
  return [
    { metric: `traffic check (shift-50-v3, pressed after typing), p50, ${label}`, value: t.medianMs, unit: 'ms' },
    { metric: `traffic check (shift-50-v3, pressed after typing), p95, ${label}`, value: t.p95Ms, unit: 'ms' },
    { metric: `traffic check (shift-50-v3) passed, ${label}`, value: run.trafficPassed, unit: `of ${learners}` },
    // A Check on objects an automatic check measured stands on that measurement: these are the ones that did not.
    {
      metric: `traffic check (shift-50-v3): Checks that sent their own requests, ${label}`,
      value: run.trafficMeasured.length,
      unit: `of ${learners}`,
    },
    ...(m
      ? [
          {
            metric: `traffic check (shift-50-v3), those that sent requests, p50, ${label}`,
            value: m.medianMs,
            unit: 'ms',
          },
          {
            metric: `traffic check (shift-50-v3), those that sent requests, p95, ${label}`,
            value: m.p95Ms,
            unit: 'ms',
          },
        ]
      : []),
  ];
}

/**
 * The suite. `--phases join,restart,typing-off,typing` (the default: all) chooses the parts: learners joining
 * (a command and a check each), the restart after SIGKILL, and typing five steps without and with automatic checks.
 */
export const suite: BenchSuite = {
  name: 'classroom',
  async run(ctx) {
    const learners = Number(ctx.flags.learners ?? (ctx.quick ? 10 : 50));
    serverProfileDir = typeof ctx.flags['server-prof'] === 'string' ? ctx.flags['server-prof'] : undefined;
    // How long a typing learner reads before the next command (`--think-ms`); 0 types as fast as prompts return.
    const thinkMs = Number(ctx.flags['think-ms'] ?? 2_000);
    // `--spread`: learners out of step (start within one think time, read 0.5 to 1.5 think times), as in a class.
    const spread = ctx.flags.spread === true || ctx.flags.spread === 'true';
    const phases = new Set(String(ctx.flags.phases ?? 'join,restart,typing-off,typing').split(','));
    const rows: BenchRow[] = [];
    const details: Record<string, unknown> = {};
    if (phases.has('join') || phases.has('restart')) {
      const joined = await joinAndRestart(ctx, learners, phases.has('restart'));
      rows.push(...joined.rows);
      Object.assign(details, joined.details);
    } else rows.push({ metric: 'learners', value: learners, unit: 'learners' });

    // Automatic checks: the same typing with and without them; what they add is the difference.
    const typing = (auto: boolean) => {
      ctx.log(
        `classroom: ${learners} learners type the first five steps ${spread ? 'out of step' : 'at once'} ` +
          `(${thinkMs} ms between), ` +
          `${auto ? 'with' : 'without'} automatic checks`,
      );
      return typingRun(learners, auto, thinkMs, spread);
    };
    const off = phases.has('typing-off') ? await typing(false) : undefined;
    const on = phases.has('typing') ? await typing(true) : undefined;
    if (on) {
      // Where the Checks waited: by when they were pressed, against the server's CPU then (2 cores: 200 %).
      ctx.log('traffic checks by press time (s from the start: pressed, p50 / p95 ms, server CPU % meanwhile):');
      for (const w of on.trafficChecksByPressTime) {
        const cpu = on.serverCpuPercentBySecond.slice(w.fromS, w.fromS + 5);
        const meanCpu = cpu.length ? Math.round(cpu.reduce((a, b) => a + b, 0) / cpu.length) : Number.NaN;
        ctx.log(`  ${w.fromS} s: ${w.pressed} pressed, ${w.p50Ms} / ${w.p95Ms} ms, CPU ${meanCpu} %`);
      }
    }
    if (off || on)
      rows.push(
        { metric: 'typing 5 steps: pause between commands', value: thinkMs, unit: 'ms' },
        { metric: 'typing 5 steps: learners out of step (--spread)', value: spread ? 1 : 0, unit: '' },
      );
    if (off) {
      rows.push(
        {
          metric: 'typing 5 steps, command p95, no automatic checks',
          value: summarize(off.commands).p95Ms,
          unit: 'ms',
        },
        { metric: 'typing 5 steps, server CPU, no automatic checks', value: off.cpuS, unit: 's' },
        ...trafficRows(off, 'no automatic checks', learners),
        {
          metric: 'typing 5 steps, commands interrupted (typed again), no automatic checks',
          value: off.interrupted,
          unit: 'commands',
        },
        {
          metric:
            'typing 5 steps, commands stopped by a worker restart and run again by the server, no automatic checks',
          value: off.rerun,
          unit: 'commands',
        },
      );
      details.typingWithoutAutoChecks = {
        ...off,
        commands: summarize(off.commands),
        trafficChecks: summarize(off.trafficChecks),
      };
    }
    if (on) {
      rows.push(
        {
          metric: 'typing 5 steps, command p95, with automatic checks',
          value: summarize(on.commands).p95Ms,
          unit: 'ms',
        },
        { metric: 'typing 5 steps, server CPU, with automatic checks', value: on.cpuS, unit: 's' },
        ...trafficRows(on, 'with automatic checks', learners),
        {
          metric: 'typing 5 steps, commands interrupted (typed again), with automatic checks',
          value: on.interrupted,
          unit: 'commands',
        },
        {
          metric:
            'typing 5 steps, commands stopped by a worker restart and run again by the server, with automatic checks',
          value: on.rerun,
          unit: 'commands',
        },
        { metric: 'automatic checks: steps passed by themselves', value: on.passed, unit: `of ${learners * 5}` },
        { metric: 'automatic checks: until every check was done', value: on.wallS, unit: 's' },
      );
      details.typingWithAutoChecks = {
        ...on,
        commands: summarize(on.commands),
        trafficChecks: summarize(on.trafficChecks),
      };
    }
    if (off && on)
      rows.push(
        { metric: 'automatic checks: added server CPU', value: round(on.cpuS - off.cpuS), unit: 's' },
        {
          metric: 'automatic checks: added CPU per learner',
          value: round(((on.cpuS - off.cpuS) / learners) * 1000),
          unit: 'ms',
        },
        {
          metric: "automatic checks: share of the server's CPU while typing",
          value: round(((on.cpuS - off.cpuS) / on.cpuS) * 100),
          unit: '%',
        },
      );
    return { rows, details };
  },
};
