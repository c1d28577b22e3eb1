/** `labs class cleanup`: removes every learner namespace and toolbox a class left on its cluster (kind or kube). */
import { CliError, parseFlags, UsageError } from './args.ts';
import { HELP } from './help.ts';

/** The cleanup as the command uses it (backends/kind/classCleanup.ts); tests pass their own. */
export interface ClassCommandDeps {
  cleanup: (
    context: string,
    options: { dryRun: boolean; all: boolean; say: (line: string) => void },
  ) => Promise<{ namespaces: string[]; remaining: string[] }>;
}

async function defaultCleanup(
  context: string,
  options: { dryRun: boolean; all: boolean; say: (line: string) => void },
): Promise<{ namespaces: string[]; remaining: string[] }> {
  const kind = (await import('../backends/kind/index.ts')) as typeof import('../backends/kind/index.ts');
  const { cleanupClass } = (await import(
    '../backends/kind/classCleanup.ts'
  )) as typeof import('../backends/kind/classCleanup.ts');
  let api: ReturnType<typeof kind.connect>['api'];
  try {
    api = kind.connect({ context, missingContextHint: 'choose one with --context NAME' }).api;
  } catch (error) {
    throw new CliError(`labs class cleanup: ${error instanceof Error ? error.message : String(error)}`);
  }
  return cleanupClass(api, options);
}

/** Runs the command; resolves with the exit status. */
export async function classCommand(
  argv: string[],
  out: NodeJS.WritableStream,
  deps: ClassCommandDeps = { cleanup: defaultCleanup },
): Promise<number> {
  const { values, positionals } = parseFlags(
    'class',
    argv,
    { context: { type: 'string' }, 'dry-run': { type: 'boolean' }, all: { type: 'boolean' } },
    true,
  );
  if (values.help) {
    out.write(HELP.class!);
    return 0;
  }
  const [sub, ...extra] = positionals;
  if (sub !== 'cleanup')
    throw new UsageError(
      'class',
      sub ? `unknown command "${sub}"; expected cleanup` : 'missing command; expected cleanup',
    );
  if (extra.length > 0) throw new UsageError('class', `unexpected argument "${extra[0]}"`);
  const context = (values.context as string | undefined) ?? 'kind-labs';
  const dryRun = Boolean(values['dry-run']);
  try {
    const result = await deps.cleanup(context, {
      dryRun,
      all: Boolean(values.all),
      say: (line) => out.write(`${line}\n`),
    });
    if (dryRun) {
      out.write('Nothing was deleted (--dry-run).\n');
      return 0;
    }
    if (result.remaining.length > 0) {
      out.write(
        `${result.remaining.length} namespace(s) are still terminating; ` +
          'Kubernetes finishes them in the background ("kubectl get ns" shows them).\n',
      );
      return 1;
    }
    out.write(`Done: ${result.namespaces.length} learner namespace(s) removed from context ${context}.\n`);
    return 0;
  } catch (error) {
    if (error instanceof CliError || error instanceof UsageError) throw error;
    throw new CliError(`labs class cleanup: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}
