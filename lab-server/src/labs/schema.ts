/**
 * The lab file schema: one declarative file per chapter under `content/labs/`.
 * Shared by the site build, the lab server, the CLI and the tests; imports nothing from Astro.
 */
import { z } from 'zod';

/**
 * A chapter id: also the lab file's name (`content/labs/<id>.yaml`) and the lesson's slug. The chapters are
 * whatever lab files exist; nothing lists them by hand.
 */
export const labIdSchema = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a lab id is lowercase words joined by hyphens, e.g. traffic-shifting')
  .describe('Chapter id; also the lab file name and the lesson slug.');
export type LabId = z.infer<typeof labIdSchema>;

/** The two languages every text exists in. */
export const LOCALES = ['ko', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** Text in both languages; neither may be empty. */
export const localizedSchema = z
  .object({
    ko: z.string().min(1).describe('Korean text.'),
    en: z.string().min(1).describe('English text.'),
  })
  .strict();
export type Localized = z.infer<typeof localizedSchema>;

/** A container to act from or on: a namespace plus a pod name or a label selector. */
export const containerRefSchema = z
  .object({
    namespace: z.string().default('default').describe('Namespace of the pod.'),
    pod: z.string().optional().describe('Pod name; use `selector` when names are generated.'),
    selector: z.string().optional().describe('Label selector; the first running pod is used.'),
    container: z.string().optional().describe('Container name; the first app container if omitted.'),
  })
  .strict()
  .refine((r) => r.pod !== undefined || r.selector !== undefined, { message: 'needs `pod` or `selector`' });

/** A Kubernetes Gateway API Gateway that requests from outside enter through (Istio's `<name>-istio` Service). */
export const gatewayRefSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Gateway name (lowercase letters, digits, -)'),
    namespace: z.string().default('default').describe("The Gateway's namespace; `default` is the chapter's namespace."),
  })
  .strict();

/** A request from the learner's machine: through istio-ingressgateway, or through a Gateway API Gateway. */
export const outsideOriginSchema = z
  .object({
    outside: z.literal(true).describe("Send from the learner's machine through the ingress gateway."),
    gateway: gatewayRefSchema
      .optional()
      .describe("Enter through this Gateway API Gateway's Service (`<name>-istio`) instead of istio-ingressgateway."),
  })
  .strict();

/** Where a check's HTTP requests start. */
export const originSchema = z.union([
  z.object({ pod: containerRefSchema.describe('Send from inside this pod (through its sidecar).') }).strict(),
  outsideOriginSchema,
]);

/** One HTTP request template. */
export const requestSchema = z
  .object({
    method: z.string().default('GET'),
    url: z.string().describe('Full URL; host `ingress` means the ingress gateway when sent from outside.'),
    headers: z.record(z.string(), z.string()).default({}),
    body: z.string().optional(),
    timeoutMs: z.number().int().positive().default(10_000),
  })
  .strict();

/** A text comparison in istio.io's doc-test vocabulary. */
export const textExpectationSchema = z
  .object({
    verb: z
      .enum(['same', 'contains', 'notContains', 'elided', 'like', 'lines', 'firstLine', 'matches'])
      .describe(
        'same: equal; contains / notContains: substring; elided: `...` lines stand for any lines; like: same shape (IPs, ages, ' +
          'hashes may differ); lines: `+` lines must appear, `-` must not; firstLine: first line equal; matches: regular expression.',
      ),
    text: z.string(),
  })
  .strict();
export type TextExpectation = z.infer<typeof textExpectationSchema>;

/** How a response is sorted into a named class for traffic checks (first matching rule wins). */
export const classifierSchema = z
  .object({
    name: z.string().describe('Class name, e.g. `v3` or `red stars`.'),
    label: localizedSchema.optional().describe('How explanations name the class.'),
    bodyContains: z.string().optional(),
    bodyNotContains: z.string().optional(),
    status: z.number().int().optional(),
    header: z.object({ name: z.string(), contains: z.string() }).strict().optional(),
  })
  .strict();

const checkBase = {
  timeoutSeconds: z.number().positive().max(120).default(20).describe('Deadline: retried with backoff until then.'),
  explain: localizedSchema.optional().describe('What the check verifies, shown beside the result.'),
};

/** An object exists (or not) and its fields hold values. */
export const objectCheckSchema = z
  .object({
    type: z.literal('object'),
    ...checkBase,
    ref: z.object({ kind: z.string(), name: z.string(), namespace: z.string().default('default') }).strict(),
    absent: z.boolean().default(false).describe('Expect the object not to exist.'),
    fields: z
      .array(
        z
          .object({ path: z.string().describe('JSONPath-like: `spec.http[0].route[1].weight`.'), equals: z.unknown() })
          .strict(),
      )
      .default([]),
  })
  .strict();

/** A traffic distribution: N requests, classified, compared with expected shares by a statistical test. */
export const trafficCheckSchema = z
  .object({
    type: z.literal('traffic'),
    ...checkBase,
    from: originSchema,
    request: requestSchema,
    requests: z.number().int().min(10).max(1000).default(100),
    classes: z.array(classifierSchema).min(1).describe('Rules tried in order; unmatched responses are `other`.'),
    expect: z.record(z.string(), z.number().min(0).max(1)).describe('Expected share per class name; must sum to 1.'),
  })
  .strict()
  .refine((c) => Math.abs(Object.values(c.expect).reduce((a, b) => a + b, 0) - 1) < 1e-9, {
    message: 'expected shares must sum to 1',
    path: ['expect'],
  });

/** One HTTP outcome: status, headers, body, duration. */
export const httpCheckSchema = z
  .object({
    type: z.literal('http'),
    ...checkBase,
    from: originSchema,
    request: requestSchema,
    expect: z
      .object({
        status: z.number().int().optional().describe('0 means the request must fail at the transport level.'),
        curlExitCode: z.number().int().optional(),
        headers: z.record(z.string(), z.string()).default({}).describe('Header name -> substring of its value.'),
        absentHeaders: z.array(z.string()).default([]),
        body: z.array(textExpectationSchema).default([]),
        minMs: z.number().nonnegative().optional(),
        maxMs: z.number().positive().optional(),
      })
      .strict(),
  })
  .strict();

/** A command's exit code and output inside a container. */
export const execCheckSchema = z
  .object({
    type: z.literal('exec'),
    ...checkBase,
    target: containerRefSchema,
    command: z.array(z.string()).min(1),
    expect: z
      .object({ exitCode: z.number().int().optional(), stdout: z.array(textExpectationSchema).default([]) })
      .strict(),
  })
  .strict();

/** A command run in the lab shell (as the learner would) and its output. */
export const shellCheckSchema = z
  .object({
    type: z.literal('shell'),
    ...checkBase,
    script: z.string().min(1),
    expect: z
      .object({ exitCode: z.number().int().optional(), output: z.array(textExpectationSchema).default([]) })
      .strict(),
  })
  .strict();

/** Log lines present or absent in a container's log since the step began. */
export const logsCheckSchema = z
  .object({
    type: z.literal('logs'),
    ...checkBase,
    target: containerRefSchema,
    learnerOnly: z
      .boolean()
      .default(false)
      .describe("Read only the lines the learner's own requests left (the checks' own requests are left out)."),
    expect: z.array(textExpectationSchema).min(1),
  })
  .strict();

/**
 * The learner's own requests to a service since the step began, per version, from its sidecars' access logs: the
 * check of a step that asks the learner to look (refresh the Preview, run a curl). It sends nothing itself.
 */
export const observedCheckSchema = z
  .object({
    type: z.literal('observed'),
    ...checkBase,
    service: z.string().describe('The Service whose pods (labelled `app=<service>`) answered the requests.'),
    namespace: z.string().default('default'),
    pathPrefix: z.string().optional().describe('Count only requests whose path starts with this.'),
    minRequests: z.number().int().min(1).default(1).describe('Fewest requests of the learner that tell anything.'),
    expect: z
      .record(z.string(), z.number().min(0).max(1))
      .describe("Expected share per `version` label of the service's pods; must sum to 1."),
  })
  .strict()
  .refine((c) => Math.abs(Object.values(c.expect).reduce((a, b) => a + b, 0) - 1) < 1e-9, {
    message: 'expected shares must sum to 1',
    path: ['expect'],
  });

/** The learner ran a matching command in the terminal since the step began. */
export const ranCheckSchema = z
  .object({
    type: z.literal('ran'),
    ...checkBase,
    pattern: z.string().describe('Regular expression matched against each command line.'),
    exitCode: z.number().int().default(0),
  })
  .strict();

/** A check; `all` combines several. */
export type Check =
  | z.infer<typeof objectCheckSchema>
  | z.infer<typeof trafficCheckSchema>
  | z.infer<typeof httpCheckSchema>
  | z.infer<typeof execCheckSchema>
  | z.infer<typeof shellCheckSchema>
  | z.infer<typeof logsCheckSchema>
  | z.infer<typeof ranCheckSchema>
  | z.infer<typeof observedCheckSchema>
  | { type: 'all'; timeoutSeconds: number; explain?: Localized; checks: Check[] };

export const checkSchema: z.ZodType<Check> = z.lazy(() =>
  z.union([
    objectCheckSchema,
    trafficCheckSchema,
    httpCheckSchema,
    execCheckSchema,
    shellCheckSchema,
    logsCheckSchema,
    ranCheckSchema,
    observedCheckSchema,
    z.object({ type: z.literal('all'), ...checkBase, checks: z.array(checkSchema).min(1) }).strict(),
  ]),
) as z.ZodType<Check>;

/** A file shown in the lesson's editor. */
export const editorFileSchema = z
  .object({
    name: z
      .string()
      .regex(/^[\w.-]+\.ya?ml$/)
      .describe('File name shown on the editor tab; unique in the lab.'),
    source: z.string().optional().describe('Path under `content/samples/` to start from.'),
    content: z.string().optional().describe('Inline starting content (prefer `source`).'),
  })
  .strict()
  .refine((f) => (f.source === undefined) !== (f.content === undefined), {
    message: 'needs exactly one of `source` or `content`',
  });

/** The two APIs a chapter may be followed in: Istio's own (VirtualService, DestinationRule...) or the Kubernetes Gateway API. */
export const LAB_APIS = ['istio', 'gateway'] as const;
export const labApiSchema = z.enum(LAB_APIS).describe('istio: Istio API; gateway: Kubernetes Gateway API.');
export type LabApi = z.infer<typeof labApiSchema>;

/**
 * A step's Gateway API variant: what differs when the learner follows the chapter in the Gateway API. Each field
 * given replaces the Istio-API step's; a check that measures an outcome (a split, mirror copies) is usually shared.
 */
export const stepVariantSchema = z
  .object({
    title: localizedSchema.optional().describe("Replaces the step's title."),
    commands: z.array(z.string()).optional().describe("Replaces the step's commands."),
    files: z.array(editorFileSchema).optional().describe("Replaces the step's editor files."),
    hints: z.array(localizedSchema).optional().describe("Replaces the step's hints."),
    solution: z.string().optional().describe("Replaces the step's solution."),
    check: checkSchema.optional().describe("Replaces the step's check."),
  })
  .strict()
  .refine((v) => Object.values(v).some((value) => value !== undefined), {
    message: 'a gateway variant replaces at least one of title, commands, files, hints, solution or check',
    // A misspelt field is reported as such, not also as an empty variant.
    when: (payload) => payload.issues.length === 0,
  });
export type StepVariant = z.infer<typeof stepVariantSchema>;

/** One step of a lab. */
export const stepSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/)
      .describe('Stable id, placed in the MDX by `<Step id>`.'),
    title: localizedSchema,
    commands: z.array(z.string()).default([]).describe('Shell commands the lesson shows for this step.'),
    files: z.array(editorFileSchema).default([]).describe('Editor files for this step.'),
    check: checkSchema.optional().describe('Omitted only for reading steps.'),
    observes: z
      .boolean()
      .default(false)
      .describe("The check only observes an earlier step's result, so it may pass before this step."),
    hints: z.array(localizedSchema).default([]),
    solution: z
      .string()
      .default('')
      .describe("Shell script that completes the step from the previous step's end state."),
    gateway: stepVariantSchema
      .optional()
      .describe('The step in the Kubernetes Gateway API, where it differs from the Istio-API step.'),
  })
  .strict();
export type Step = z.infer<typeof stepSchema>;

/** The Preview in the Gateway API: where it enters, and what it shows there when that differs. */
export const previewVariantSchema = z
  .object({
    url: z.string().optional().describe("Replaces the Preview's URL."),
    headers: z.record(z.string(), z.string()).optional().describe("Replaces the Preview's headers."),
    from: outsideOriginSchema.optional().describe('Replaces where the Preview enters (a Gateway API Gateway).'),
  })
  .strict();

/** The page shown in the Preview pane, fetched from outside the cluster. */
export const previewSchema = z
  .object({
    url: z.string().describe('Full URL; host `ingress` means the gateway the Preview enters through.'),
    headers: z.record(z.string(), z.string()).default({}),
    from: outsideOriginSchema
      .default({ outside: true })
      .describe('Where the Preview enters: istio-ingressgateway unless a Gateway API Gateway is named.'),
    gateway: previewVariantSchema
      .optional()
      .describe('The Preview in the Kubernetes Gateway API, where it differs (usually `from`).'),
  })
  .strict();
export type Preview = z.infer<typeof previewSchema>;

/** One chapter's lab file. */
export const labSchema = z
  .object({
    id: labIdSchema,
    order: z.number().int().positive(),
    title: localizedSchema,
    summary: localizedSchema,
    status: z.enum(['ready', 'planned']).describe('`planned`: the lesson page says the lab is not built yet.'),
    namespace: z.string().default('default'),
    setup: z
      .string()
      .default('')
      .describe("Shell script that brings a fresh environment to the chapter's starting state."),
    preview: previewSchema.optional().describe('Page shown in the Preview pane, fetched from outside.'),
    steps: z.array(stepSchema),
  })
  .strict()
  .superRefine((lab, ctx) => {
    const seen = new Set<string>();
    const files = new Map<string, string>();
    lab.steps.forEach((s, i) => {
      if (seen.has(s.id))
        ctx.addIssue({ code: 'custom', message: `duplicate step id "${s.id}"`, path: ['steps', i, 'id'] });
      seen.add(s.id);
      // The page shows one editor per file name, whichever API the learner follows.
      const named: [string, (string | number)[]][] = [
        ...s.files.map((f, j): [string, (string | number)[]] => [f.name, ['steps', i, 'files', j, 'name']]),
        ...(s.gateway?.files ?? []).map((f, j): [string, (string | number)[]] => [
          f.name,
          ['steps', i, 'gateway', 'files', j, 'name'],
        ]),
      ];
      for (const [name, path] of named) {
        const other = files.get(name);
        if (other !== undefined)
          ctx.addIssue({ code: 'custom', message: `editor file "${name}" is also a file of step "${other}"`, path });
        files.set(name, s.id);
      }
    });
    if (lab.status === 'ready' && lab.steps.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'a ready lab needs steps', path: ['steps'] });
    }
  });
export type Lab = z.infer<typeof labSchema>;
/** What an author writes, before defaults are filled in. */
export type LabInput = z.input<typeof labSchema>;
