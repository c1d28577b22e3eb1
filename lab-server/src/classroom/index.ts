/**
 * Classrooms: `labs serve --classroom [--data DIR]`. Sessions, progress and every check attempt in SQLite; each
 * learner environment's journal replayed after a restart; an instructor token for the dashboard and its API;
 * join codes with rate-limited joining; live dashboard and read-only terminal views over WebSockets.
 */
import { join } from 'node:path';
import type { LabEnvironment } from '../contract.ts';
import type { ServerExtension } from '../server/extension.ts';
import { checkpointInBackground } from './checkpoints.ts';
import { ClassStore } from './classes.ts';
import { openDatabase } from './db.ts';
import { InstructorAuth, storedInstructorToken } from './instructor.ts';
import { JoinLimiter, type JoinLimits } from './joinLimiter.ts';
import { Journal, replay, shellStateLines, type ReplayReport } from './journal.ts';
import { restoreNotice, shellNotice } from './notices.ts';
import { publicBase } from './publicUrl.ts';
import { typeScript } from '../terminal/typing.ts';
import { ClassWatchers, classroomWsRoutes } from './live.ts';
import { classroomRoutes, type ClassroomContext } from './routes.ts';
import { SqliteProgressStore, SqliteSessionStore } from './stores.ts';

/** Options `createClassroom` receives. */
export interface ClassroomOptions {
  dataDir: string;
  /** From `LABS_INSTRUCTOR_TOKEN`, else the classroom makes one. */
  instructorToken?: string;
}

/** A positive number from the environment, or undefined when unset. */
function envNumber(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${text}"`);
  return value;
}

/** Makes the classroom: an extension of the lab server. */
export async function createClassroom(
  options: ClassroomOptions & JoinLimits & { classLifetimeHours?: number },
): Promise<ServerExtension> {
  const db = openDatabase(options.dataDir);
  // The front's commits never wait for a checkpoint's copy and fsync (40 to 110 ms): a thread of its own does them.
  const checkpoints = checkpointInBackground(db);
  const classes = new ClassStore(db);
  const progress = new SqliteProgressStore(db);
  const journal = new Journal(db);
  const watchers = new ClassWatchers();
  const ctx: ClassroomContext = {
    classes,
    progress,
    journal,
    instructor: new InstructorAuth(options.instructorToken ?? storedInstructorToken(options.dataDir)),
    joins: new JoinLimiter({
      failuresPerMinute: options.failuresPerMinute ?? envNumber('LABS_JOIN_FAILURES_PER_MINUTE'),
      joinsPerMinute: options.joinsPerMinute ?? envNumber('LABS_JOINS_PER_MINUTE'),
    }),
    classLifetimeHours: options.classLifetimeHours ?? 24,
    changed: (classId) => watchers.changed(classId),
    listening: () => null,
  };
  // While an environment is being rebuilt from its journal, its own replayed commands are not journalled again.
  const restoring = new Set<string>();
  // What each restore did, told to the learner in their terminal once it exists.
  const restored = new Map<string, { report: ReplayReport; shellLines: string[] }>();
  const offs: (() => void)[] = [];

  return {
    sessionStore: new SqliteSessionStore(db),
    progressStore: progress,
    routes: (parts) => classroomRoutes(parts, ctx),
    wsRoutes: (parts) => classroomWsRoutes(parts, ctx, watchers),
    async restoreEnvironment(sessionId: string, lab: string, env: LabEnvironment) {
      if (!journal.has(sessionId, lab)) return;
      const all = journal.all(sessionId, lab);
      const key = `${sessionId}/${lab}`;
      restoring.add(key);
      try {
        const report = await replay(env, journal.sinceReset(sessionId, lab));
        restored.set(key, { report, shellLines: shellStateLines(all) });
        if (report.differed.length > 0 || report.incomplete) {
          console.warn(
            `labs classroom: ${key}: ${report.differed.length} of ${report.replayed} journal entries ` +
              `ended differently on replay${report.incomplete ? '; the replay ran out of time' : ''}`,
          );
        }
      } finally {
        restoring.delete(key);
      }
    },
    attach(server) {
      const { events } = server.parts;
      ctx.listening = () => server.server.address();
      const classOf = (sessionId: string) => classes.classOf(sessionId);
      offs.push(
        events.on('command', ({ sessionId, lab, record }) => {
          if (!restoring.has(`${sessionId}/${lab}`))
            journal.append(sessionId, lab, { kind: 'command', line: record.line, exitCode: record.exitCode });
        }),
      );
      offs.push(
        events.on('apply', ({ sessionId, lab, yaml, exitCode }) =>
          journal.append(sessionId, lab, { kind: 'apply', yaml, exitCode }),
        ),
      );
      offs.push(
        events.on('reset', ({ sessionId, lab }) => {
          journal.append(sessionId, lab, { kind: 'reset' });
          const c = classOf(sessionId);
          if (c) watchers.changed(c);
        }),
      );
      offs.push(
        events.on('environment-created', ({ sessionId, lab }) => {
          const key = `${sessionId}/${lab}`;
          const found = restored.get(key);
          if (!found) return;
          restored.delete(key);
          void server.parts.runtime.existing(sessionId, lab).then(async (instance) => {
            if (!instance) return;
            const { report, shellLines } = found;
            const ok = report.differed.length === 0 && !report.incomplete;
            instance.notice(`\r\n\x1b[${ok ? '36' : '33'}m[${restoreNotice(report)}]\x1b[0m\r\n`, events);
            if (shellLines.length === 0) return;
            // The terminal is new: its variables and directory come back by typing the lines that set them.
            instance.notice(`\x1b[36m[${shellNotice(shellLines.length)}]\x1b[0m\r\n`, events);
            restoring.add(key);
            try {
              await instance.exclusive(() =>
                typeScript(instance.terminal, shellLines.join('\n'), { lineTimeoutMs: 30_000 }),
              );
            } finally {
              restoring.delete(key);
            }
          });
        }),
      );
      offs.push(
        events.on('check', ({ sessionId }) => {
          const c = classOf(sessionId);
          if (c) watchers.changed(c);
        }),
      );
    },
    banner(url: string) {
      const listening = new URL(url);
      const { base, warning } = publicBase({
        host: listening.host,
        listening: {
          address: listening.hostname.replace(/^\[|\]$/g, ''),
          port: Number(listening.port),
          family: listening.hostname.startsWith('[') ? 'IPv6' : 'IPv4',
        },
      });
      // The token itself never goes to stdout (logs are read by more people than the instructor): say where it is.
      const where = options.instructorToken
        ? 'the token in LABS_INSTRUCTOR_TOKEN'
        : `the token in ${join(options.dataDir, 'instructor-token')} (readable by this user only)`;
      return [
        `Classroom mode: data in ${options.dataDir}`,
        `Instructor dashboard: ${base}/classroom/ (sign in with ${where})`,
        ...(warning ? [`Warning: ${warning}`] : []),
      ];
    },
    async close() {
      for (const off of offs) off();
      journal.flush();
      await checkpoints.close();
      db.close();
    },
  };
}
