/** `labs verify`: every step's check fails before its solution and passes after, for one lab or all. */
import { LAB_APIS, type Locale } from '../labs/schema.ts';
import { offersApi } from '../labs/variants.ts';
import { labIds, type LoadedLab } from '../labs/load.ts';
import { choiceFlag, CliError, parseFlags, UsageError } from './args.ts';
import { backendChoice, backendFromArg, type BackendChoice } from './backendArg.ts';
import type { LabBackend } from '../contract.ts';
import { HELP } from './help.ts';
import { labFromArg } from './labArg.ts';
import { verifyLab, type StepVerdict } from './verifyLab.ts';

/** One step's line: `PASS  traffic-shifting/destination-rules  Apply the default destination rules (0.4 s) ✓` */
export function stepLine(lab: string, v: StepVerdict): string {
  return `${v.ok ? 'PASS' : 'FAIL'}  ${lab}/${v.step}  ${v.title} (${(v.durationMs / 1000).toFixed(1)} s) ${v.ok ? '✓' : '✗'}`;
}

function defaultLocale(): Locale {
  return /^ko/i.test(process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG || '') ? 'ko' : 'en';
}

/** What verify needs from outside; tests substitute both. */
export interface VerifyDeps {
  makeBackend: (choice: BackendChoice) => Promise<LabBackend>;
  loadLab: (id: string) => LoadedLab;
  /** The chapters `--all` verifies: one per lab file. */
  labIds: () => string[];
}

/** Runs the command; resolves with the exit status. */
export async function verifyCommand(
  argv: string[],
  out: NodeJS.WritableStream,
  deps: VerifyDeps = { makeBackend: backendFromArg, loadLab: labFromArg, labIds: () => labIds() },
): Promise<number> {
  const { values } = parseFlags('verify', argv, {
    lab: { type: 'string' },
    all: { type: 'boolean' },
    backend: { type: 'string' },
    context: { type: 'string' },
    lang: { type: 'string' },
    api: { type: 'string' },
  });
  if (values.help) {
    out.write(HELP.verify!);
    return 0;
  }
  if (!values.lab === !values.all)
    throw new UsageError('verify', values.all ? 'give --lab <id> or --all, not both' : 'missing --lab <id> or --all');
  const choice = backendChoice('verify', values);
  const locale =
    choiceFlag('verify', '--lang', values.lang as string | undefined, ['en', 'ko'] as const) ?? defaultLocale();
  const api = choiceFlag('verify', '--api', values.api as string | undefined, LAB_APIS) ?? 'istio';
  // The chapters are the lab files, in their `order`.
  const labs: LoadedLab[] = (values.all ? deps.labIds() : [values.lab as string])
    .map((id) => deps.loadLab(id))
    .sort((a, b) => a.order - b.order);
  if (values.lab && !offersApi(labs[0]!, api))
    throw new CliError(`lab "${labs[0]!.id}" has no Gateway API variant yet; run it with --api istio`, 2);
  const backend = await deps.makeBackend(choice);
  let failed = 0;
  let passed = 0;
  let skipped = 0;
  try {
    for (const lab of labs) {
      if (lab.status === 'planned') {
        out.write(`SKIP  ${lab.id}  (planned: the lab is not built yet)\n`);
        skipped++;
        continue;
      }
      if (!offersApi(lab, api)) {
        out.write(`SKIP  ${lab.id}  (no Gateway API variant yet)\n`);
        skipped++;
        continue;
      }
      out.write(
        `${lab.id} on ${backend.name}${api === 'gateway' ? ' (Gateway API)' : ''}: ${lab.steps.length} steps\n`,
      );
      const tty = Boolean((out as { isTTY?: boolean }).isTTY);
      const verdicts = await verifyLab(lab, backend, {
        locale,
        api,
        // On a terminal, show the step being worked on; the final line replaces it.
        onStepStart: (step, title) => tty && out.write(`RUN   ${lab.id}/${step}  ${title} …`),
        onStep: (v) => {
          out.write(`${tty ? '\r\x1b[K' : ''}${stepLine(lab.id, v)}\n`);
          for (const d of v.ok ? [] : v.details) out.write(`      ${d.replace(/\n/g, '\n      ')}\n`);
        },
      });
      passed += verdicts.filter((v) => v.ok).length;
      failed += verdicts.filter((v) => !v.ok).length;
    }
  } finally {
    await backend.close().catch(() => undefined);
  }
  out.write(
    `\n${failed === 0 ? 'PASS' : 'FAIL'}: ${passed} step(s) passed, ${failed} failed${skipped ? `, ${skipped} lab(s) skipped` : ''}\n`,
  );
  return failed === 0 ? 0 : 1;
}
