/** `labs serve`: the site, the API and the terminals on one port. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LabBackend } from '../contract.ts';
import { isPoolBackend } from '../backends/pool/index.ts';
import { prepareTrafficPlans } from '../checks/evaluators/traffic.ts';
import { DEFAULT_LIMITS } from '../checks/types.ts';
import { loadAllLabs, LabFileError } from '../labs/load.ts';
import { createClassroom } from '../classroom/index.ts';
import { createLabServer, type LabServerOptions } from '../server/app.ts';
import { DEFAULT_MAX_ENVIRONMENTS } from '../server/labRuntime.ts';
import { socketsPerAddressFor } from '../server/websocket.ts';
import { CliError, intFlag, parseFlags } from './args.ts';
import { backendChoice, backendFromArg, type BackendChoice } from './backendArg.ts';
import { HELP } from './help.ts';
import { reportServing, SUPERVISED_ENV, supervise } from './supervise.ts';

/** Runs `astro build` when `dist/` has no index page. */
function buildIfMissing(siteDir: string, out: NodeJS.WritableStream): void {
  if (existsSync(join(siteDir, 'index.html'))) return;
  out.write(`labs serve: ${siteDir} is missing; building the site first (astro build)...\n`);
  const astro = resolve('node_modules', '.bin', 'astro');
  const r = spawnSync(existsSync(astro) ? astro : 'npx', existsSync(astro) ? ['build'] : ['astro', 'build'], {
    stdio: 'inherit',
  });
  if (r.status !== 0)
    throw new CliError(
      `labs serve: the site build failed (exit ${r.status ?? r.signal}); run "npm run build" to see why`,
    );
}

/** Resolves on SIGINT or SIGTERM. */
function untilSignal(): Promise<void> {
  return new Promise<void>((resolveStop) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolveStop();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** What serve needs from outside; tests substitute them. */
export interface ServeDeps {
  makeBackend: (choice: BackendChoice) => Promise<LabBackend>;
  /** Resolves when the server should stop. */
  untilStop: () => Promise<void>;
  /** Called with the URL once listening. */
  onListening?: (url: string) => void;
}

/** The real dependencies: the pooled simulator (environments off the server's thread), or kind. */
const REAL_DEPS: ServeDeps = {
  makeBackend: (choice) => backendFromArg({ ...choice, isolated: true }),
  untilStop: untilSignal,
};

/**
 * Runs the command; resolves when the server has stopped (SIGINT/SIGTERM). Run for real (not by tests), it
 * supervises: the server runs in a child process that is started again if it dies.
 */
export async function serveCommand(argv: string[], out: NodeJS.WritableStream, deps?: ServeDeps): Promise<number> {
  if (!deps && process.env[SUPERVISED_ENV] !== '1' && !argv.includes('--help') && !argv.includes('-h'))
    return supervise(argv, out);
  return serveOnce(argv, out, deps ?? REAL_DEPS);
}

async function serveOnce(argv: string[], out: NodeJS.WritableStream, deps: ServeDeps): Promise<number> {
  const { values } = parseFlags('serve', argv, {
    backend: { type: 'string' },
    context: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'build-if-missing': { type: 'boolean' },
    classroom: { type: 'boolean' },
    data: { type: 'string' },
    'sockets-per-address': { type: 'string' },
  });
  if (values.help) {
    out.write(HELP.serve!);
    return 0;
  }
  // On a cluster, a class gives every learner a namespace, a gateway and a confined toolbox of their own.
  const choice = backendChoice('serve', values, Boolean(values.classroom));
  const socketsFlag = (values['sockets-per-address'] as string | undefined) ?? process.env.LABS_SOCKETS_PER_ADDRESS;
  const socketsPerAddress = intFlag('serve', '--sockets-per-address', socketsFlag, 1, 1_000_000);
  const port = intFlag('serve', '--port', (values.port as string | undefined) ?? process.env.PORT, 0, 65535) ?? 4321;
  const host = (values.host as string | undefined) ?? process.env.HOST ?? '127.0.0.1';
  const siteDir = resolve('dist');
  if (values['build-if-missing']) buildIfMissing(siteDir, out);
  let labs: ReturnType<typeof loadAllLabs>;
  try {
    labs = loadAllLabs();
  } catch (error) {
    if (error instanceof LabFileError) throw new CliError(error.message);
    throw error;
  }
  // Every mode keeps sessions, progress and environment journals in SQLite: a restart loses nothing acknowledged.
  const dataDir = resolve((values.data as string | undefined) ?? process.env.LABS_DATA ?? '.labs-data');
  const persistence = await createClassroom({
    dataDir,
    ...(process.env.LABS_INSTRUCTOR_TOKEN ? { instructorToken: process.env.LABS_INSTRUCTOR_TOKEN } : {}),
  });
  const classroom = values.classroom ? persistence : undefined;
  const backend = await deps.makeBackend(choice);
  // Learners who join at once find the simulator's code compiled and the chapters' starting states made.
  if (isPoolBackend(backend)) await backend.warm(labs);
  // ...and the first Check of a traffic step finds its sequential plans made, not made on the server's thread.
  prepareTrafficPlans(
    labs.flatMap((lab) =>
      lab.steps.flatMap((step) => [step.check, step.gateway?.check].filter((c) => c !== undefined)),
    ),
    DEFAULT_LIMITS,
  );
  // Origins besides the server's own that may open WebSockets (a reverse proxy's public name).
  const allowedOrigins = (process.env.LABS_ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  // The simulator applies configuration at once: a failure unchanged for 2.5 s is the answer (a real cluster
  // needs the default 6 s for istiod to push new routes to the proxies).
  const options: LabServerOptions = {
    backend,
    labs,
    siteDir,
    allowedOrigins,
    ...(backend.name === 'sim' ? { checks: { settleMs: 2_500 } } : {}),
    // LABS_AUTO_CHECKS=off: no background checks after commands (the classroom bench measures what they cost).
    ...(process.env.LABS_AUTO_CHECKS === 'off' ? { autoChecks: false as const } : {}),
    // LABS_AUTO_CHECKS_AT_ONCE=N: environments whose automatic checks run at once (default 16; the bench tunes it).
    ...(process.env.LABS_AUTO_CHECKS !== 'off' && Number(process.env.LABS_AUTO_CHECKS_AT_ONCE) >= 1
      ? { autoChecks: { concurrency: Math.floor(Number(process.env.LABS_AUTO_CHECKS_AT_ONCE)) } }
      : {}),
  };
  const maxEnvironments = process.env.LABS_MAX_ENVIRONMENTS ? Number(process.env.LABS_MAX_ENVIRONMENTS) : undefined;
  Object.assign(options, {
    sessionStore: persistence.sessionStore,
    progressStore: persistence.progressStore,
    restoreEnvironment: persistence.restoreEnvironment,
    ...(classroom ? { routes: classroom.routes, wsRoutes: classroom.wsRoutes } : {}),
    ...(process.env.LABS_IDLE_MINUTES ? { idleMs: Number(process.env.LABS_IDLE_MINUTES) * 60_000 } : {}),
    ...(maxEnvironments !== undefined ? { maxEnvironments } : {}),
    // A class often comes from one address (a venue's NAT): its cap follows the server's capacity.
    socketsPerAddress: socketsPerAddressFor({
      configured: socketsPerAddress,
      classroom: Boolean(classroom),
      maxEnvironments: maxEnvironments ?? DEFAULT_MAX_ENVIRONMENTS,
    }),
  });
  const server = createLabServer(options);
  await persistence.attach?.(server);
  let url: string;
  try {
    url = await server.listen(port, host);
  } catch (error) {
    await server.close();
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE')
      throw new CliError(`labs serve: port ${port} on ${host} is in use; choose another with --port N (or PORT=N)`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new CliError(`labs serve: cannot bind to ${host}: no such local address`);
    if (code === 'EACCES')
      throw new CliError(`labs serve: no permission to bind to port ${port}; use a port above 1023`);
    throw error;
  }
  if (!existsSync(join(siteDir, 'index.html')))
    out.write(`labs serve: warning: ${siteDir} has no site; run "npm run build" (or pass --build-if-missing)\n`);
  out.write(`Istio Traffic Labs is serving on ${url} (backend: ${backend.name})\n`);
  if (classroom) for (const line of classroom.banner?.(url) ?? []) out.write(`${line}\n`);
  else out.write(`Sessions, progress and lab journals are kept in ${dataDir}\n`);
  out.write('Press Ctrl-C to stop.\n');
  deps.onListening?.(url);
  reportServing();
  await deps.untilStop();
  out.write('labs serve: stopping\n');
  await server.close();
  await persistence.close?.();
  await backend.close().catch(() => undefined);
  return 0;
}
