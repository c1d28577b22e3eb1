/** Routes acting on a session's lab: check, solve, apply, preview, reset. */
import type { LoadedLab } from '../../labs/load.ts';
import type { CheckStepOptions } from '../../steps/check.ts';
import { HttpError } from '../http.ts';
import type { ServerParts } from '../parts.ts';
import { recordStepCheck } from '../recordCheck.ts';
import {
  applyRequestSchema,
  previewRequestSchema,
  stepActionRequestSchema,
  type PreviewResult,
  type SolveResult,
} from '../../protocol/api.ts';
import { previewForApi, stepForApi } from '../../labs/variants.ts';
import type { Route } from '../router.ts';
import { trafficSummary } from '../trafficSummary.ts';

const PREVIEW_BODY_LIMIT = 2 * 1024 * 1024;

function findLab(parts: ServerParts, id: string | undefined): LoadedLab {
  const lab = parts.labs.get(id ?? '');
  if (lab) return lab;
  const planned = parts.allLabs.find((l) => l.id === id);
  if (planned)
    throw new HttpError(404, `lab "${id}" is not built yet`, { code: 'lab.planned', params: { lab: id ?? '' } });
  throw new HttpError(404, `unknown lab "${id}"; labs: ${[...parts.labs.keys()].join(', ')}`, {
    code: 'lab.unknown',
    params: { lab: id ?? '' },
  });
}

function findStep(lab: LoadedLab, id: string | undefined) {
  const index = lab.steps.findIndex((s) => s.id === id);
  if (index === -1)
    throw new HttpError(404, `lab "${lab.id}" has no step "${id}"`, {
      code: 'lab.noStep',
      params: { lab: lab.id, step: id ?? '' },
    });
  return { step: lab.steps[index]!, index };
}

/** Parses a body with a zod schema; 400 with zod's first message otherwise. */
function parseBody<T>(
  schema: {
    safeParse(
      v: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  value: unknown,
): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.join('.') || 'body';
  throw new HttpError(400, `${field}: ${issue.message}`, { code: 'request.invalid', params: { field } });
}

/** How a learner's Check (and Solve's) runs on this server. */
function checkOptions(parts: ServerParts): CheckStepOptions {
  return { limits: parts.checks.limits, settleMs: parts.checks.settleMs, maxWaitMs: parts.checks.maxWaitMs };
}

/** A heredoc delimiter that does not occur in the text. */
function delimiter(text: string): string {
  let d = 'LABS_APPLY_EOF';
  while (text.split('\n').some((l) => l.trim() === d)) d += '_';
  return d;
}

/** The routes. */
export function labRoutes(parts: ServerParts): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/labs/:lab/steps/:step/check',
      auth: 'session',
      handle: async ({ params, session, body }) => {
        const lab = findLab(parts, params.lab);
        const { api } = parseBody(stepActionRequestSchema, await body());
        const step = stepForApi(findStep(lab, params.step).step, api);
        if (!step.check)
          throw new HttpError(400, `step "${step.id}" has no check`, {
            code: 'lab.noCheck',
            params: { step: step.id },
          });
        const instance = await parts.runtime.instance(session!.id, lab.id);
        // The learner's choice of API holds for this check and for the automatic ones after it. Paced: a learner
        // pressing Check again and again cannot take the server's time from the others (`LabInstance.paced`).
        const checked = await instance.paced(() => {
          instance.steps.useApi(api);
          return instance.check(step.id, checkOptions(parts));
        });
        const result = await recordStepCheck(parts, session!.id, lab.id, step.id, checked, 'check');
        return { status: 200, body: result };
      },
    },
    {
      method: 'POST',
      path: '/api/labs/:lab/steps/:step/solve',
      auth: 'session',
      handle: async ({ params, session, body }) => {
        const lab = findLab(parts, params.lab);
        const { api } = parseBody(stepActionRequestSchema, await body());
        const step = stepForApi(findStep(lab, params.step).step, api);
        const instance = await parts.runtime.instance(session!.id, lab.id);
        // Steps not done in this environment's life (before a reset, or elsewhere) run again to rebuild the state;
        // then the step's own check says whether it holds, so the badge and the result agree.
        const { solved, checked } = await instance.solo(async () => {
          instance.steps.useApi(api);
          const solved = await instance.steps.solve(instance.terminal, step.id, { catchUp: true, interrupt: true });
          const checked =
            solved.ok && step.check ? await instance.steps.check(step.id, checkOptions(parts)) : undefined;
          return { solved, checked };
        });
        const check = checked
          ? await recordStepCheck(parts, session!.id, lab.id, step.id, checked, 'solve')
          : undefined;
        const result: SolveResult = {
          ok: solved.ok,
          ranSteps: solved.ranSteps,
          exitCode: solved.exitCode,
          ...(check ? { check } : {}),
        };
        return { status: 200, body: result };
      },
    },
    {
      method: 'POST',
      path: '/api/labs/:lab/apply',
      auth: 'session',
      maxBody: 1024 * 1024,
      handle: async ({ params, session, body }) => {
        const lab = findLab(parts, params.lab);
        const { yaml } = parseBody(applyRequestSchema, await body());
        const instance = await parts.runtime.instance(session!.id, lab.id);
        const d = delimiter(yaml);
        const script = `kubectl apply -f - <<'${d}'\n${yaml.replace(/\n?$/, '\n')}${d}\n`;
        const r = await instance.exclusive(() => instance.env.runScript(script));
        instance.auto?.trigger('cluster', instance.env.now());
        parts.events.emit('apply', {
          sessionId: session!.id,
          lab: lab.id,
          yaml,
          exitCode: r.exitCode,
          output: r.output,
        });
        return { status: 200, body: { output: r.output, exitCode: r.exitCode } };
      },
    },
    {
      method: 'GET',
      path: '/api/labs/:lab/traffic',
      auth: 'session',
      handle: async ({ params, session, url }) => {
        const lab = findLab(parts, params.lab);
        const service = url.searchParams.get('service') ?? '';
        if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(service))
          throw new HttpError(400, 'service: a Service name is required', {
            code: 'request.invalid',
            params: { field: 'service' },
          });
        const namespace = url.searchParams.get('namespace') ?? lab.namespace;
        const seconds = Math.min(3600, Math.max(1, Number(url.searchParams.get('seconds') ?? 60) || 60));
        const instance = await parts.runtime.instance(session!.id, lab.id);
        const summary = await trafficSummary(
          instance.env,
          service,
          namespace,
          instance.env.now().getTime() - seconds * 1000,
        );
        return { status: 200, body: summary };
      },
    },
    {
      method: 'POST',
      path: '/api/labs/:lab/preview',
      auth: 'session',
      handle: async ({ params, session, body }) => {
        const lab = findLab(parts, params.lab);
        const request = parseBody(previewRequestSchema, await body());
        if (!request.path.startsWith('/'))
          throw new HttpError(400, 'path: must start with /', { code: 'request.invalid', params: { field: 'path' } });
        const instance = await parts.runtime.instance(session!.id, lab.id);
        // The Preview follows the learner's API: in the Gateway API it enters through the chapter's Gateway.
        const preview = lab.preview && previewForApi(lab.preview, request.api ?? instance.steps.api);
        const base = preview ? new URL(preview.url) : new URL('http://ingress/');
        const url = request.path === '/' && preview ? preview.url : `${base.protocol}//${base.host}${request.path}`;
        const headers: Record<string, string> = {
          ...(preview?.headers ?? {}),
          ...(request.host ? { Host: request.host } : {}),
          ...(request.headers.cookie ? { Cookie: request.headers.cookie } : {}),
          ...(request.headers['content-type'] ? { 'Content-Type': request.headers['content-type'] } : {}),
        };
        const r = await instance.env.http(
          preview?.from.gateway ? { kind: 'outside', gateway: preview.from.gateway } : { kind: 'outside' },
          { method: request.method, url, headers, body: request.body, timeoutMs: 10_000 },
        );
        // A Preview refresh is the learner looking: an observing step may hold now.
        instance.auto?.trigger('action', instance.env.now());
        const result: PreviewResult = {
          status: r.status,
          headers: r.headers,
          body: r.body.length > PREVIEW_BODY_LIMIT ? r.body.slice(0, PREVIEW_BODY_LIMIT) : r.body,
          ...(r.error ? { error: `curl: (${r.error.curlExitCode}) ${r.error.message}` } : {}),
        };
        return { status: 200, body: result };
      },
    },
    {
      method: 'POST',
      path: '/api/labs/:lab/reset',
      auth: 'session',
      handle: async ({ params, session }) => {
        const lab = findLab(parts, params.lab);
        await parts.runtime.reset(session!.id, lab.id);
        return { status: 200, body: { ok: true } };
      },
    },
  ];
}
