/**
 * The classroom's wire protocol: what the instructor's dashboard and the join page exchange with the lab server.
 * The server builds these shapes and the pages parse them with the same schemas. Browser code imports this file,
 * so it must import nothing from Node.
 */
import { z } from 'zod';
import { progressSchema } from './api.ts';

const bilingualSchema = z.object({ ko: z.string(), en: z.string() });

/** A failed check as the dashboard shows it: one line, the whole explanation on click. */
export const failureSchema = z.object({
  lab: z.string(),
  step: z.string(),
  at: z.string(),
  explanation: bilingualSchema,
  /** What kind of failure it was; learners failing a step alike share it. */
  signature: z.string().optional(),
});

/** One learner's row of the class report. */
export const learnerReportSchema = z.object({
  id: z.string(),
  name: z.string(),
  joinedAt: z.string(),
  progress: progressSchema,
  /** The learner's most recent failing check on a step not passed yet, if any. */
  latestFailure: failureSchema.optional(),
  /** The chapter the learner last worked in, if any. */
  activeLab: z.string().optional(),
  /** When the learner last did something themselves (a command, Apply, Check, Solve, reset); absent: never came. */
  lastActivityAt: z.string().optional(),
  /** The first step of their chapter not passed yet, and since when it has been theirs (the previous pass, or joining). */
  currentStep: z.object({ lab: z.string(), step: z.string(), since: z.string() }).optional(),
});
export type LearnerReport = z.infer<typeof learnerReportSchema>;

/** One step's column: how many passed, how many fail now, and the most common failure among them. */
export const stepSummarySchema = z.object({
  lab: z.string(),
  step: z.string(),
  passed: z.number().int(),
  failing: z.number().int(),
  commonFailure: z
    .object({ signature: z.string(), learners: z.number().int(), explanation: bilingualSchema })
    .optional(),
});
export type StepSummary = z.infer<typeof stepSummarySchema>;

/** The class report: the JSON of `GET /api/classes/:id/progress` and the source of the CSV exports. */
export const classReportSchema = z.object({
  class: z.object({
    id: z.string(),
    name: z.string(),
    chapters: z.array(z.string()),
    joinCode: z.string(),
    expiresAt: z.string(),
  }),
  /** The class's chapters with their titles, in order. */
  chapters: z.array(z.object({ lab: z.string(), title: bilingualSchema })),
  /** Every step of those chapters, with its number within its chapter. */
  steps: z.array(
    z.object({
      lab: z.string(),
      step: z.string(),
      number: z.number().int(),
      title: bilingualSchema,
      /** The step's title in the Gateway API, when that variant names it otherwise (learners may follow either). */
      gatewayTitle: bilingualSchema.optional(),
    }),
  ),
  learners: z.array(learnerReportSchema),
  /** Per chapter: how many learners passed every step of it. */
  completion: z.record(z.string(), z.object({ completed: z.number().int(), learners: z.number().int() })),
  /** Per step, in the order of `steps`. */
  summary: z.array(stepSummarySchema),
  /** The server's time when the report was made (activity and "stuck" are measured from it). */
  now: z.string(),
});
export type ClassReport = z.infer<typeof classReportSchema>;

/** Why a join URL may not work for learners on other machines. */
export const joinUrlProblemSchema = z.enum(['loopback-only', 'no-network']);

/** One class of `GET /api/classes`. */
export const classSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  chapters: z.array(z.string()),
  joinCode: z.string(),
  joinUrl: z.string(),
  joinUrlWarning: z.string().optional(),
  joinUrlProblem: joinUrlProblemSchema.optional(),
  createdAt: z.string(),
  expiresAt: z.string(),
  learners: z.number().int(),
});
export type ClassSummary = z.infer<typeof classSummarySchema>;

/** Answer of `POST /api/classes`. */
export const classCreatedSchema = z.object({
  id: z.string(),
  joinCode: z.string(),
  joinUrl: z.string(),
  joinUrlWarning: z.string().optional(),
  joinUrlProblem: joinUrlProblemSchema.optional(),
  expiresAt: z.string(),
  chapters: z.array(z.string()),
});
export type ClassCreated = z.infer<typeof classCreatedSchema>;

/** Answer of `POST /api/join`. */
export const joinedSchema = z.object({
  sessionToken: z.string(),
  learnerId: z.string(),
  classId: z.string(),
  className: z.string(),
  chapters: z.array(z.string()),
});
export type Joined = z.infer<typeof joinedSchema>;

/** Answer of `GET /api/classes/mine`: the class a learner's session is in (the join page offers to continue). */
export const myClassSchema = z.object({
  classId: z.string(),
  className: z.string(),
  joinCode: z.string(),
  chapters: z.array(z.string()),
  /** The name the learner joined with. */
  name: z.string(),
});
export type MyClass = z.infer<typeof myClassSchema>;

/** Messages of the dashboard's live socket (`/ws/classroom`). */
export const classroomServerMessageSchema = z.discriminatedUnion('type', [
  /** Something of the class changed: the dashboard fetches the report again. */
  z.object({ type: z.literal('changed'), classId: z.string() }),
  z.object({
    type: z.literal('error'),
    message: z.string(),
    /** A stable name the page words in its own language (see api.ts `errorBodySchema`). */
    code: z.string().optional(),
    params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  }),
]);
export type ClassroomServerMessage = z.infer<typeof classroomServerMessageSchema>;
