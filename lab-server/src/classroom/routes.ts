/** The classroom's HTTP API (see docs/classroom.md): classes, joining, progress and its CSV, reset and removal of learners. */
import { z } from 'zod';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError } from '../server/http.ts';
import type { ServerParts } from '../server/parts.ts';
import type { Route } from '../server/router.ts';
import type { ClassStore } from './classes.ts';
import type { InstructorAuth } from './instructor.ts';
import type { JoinLimiter } from './joinLimiter.ts';
import type { Journal } from './journal.ts';
import { publicBaseOf } from './publicUrl.ts';
import { attemptsCsv, knownTimeZone, reportCsv, type CsvOptions } from './csv.ts';
import { classReport, type ClassReport } from './report.ts';
import type { SqliteProgressStore } from './stores.ts';
import type { Joined, MyClass } from '../protocol/classroom.ts';

/** What the routes work with. */
export interface ClassroomContext {
  classes: ClassStore;
  progress: SqliteProgressStore;
  journal: Journal;
  instructor: InstructorAuth;
  joins: JoinLimiter;
  /** Hours a class (and its join code) lives. */
  classLifetimeHours: number;
  /** Tells live dashboards that a class changed. */
  changed(classId: string): void;
  /** The address the server listens on (for join URLs), once it does. */
  listening(): AddressInfo | string | null;
}

const createClassSchema = z
  .object({
    name: z.string().trim().min(1, 'name: required').max(100),
    chapters: z.array(z.string()).min(1).optional(),
    lifetimeHours: z
      .number()
      .positive()
      .max(24 * 30)
      .optional(),
  })
  .strict();

const joinSchema = z
  .object({
    joinCode: z.string().min(1).max(40),
    name: z.string().trim().min(1, 'name: required').max(60),
  })
  .strict();

const resetSchema = z.object({ lab: z.string().optional() }).strict();

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.join('.') || 'body';
  throw new HttpError(400, `${field}: ${issue.message}`, { code: 'request.invalid', params: { field } });
}

/** The client's address for rate limiting (behind a proxy, its X-Forwarded-For if trusted). */
function clientKey(req: IncomingMessage): string {
  if (process.env.LABS_TRUST_PROXY === '1') {
    const forwarded = String(req.headers['x-forwarded-for'] ?? '')
      .split(',')[0]
      ?.trim();
    if (forwarded) return forwarded;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

/** Builds a class's report from the stores. */
export async function buildReport(parts: ServerParts, ctx: ClassroomContext, classId: string): Promise<ClassReport> {
  const cls = ctx.classes.get(classId);
  if (!cls) throw new HttpError(404, `no class "${classId}"`, { code: 'class.unknown' });
  const learners = await Promise.all(
    ctx.classes.learners(classId).map(async (l) => {
      const latestFailure = ctx.progress.latestFailure(l.id);
      const activeLab = ctx.journal.lastLab(l.id);
      const lastActivityAt = ctx.journal.lastActivity(l.id);
      return {
        ...l,
        progress: await parts.progress.progress(l.id),
        ...(latestFailure ? { latestFailure } : {}),
        ...(activeLab ? { activeLab } : {}),
        ...(lastActivityAt ? { lastActivityAt } : {}),
      };
    }),
  );
  return classReport(cls, parts.allLabs, learners, ctx.progress.openFailuresOfClass(classId));
}

/** `?lang=ko&tz=Asia/Seoul`: the dashboard's language and time zone for an export (the server's own otherwise). */
function csvOptions(url: URL): CsvOptions {
  return {
    lang: url.searchParams.get('lang') === 'en' ? 'en' : 'ko',
    timeZone: knownTimeZone(url.searchParams.get('tz')),
  };
}

/** The page learners open to join (Korean, the root locale; its language switcher leads to English). */
function joinUrl(base: string, code: string): string {
  return `${base}/classroom/join/?code=${code}`;
}

/** A class name made safe for a download's file name. */
function fileName(name: string): string {
  return name.replace(/[^\w.-]+/g, '_') || 'class';
}

function sendCsv(res: ServerResponse, name: string, csv: string): void {
  res.writeHead(200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${name}"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(csv);
}

/**
 * Brings a learner's chapter back to its starting state. A live environment is reset in place (its terminal
 * says so); one not made since the last restart is not made just to be reset: its journal gets the reset, so it
 * starts fresh when the learner comes back.
 */
async function resetChapter(parts: ServerParts, ctx: ClassroomContext, learner: string, lab: string): Promise<void> {
  if (await parts.runtime.existing(learner, lab)) return parts.runtime.reset(learner, lab);
  if (ctx.journal.sinceReset(learner, lab).length > 0) ctx.journal.append(learner, lab, { kind: 'reset' });
  // Steps passed before show as "passed earlier, reset since" (no environment clock here: the wall clock's).
  await parts.progress.recordReset(learner, lab, new Date().toISOString());
}

function learnerOf(ctx: ClassroomContext, classId: string, learnerId: string): void {
  if (!ctx.classes.get(classId)) throw new HttpError(404, `no class "${classId}"`, { code: 'class.unknown' });
  if (ctx.classes.classOf(learnerId) !== classId)
    throw new HttpError(404, `no learner "${learnerId}" in class "${classId}"`, { code: 'class.noLearner' });
}

/** Learners of every class that has not expired: the seats taken on the backend. */
function seatedLearners(ctx: ClassroomContext, now = Date.now()): number {
  return ctx.classes
    .list()
    .filter((c) => Date.parse(c.expiresAt) > now)
    .reduce((n, c) => n + ctx.classes.learners(c.id).length, 0);
}

/** The answer to a join the backend has no room for (the join page words code `join.full` in its language). */
export function classFull(maxLearners: number, detail: string): HttpError {
  const learners = `${maxLearners} learner${maxLearners === 1 ? '' : 's'}`;
  return new HttpError(
    503,
    `the class is full: the cluster has room for ${learners} and all are taken; ask your instructor (${detail})`,
    { code: 'join.full', params: { max: maxLearners } },
  );
}

/** The routes. */
export function classroomRoutes(parts: ServerParts, ctx: ClassroomContext): Route[] {
  const readyLabs = [...parts.labs.keys()];
  // Joins past the capacity check and not yet enrolled: counted, so that a class joining at once cannot overfill.
  let joining = 0;
  return [
    {
      method: 'GET',
      path: '/api/classes',
      auth: 'none',
      handle: async ({ token, req }) => {
        ctx.instructor.require(token);
        const { base, warning, problem } = publicBaseOf(req, ctx.listening());
        return {
          status: 200,
          body: ctx.classes.list().map((c) => ({
            id: c.id,
            name: c.name,
            chapters: c.chapters,
            joinCode: c.joinCode,
            joinUrl: joinUrl(base, c.joinCode),
            ...(warning ? { joinUrlWarning: warning, joinUrlProblem: problem } : {}),
            createdAt: c.createdAt,
            expiresAt: c.expiresAt,
            learners: ctx.classes.learners(c.id).length,
          })),
        };
      },
    },
    {
      method: 'POST',
      path: '/api/classes',
      auth: 'none',
      handle: async ({ token, body, req }) => {
        ctx.instructor.require(token);
        const input = parse(createClassSchema, await body());
        const chapters = input.chapters ?? readyLabs;
        const unknown = chapters.filter((c) => !parts.labs.has(c));
        if (unknown.length)
          throw new HttpError(
            400,
            `chapters: not ready or unknown: ${unknown.join(', ')}; ready: ${readyLabs.join(', ')}`,
            {
              code: 'class.chaptersNotReady',
              params: { chapters: unknown.join(', ') },
            },
          );
        const cls = ctx.classes.create(input.name, chapters, input.lifetimeHours ?? ctx.classLifetimeHours);
        const { base, warning, problem } = publicBaseOf(req, ctx.listening());
        return {
          status: 201,
          body: {
            id: cls.id,
            joinCode: cls.joinCode,
            joinUrl: joinUrl(base, cls.joinCode),
            ...(warning ? { joinUrlWarning: warning, joinUrlProblem: problem } : {}),
            expiresAt: cls.expiresAt,
            chapters,
          },
        };
      },
    },
    {
      method: 'POST',
      path: '/api/join',
      auth: 'none',
      handle: async ({ body, req }) => {
        const client = clientKey(req);
        ctx.joins.admit(client);
        const input = parse(joinSchema, await body());
        const cls = ctx.classes.byCode(input.joinCode);
        if (!cls) {
          ctx.joins.failed(client);
          throw new HttpError(
            404,
            'no class with this join code (it may have expired); check the code with your instructor',
            { code: 'join.unknownCode' },
          );
        }
        // A real cluster holds so many learners (backend.capacity); the simulator has no such limit.
        const capacity = await parts.backend.capacity?.();
        if (capacity && seatedLearners(ctx) + joining >= capacity.maxLearners)
          throw classFull(capacity.maxLearners, capacity.detail);
        joining++;
        let created: Awaited<ReturnType<typeof parts.sessions.create>>;
        try {
          // The session and its class in one write: a class joining at once waits for one commit each, not two.
          created = await parts.sessions.create({ displayName: input.name, classId: cls.id });
        } finally {
          joining--;
        }
        const { token, session } = created;
        parts.events.emit('session-created', { session });
        ctx.changed(cls.id);
        return {
          status: 201,
          body: {
            sessionToken: token,
            learnerId: session.id,
            classId: cls.id,
            className: cls.name,
            chapters: cls.chapters,
          } satisfies Joined,
        };
      },
    },
    {
      // A learner's own class, so the join page can offer to continue instead of joining a second time.
      method: 'GET',
      path: '/api/classes/mine',
      auth: 'session',
      handle: async ({ session }) => {
        const cls = ctx.classes.get(ctx.classes.classOf(session!.id) ?? '');
        if (!cls) throw new HttpError(404, 'this session is not in a class', { code: 'class.notEnrolled' });
        return {
          status: 200,
          body: {
            classId: cls.id,
            className: cls.name,
            joinCode: cls.joinCode,
            chapters: cls.chapters,
            name: session!.displayName ?? '',
          } satisfies MyClass,
        };
      },
    },
    {
      method: 'GET',
      path: '/api/classes/:id/progress',
      auth: 'none',
      handle: async ({ token, params }) => {
        ctx.instructor.require(token);
        return { status: 200, body: await buildReport(parts, ctx, params.id!) };
      },
    },
    {
      method: 'GET',
      path: '/api/classes/:id/progress.csv',
      auth: 'none',
      handle: async ({ token, params, res, url }) => {
        ctx.instructor.require(token);
        const report = await buildReport(parts, ctx, params.id!);
        sendCsv(res, `${fileName(report.class.name)}-progress.csv`, reportCsv(report, csvOptions(url)));
        return undefined;
      },
    },
    {
      method: 'GET',
      path: '/api/classes/:id/attempts.csv',
      auth: 'none',
      handle: async ({ token, params, res, url }) => {
        ctx.instructor.require(token);
        const report = await buildReport(parts, ctx, params.id!);
        const cls = report.class;
        sendCsv(
          res,
          `${fileName(cls.name)}-attempts.csv`,
          attemptsCsv(report, ctx.classes.learners(cls.id), ctx.progress.attemptsOfClass(cls.id), csvOptions(url)),
        );
        return undefined;
      },
    },
    {
      method: 'POST',
      path: '/api/classes/:id/learners/:learner/reset',
      auth: 'none',
      handle: async ({ token, params, body }) => {
        ctx.instructor.require(token);
        learnerOf(ctx, params.id!, params.learner!);
        const input = parse(resetSchema, await body());
        const cls = ctx.classes.get(params.id!)!;
        const labs = input.lab ? [input.lab] : cls.chapters;
        const unknown = labs.filter((lab) => !parts.labs.has(lab));
        if (unknown.length)
          throw new HttpError(400, `lab: unknown or not ready: ${unknown.join(', ')}`, {
            code: 'class.chaptersNotReady',
            params: { chapters: unknown.join(', ') },
          });
        for (const lab of labs) await resetChapter(parts, ctx, params.learner!, lab);
        ctx.changed(params.id!);
        return { status: 200, body: { ok: true, reset: labs } };
      },
    },
    {
      method: 'DELETE',
      path: '/api/classes/:id/learners/:learner',
      auth: 'none',
      handle: async ({ token, params }) => {
        ctx.instructor.require(token);
        learnerOf(ctx, params.id!, params.learner!);
        // Their open terminal says why it stops answering (its session and environments go next).
        parts.notifier.notify(params.learner!, {
          type: 'error',
          message:
            'the instructor removed you from the class; reload the page to ' +
            'go on by yourself / 강사가 강의실에서 제외했습니다. 페이지를 새로 고치면 혼자서 계속할 수 있습니다',
          code: 'class.removed',
        });
        await parts.runtime.closeSession(params.learner!);
        await parts.progress.deleteSession(params.learner!);
        await parts.sessions.store.delete(params.learner!);
        ctx.changed(params.id!);
        return { status: 200, body: { ok: true } };
      },
    },
  ];
}
