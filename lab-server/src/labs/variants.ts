/**
 * A chapter seen in one API: the Istio-API steps as written, or each step with its Gateway API variant laid over
 * it. Every caller that runs or shows a step for a learner's choice (the step module, `labs verify`, the page) asks
 * here, so the choice means the same everywhere.
 */
import type { LoadedLab, ResolvedStep } from './load.ts';
import type { LabApi, Preview } from './schema.ts';

/** The APIs a chapter can be followed in: Istio's always; the Gateway API when some step has a variant. */
export function labApis(lab: Pick<LoadedLab, 'steps'>): LabApi[] {
  return lab.steps.some((s) => s.gateway) ? ['istio', 'gateway'] : ['istio'];
}

/** True when the chapter can be followed in `api`. */
export function offersApi(lab: Pick<LoadedLab, 'steps'>, api: LabApi): boolean {
  return labApis(lab).includes(api);
}

/** The step as a learner following `api` does it: the variant's fields replace the step's where given. */
export function stepForApi(step: ResolvedStep, api: LabApi): ResolvedStep {
  const { gateway, ...istio } = step;
  if (api === 'istio' || !gateway) return istio;
  return {
    ...istio,
    ...(gateway.title ? { title: gateway.title } : {}),
    ...(gateway.commands ? { commands: gateway.commands } : {}),
    ...(gateway.files ? { files: gateway.files } : {}),
    ...(gateway.hints ? { hints: gateway.hints } : {}),
    ...(gateway.solution !== undefined ? { solution: gateway.solution } : {}),
    ...(gateway.check ? { check: gateway.check } : {}),
  };
}

/** The Preview as a learner following `api` sees it: the variant's fields replace the Preview's where given. */
export function previewForApi(preview: Preview, api: LabApi): Preview {
  const { gateway, ...istio } = preview;
  if (api === 'istio' || !gateway) return istio;
  return {
    ...istio,
    ...(gateway.url !== undefined ? { url: gateway.url } : {}),
    ...(gateway.headers ? { headers: gateway.headers } : {}),
    ...(gateway.from ? { from: gateway.from } : {}),
  };
}

/** The chapter as a learner following `api` does it (the same lab when it has no such variant). */
export function labForApi(lab: LoadedLab, api: LabApi): LoadedLab {
  if (api === 'istio' && !lab.steps.some((s) => s.gateway) && !lab.preview?.gateway) return lab;
  return {
    ...lab,
    steps: lab.steps.map((s) => stepForApi(s, api)),
    ...(lab.preview ? { preview: previewForApi(lab.preview, api) } : {}),
  };
}

/** Every editor file of the chapter in either API (the page places each once, whichever API it shows). */
export function allEditorFiles(lab: Pick<LoadedLab, 'steps'>): ResolvedStep['files'] {
  return lab.steps.flatMap((s) => [...s.files, ...(s.gateway?.files ?? [])]);
}
