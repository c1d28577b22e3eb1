/**
 * The terminal's WebSocket: GET /ws/terminal?lab=<id>&token=<sessionToken>&cols=N&rows=N[&api=istio|gateway]
 * (same Origin only; `api`: the API the learner follows, which the server's automatic checks use).
 * The page sends TerminalClientMessage, the server sends TerminalServerMessage; both ends parse with these schemas.
 * Browser code imports this file too, so it must import nothing from Node.
 */
import { z } from 'zod';
import { labApiSchema } from '../labs/schema.ts';
import { checkTriggerSchema, stepProgressSchema } from './api.ts';

/** Messages from the page's terminal. */
export const terminalClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('input'), data: z.string().max(1_000_000) }),
  z.object({
    type: z.literal('resize'),
    cols: z.number().int().min(2).max(1000),
    rows: z.number().int().min(2).max(500),
  }),
  /** The learner switched API in this chapter: automatic checks follow it. */
  z.object({ type: z.literal('api'), api: labApiSchema }),
]);
export type TerminalClientMessage = z.infer<typeof terminalClientMessageSchema>;

/** Messages to the page's terminal. */
export const terminalServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('output'), data: z.string() }),
  /** Sent first on every connection: `replay` is what the terminal showed before (scrollback), for reloads. */
  z.object({ type: z.literal('attached'), resumed: z.boolean(), replay: z.string() }),
  /** Live progress, so the sidebar and the steps update when Solve or a check elsewhere changes them. */
  z.object({
    type: z.literal('progress'),
    lab: z.string(),
    step: z.string(),
    progress: stepProgressSchema,
    /** What ran the check; `automatic` when the server checked by itself after a command. */
    trigger: checkTriggerSchema.optional(),
    /** The check's explanation, for the step to show beside its badge. */
    explanation: z.object({ ko: z.string(), en: z.string() }).optional(),
  }),
  /** The lab's environment went back to its starting state (the page re-reads its progress). */
  z.object({ type: z.literal('reset'), lab: z.string() }),
  z.object({
    type: z.literal('error'),
    message: z.string(),
    /** A stable name the page words in its own language (see api.ts `errorBodySchema`). */
    code: z.string().optional(),
    params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  }),
]);
export type TerminalServerMessage = z.infer<typeof terminalServerMessageSchema>;
