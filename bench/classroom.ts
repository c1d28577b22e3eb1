/**
 * The classroom load run: a `labs serve --classroom` process on the simulator, N learners (default 50;
 * `--learners 200`) joining at once, each opening a terminal, running a command and a check. Reports p50/p95
 * of joining, the command (typed until its prompt returns) and the check, and the server's resident memory;
 * then kills the server with SIGKILL, restarts it on the same data and times every learner's way back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { BenchSuite } from './suite.ts';
import { round, summarize } from './stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const INSTRUCTOR = 'bench-instructor-token-0123456789abcdef';

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

async function post(base: string, path: string, token: string | undefined, body: unknown): Promise<any> {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/** Opens the learner's terminal and runs one command; resolves with the ms from Enter to the next prompt. */
function runCommand(base: string, token: string, command: string): Promise<{ attachMs: number; commandMs: number }> {
  return new Promise((resolve, reject) => {
    const opened = performance.now();
    const ws = new WebSocket(
      `${base.replace('http', 'ws')}/ws/terminal?lab=traffic-shifting&token=${token}&cols=120&rows=30`,
    );
    let attachMs = 0;
    let sentAt = 0;
    let seen = '';
    ws.on('message', (raw) => {
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
        resolve({ attachMs, commandMs });
      }
    });
    ws.on('error', reject);
    setTimeout(() => reject(new Error('bench: a terminal did not answer within 5 minutes')), 300_000).unref();
  });
}

/** Starts `labs serve --classroom` on `dataDir`; resolves with its URL once it listens. */
async function serve(dataDir: string): Promise<{ base: string; server: ChildProcess }> {
  const server = spawn(process.execPath, ['bin/labs.mjs', 'serve', '--classroom', '--data', dataDir, '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, LABS_INSTRUCTOR_TOKEN: INSTRUCTOR, LABS_JOINS_PER_MINUTE: '100000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (d) => {
      out += d.toString();
      const m = /serving on (http:\/\/\S+?)\/? \(backend/.exec(out);
      if (m) resolve(m[1]!.replace(/\/$/, ''));
    });
    server.on('exit', (code) => reject(new Error(`bench: classroom server exited ${code}`)));
  });
  return { base, server };
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

/** The suite. */
export const suite: BenchSuite = {
  name: 'classroom',
  async run(ctx) {
    const learners = Number(ctx.flags.learners ?? (ctx.quick ? 10 : 50));
    const dataDir = mkdtempSync(join(tmpdir(), 'labs-bench-class-'));
    let { base, server } = await serve(dataDir);
    try {
      const idleRss = rssMiB(server.pid!);
      const cls = await post(base, '/api/classes', INSTRUCTOR, { name: 'bench' });
      ctx.log(
        `classroom: ${learners} learners join, open a terminal, apply the DestinationRules and check the step, all at once`,
      );
      const joins: number[] = [];
      const attaches: number[] = [];
      const commands: number[] = [];
      const checks: number[] = [];
      const tokens: string[] = [];
      const started = performance.now();
      await Promise.all(
        Array.from({ length: learners }, async (_, i) => {
          const t0 = performance.now();
          const joined = await post(base, '/api/join', undefined, { joinCode: cls.joinCode, name: `learner-${i}` });
          joins.push(performance.now() - t0);
          tokens.push(joined.sessionToken);
          const { attachMs, commandMs } = await runCommand(
            base,
            joined.sessionToken,
            'kubectl apply -f samples/bookinfo/networking/destination-rule-all.yaml',
          );
          attaches.push(attachMs);
          commands.push(commandMs);
          const t1 = performance.now();
          const result = await post(
            base,
            '/api/labs/traffic-shifting/steps/destination-rules/check',
            joined.sessionToken,
            {},
          );
          checks.push(performance.now() - t1);
          if (result.ok !== true) throw new Error(`bench: learner-${i}'s check failed: ${result.explanation?.en}`);
        }),
      );
      const wallS = round((performance.now() - started) / 1000);
      const loadedRss = rssMiB(server.pid!);

      // kill -9 mid-class, then every learner comes back at once: their environments are rebuilt from the journal.
      ctx.log(`classroom: SIGKILL, restart on the same data directory, ${learners} learners reconnect at once`);
      server.kill('SIGKILL');
      await new Promise((r) => server.once('exit', r));
      const restartedAt = performance.now();
      ({ base, server } = await serve(dataDir));
      const restartMs = performance.now() - restartedAt;
      const restores: number[] = [];
      const restoredChecks: number[] = [];
      await Promise.all(
        tokens.map(async (token, i) => {
          restores.push(await restoredTerminal(base, token));
          const t1 = performance.now();
          const result = await post(base, '/api/labs/traffic-shifting/steps/destination-rules/check', token, {});
          restoredChecks.push(performance.now() - t1);
          if (result.ok !== true)
            throw new Error(`bench: learner-${i}'s check failed after the restart: ${result.explanation?.en}`);
        }),
      );
      const j = summarize(joins);
      const a = summarize(attaches);
      const c = summarize(commands);
      const k = summarize(checks);
      const r = summarize(restores);
      return {
        rows: [
          { metric: 'learners', value: learners, unit: 'learners' },
          { metric: 'join, p50', value: j.medianMs, unit: 'ms' },
          { metric: 'join, p95', value: j.p95Ms, unit: 'ms' },
          { metric: 'terminal ready (environment made), p50', value: a.medianMs, unit: 'ms' },
          { metric: 'terminal ready (environment made), p95', value: a.p95Ms, unit: 'ms' },
          { metric: 'command (kubectl apply -f destination-rule-all.yaml), p50', value: c.medianMs, unit: 'ms' },
          { metric: 'command (kubectl apply -f destination-rule-all.yaml), p95', value: c.p95Ms, unit: 'ms' },
          { metric: 'check (destination-rules), p50', value: k.medianMs, unit: 'ms' },
          { metric: 'check (destination-rules), p95', value: k.p95Ms, unit: 'ms' },
          { metric: 'all learners done', value: wallS, unit: 's' },
          { metric: 'server RSS, idle', value: idleRss, unit: 'MiB' },
          { metric: "server RSS, with every learner's environment", value: loadedRss, unit: 'MiB' },
          { metric: 'server RSS per learner', value: round((loadedRss - idleRss) / learners), unit: 'MiB' },
          { metric: 'after SIGKILL: server listening again', value: round(restartMs), unit: 'ms' },
          { metric: 'after SIGKILL: terminal back with environment rebuilt, p50', value: r.medianMs, unit: 'ms' },
          { metric: 'after SIGKILL: terminal back with environment rebuilt, p95', value: r.p95Ms, unit: 'ms' },
        ],
        details: {
          joins: j,
          attaches: a,
          commands: c,
          checks: k,
          restores: r,
          restoredChecks: summarize(restoredChecks),
        },
      };
    } finally {
      server.kill('SIGKILL');
    }
  },
};
