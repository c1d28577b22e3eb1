/**
 * The wire protocol between the lesson pages and the lab server: the HTTP/JSON bodies.
 * Parsed with zod at both ends (parse, don't validate). Browser code imports this file too, so it must
 * import nothing from Node.
 *
 * HTTP (all session routes need `Authorization: Bearer <sessionToken>`):
 *   GET  /api/health                                -> Health
 *   POST /api/session                               -> SessionCreated            (no token; makes a new session)
 *   GET  /api/session                               -> SessionInfo
 *   GET  /api/progress                              -> Progress                   (all labs)
 *   POST /api/labs/:lab/steps/:step/check  StepActionRequest -> CheckResultBody
 *   POST /api/labs/:lab/steps/:step/solve  StepActionRequest -> SolveResult     (runs in the lab's terminal)
 *   POST /api/labs/:lab/apply    ApplyRequest       -> ApplyResult               (as `kubectl apply -f -`)
 *   POST /api/labs/:lab/preview  PreviewRequest     -> PreviewResult             (from outside through the ingress)
 *   POST /api/labs/:lab/reset                       -> { ok: true }
 * The terminal's WebSocket messages are in `terminal.ts`, the classroom's in `classroom.ts`.
 */
import { z } from 'zod';
import { labApiSchema } from '../labs/schema.ts';

/** Answer of GET /api/health. */
export const healthSchema = z.object({ ok: z.literal(true), backend: z.enum(['sim', 'kind']) });
export type Health = z.infer<typeof healthSchema>;

/** Answer of POST /api/session. */
export const sessionCreatedSchema = z.object({ sessionToken: z.string().min(20) });
export type SessionCreated = z.infer<typeof sessionCreatedSchema>;

/** Answer of GET /api/session. */
export const sessionInfoSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  displayName: z.string().optional(),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

/** What ran a step's check: the learner's Check, Solve (its check follows it), or the server by itself. */
export const checkTriggerSchema = z.enum(['check', 'solve', 'automatic']);
export type CheckTrigger = z.infer<typeof checkTriggerSchema>;

/**
 * One step's recorded state. A step once passed stays passed (`status`, `passedAt`); beside it, `failingNow` says
 * the latest check failed since, and `resetSince` that the environment went back to its start after the latest pass.
 */
export const stepProgressSchema = z.object({
  status: z.enum(['passed', 'failed']),
  /** RFC 3339 time of the last attempt. */
  at: z.string(),
  attempts: z.number().int(),
  /** The first pass. */
  passedAt: z.string().optional(),
  /** The latest pass. */
  lastPassedAt: z.string().optional(),
  /** What ran the check that first passed. */
  passedBy: checkTriggerSchema.optional(),
  /** Passed before, but the latest check failed (the learner's Check or Solve's). */
  failingNow: z.boolean().optional(),
  /** Passed before, and the environment was reset after the latest pass. */
  resetSince: z.boolean().optional(),
});
export type StepProgress = z.infer<typeof stepProgressSchema>;

/** Answer of GET /api/progress: lab id -> step id -> state (steps never tried are absent). */
export const progressSchema = z.record(z.string(), z.record(z.string(), stepProgressSchema));
export type Progress = z.infer<typeof progressSchema>;

/** One piece of evidence a check gathered (a request and its answer, an object read, a command run). */
export const evidenceSchema = z.object({
  /** What was done, e.g. `GET http://ingress/productpage x100` or `kubectl get virtualservice reviews`. */
  action: z.string(),
  /** What came back, summarised (counts per class, status lines, the object's relevant fields). */
  result: z.string(),
});
export type Evidence = z.infer<typeof evidenceSchema>;

/** A failing step whose outcome a later step replaced: the cluster is at that step now. */
export const replacedSchema = z.object({
  /** The later step done last, its number (1-based) and its title. */
  step: z.string(),
  number: z.number().int(),
  title: z.object({ ko: z.string(), en: z.string() }),
  /** When this step's outcome held (RFC 3339), if it did in this environment's life. */
  heldAt: z.string().optional(),
});
export type Replaced = z.infer<typeof replacedSchema>;

/**
 * Body of a step's Check and Solve: the API the learner follows in this chapter (`istio` when absent). The step's
 * check and solution are that API's; the server also checks automatically in it from then on.
 */
export const stepActionRequestSchema = z.object({ api: labApiSchema.default('istio') });
export type StepActionRequest = z.input<typeof stepActionRequestSchema>;

/** Answer of a check. */
export const checkResultBodySchema = z.object({
  ok: z.boolean(),
  /** What the check saw and, when it fails, what is likely wrong. */
  explanation: z.object({ ko: z.string(), en: z.string() }),
  evidence: z.array(evidenceSchema),
  /** Looks the check took (a real cluster is retried while configuration propagates). */
  attempts: z.number().int(),
  durationMs: z.number(),
  /** How long it waited for the configuration to take effect, when it did (ms). */
  waitedMs: z.number().optional(),
  /** Set when the step fails because a later step replaced its outcome. */
  replaced: replacedSchema.optional(),
  /**
   * Set when this Check measured nothing itself: an automatic check measured this outcome then (RFC 3339) on the
   * same objects, and none was created, changed or deleted since. `attempts` and `durationMs` are then 0.
   */
  measuredAt: z.string().optional(),
  progress: stepProgressSchema,
});
export type CheckResultBody = z.infer<typeof checkResultBodySchema>;

/** Answer of Solve. */
export const solveResultSchema = z.object({
  ok: z.boolean(),
  ranSteps: z.array(z.string()),
  exitCode: z.number().int(),
  /** The step's check, run after its solution (absent when the solution failed or the step has no check). */
  check: checkResultBodySchema.optional(),
});
export type SolveResult = z.infer<typeof solveResultSchema>;

/** Body of Apply: the editor's buffer. */
export const applyRequestSchema = z.object({ yaml: z.string().max(200_000), file: z.string().max(200).optional() });
export const applyResultSchema = z.object({ output: z.string(), exitCode: z.number().int() });
export type ApplyResult = z.infer<typeof applyResultSchema>;

/** Body of Preview: the path (and optional Host header) to fetch through the ingress gateway. */
export const previewRequestSchema = z.object({
  path: z.string().max(2000).default('/'),
  host: z.string().max(253).optional(),
  /** A link is a GET; a form may POST its fields (`application/x-www-form-urlencoded`). */
  method: z.enum(['GET', 'POST']).default('GET'),
  body: z
    .string()
    .max(64 * 1024)
    .optional(),
  /** The API the learner follows (the Preview enters through that API's gateway); absent: the environment's. */
  api: labApiSchema.optional(),
  /** The browser's own headers the Preview may send: the app's cookies and a form's content type. */
  headers: z
    .object({ cookie: z.string().max(4096).optional(), 'content-type': z.string().max(200).optional() })
    .strict()
    .default({}),
});
export const previewResultSchema = z.object({
  status: z.number().int(),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
  error: z.string().optional(),
});
export type PreviewResult = z.infer<typeof previewResultSchema>;

/** Error bodies of every route: `{error: "..."}` with a 4xx/5xx status. */
export const errorBodySchema = z.object({
  error: z.string(),
  /** What went wrong as a stable name the page words in its own language (`error` is the English words). */
  code: z.string().optional(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Answer of GET /api/labs/:lab/traffic?service=&namespace=&seconds=: the service's recent requests per version. */
export const trafficSummarySchema = z.object({
  service: z.string(),
  namespace: z.string(),
  since: z.string(),
  versions: z.array(
    z.object({ version: z.string(), requests: z.number().int(), errors: z.number().int(), mirrored: z.number().int() }),
  ),
});
export type TrafficSummaryBody = z.infer<typeof trafficSummarySchema>;
