/**
 * Classrooms: `labs serve --classroom [--data DIR]`. Sessions, progress and every check attempt in SQLite; each
 * learner environment's journal replayed after a restart; an instructor token for the dashboard and its API;
 * join codes with rate-limited joining; live dashboard and read-only terminal views over WebSockets.
 */
import type { ClassroomOptions, ClassroomPlugin } from '../cli/serve.ts';
import type { LabEnvironment } from '../contract.ts';
import { ClassStore } from './classes.ts';
import { openDatabase } from './db.ts';
import { InstructorAuth } from './instructor.ts';
import { JoinLimiter, type JoinLimits } from './joinLimiter.ts';
import { Journal, replay } from './journal.ts';
import { ClassWatchers, classroomWsRoutes } from './live.ts';
import { classroomRoutes, type ClassroomContext } from './routes.ts';
import { SqliteProgressStore, SqliteSessionStore } from './stores.ts';

/** A positive number from the environment, or undefined when unset. */
function envNumber(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${text}"`);
  return value;
}

/** Makes the classroom plugin for the lab server. */
export async function createClassroom(options: ClassroomOptions & JoinLimits & { classLifetimeHours?: number }): Promise<ClassroomPlugin> {
  const db = openDatabase(options.dataDir);
  const classes = new ClassStore(db);
  const progress = new SqliteProgressStore(db);
  const journal = new Journal(db);
  const watchers = new ClassWatchers();
  const ctx: ClassroomContext = {
    classes,
    progress,
    instructor: new InstructorAuth(options.instructorToken),
    joins: new JoinLimiter({
      failuresPerMinute: options.failuresPerMinute ?? envNumber('LABS_JOIN_FAILURES_PER_MINUTE'),
      joinsPerMinute: options.joinsPerMinute ?? envNumber('LABS_JOINS_PER_MINUTE'),
    }),
    classLifetimeHours: options.classLifetimeHours ?? 24,
    changed: (classId) => watchers.changed(classId),
  };
  // While an environment is being rebuilt from its journal, its own replayed commands are not journalled again.
  const restoring = new Set<string>();
  // What each restore did, told to the learner in their terminal once it exists.
  const restored = new Map<string, { replayed: number; differed: number }>();
  const offs: (() => void)[] = [];

  return {
    sessionStore: new SqliteSessionStore(db),
    progressStore: progress,
    routes: (parts) => classroomRoutes(parts, ctx),
    wsRoutes: (parts) => classroomWsRoutes(parts, ctx, watchers),
    async restoreEnvironment(sessionId: string, lab: string, env: LabEnvironment) {
      const entries = journal.sinceReset(sessionId, lab);
      if (entries.length === 0) return;
      const key = `${sessionId}/${lab}`;
      restoring.add(key);
      try {
        const report = await replay(env, entries);
        restored.set(key, { replayed: report.replayed, differed: report.differed.length });
        if (report.differed.length > 0) {
          console.warn(`labs classroom: ${sessionId}/${lab}: ${report.differed.length} of ${report.replayed} journal entries ended differently on replay`);
        }
      } finally {
        restoring.delete(key);
      }
    },
    attach(server) {
      const { events } = server.parts;
      const classOf = (sessionId: string) => classes.classOf(sessionId);
      offs.push(events.on('command', ({ sessionId, lab, record }) => {
        if (!restoring.has(`${sessionId}/${lab}`)) journal.append(sessionId, lab, { kind: 'command', line: record.line, exitCode: record.exitCode });
      }));
      offs.push(events.on('apply', ({ sessionId, lab, yaml, exitCode }) => journal.append(sessionId, lab, { kind: 'apply', yaml, exitCode })));
      offs.push(events.on('reset', ({ sessionId, lab }) => {
        journal.append(sessionId, lab, { kind: 'reset' });
        const c = classOf(sessionId);
        if (c) watchers.changed(c);
      }));
      offs.push(events.on('environment-created', ({ sessionId, lab }) => {
        const key = `${sessionId}/${lab}`;
        const report = restored.get(key);
        if (!report) return;
        restored.delete(key);
        void server.parts.runtime.existing(sessionId, lab).then((instance) => {
          if (!instance) return;
          const ok = report.differed === 0;
          const text = ok
            ? `[lab server restarted: your environment was rebuilt by replaying your ${report.replayed} commands / 서버가 다시 시작되어 입력했던 명령 ${report.replayed}개를 다시 실행해 실습 환경을 되살렸습니다]`
            : `[lab server restarted: ${report.differed} of your ${report.replayed} commands ended differently when replayed, so your environment may differ from before; use "Reset environment" if something looks wrong / 서버가 다시 시작되어 명령을 다시 실행했지만 ${report.replayed}개 중 ${report.differed}개의 결과가 달랐습니다. 환경이 이전과 다를 수 있으니 이상하면 "환경 초기화"를 누르세요]`;
          instance.notice(`\r\n\x1b[${ok ? '36' : '33'}m${text}\x1b[0m\r\n`, events);
        });
      }));
      offs.push(events.on('check', ({ sessionId }) => {
        const c = classOf(sessionId);
        if (c) watchers.changed(c);
      }));
    },
    banner(url: string) {
      return [
        `Classroom mode: data in ${options.dataDir}`,
        `Instructor dashboard (keep this URL private): ${url}/classroom/#token=${ctx.instructor.token}`,
      ];
    },
    async close() {
      for (const off of offs) off();
      db.close();
    },
  };
}
