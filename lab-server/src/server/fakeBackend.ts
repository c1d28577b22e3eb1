/**
 * A small, honest `LabBackend` for the lab server's, the checks' and the CLI's own tests: objects in a
 * map, commands from a table, HTTP answers from a function, a terminal with a line discipline just
 * big enough for echo, Enter and history. It is not the simulator; it lets these parts be tested
 * without it.
 */
import type {
  CommandRecord,
  ContainerRef,
  ExecResult,
  HttpOrigin,
  HttpRequest,
  HttpResult,
  K8sObject,
  LabBackend,
  LabEnvironment,
  ObjectQuery,
  ObjectRef,
  ScriptResult,
  TerminalChannel,
  TerminalOptions,
  EnvironmentSpec,
} from '../contract.ts';

/** A command of the fake shell: gets the argument string, may change the environment. */
export type FakeCommand = (
  args: string,
  env: FakeEnvironment,
  stdin: string,
) => { output?: string; exitCode?: number } | Promise<{ output?: string; exitCode?: number }>;

/** How tests shape the fake world. */
export interface FakeWorld {
  /** Command name -> behaviour. `echo` and `true`/`false` exist already. */
  commands?: Record<string, FakeCommand>;
  /** Answers HTTP requests; default: 404 for everything. */
  http?: (origin: HttpOrigin, request: HttpRequest, env: FakeEnvironment) => HttpResult;
  /** Logs per `namespace/pod/container`: lines with their times. */
  logs?: Record<string, { at: Date; text: string }[]>;
  /** What `prepare()` does (called once per environment). */
  prepare?: (env: FakeEnvironment) => void | Promise<void>;
}

const PROMPT = '$ ';

function key(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

/** The fake's terminal: echoes keystrokes, runs a line on Enter, prints a prompt. */
class FakeTerminal implements TerminalChannel {
  #env: FakeEnvironment;
  #line = '';
  #out = new Set<(d: string) => void>();
  #cmd = new Set<(r: CommandRecord) => void>();
  #queue: Promise<void> = Promise.resolve();
  closed = false;
  size: { cols: number; rows: number };

  constructor(env: FakeEnvironment, options: TerminalOptions) {
    this.#env = env;
    this.size = { cols: options.cols, rows: options.rows };
    queueMicrotask(() => this.#emit(PROMPT));
  }

  write(data: string): void {
    for (const ch of data) {
      if (ch === '\r' || ch === '\n') {
        const line = this.#line;
        this.#line = '';
        this.#emit('\r\n');
        this.#queue = this.#queue.then(async () => {
          if (line.trim() !== '') {
            const r = await this.#env.runLine(line);
            if (r.output) this.#emit(r.output.replace(/\n/g, '\r\n'));
            const record = { line, exitCode: r.exitCode, at: this.#env.now().toISOString() };
            this.#env.records.push(record);
            for (const l of this.#cmd) l(record);
          }
          this.#emit(PROMPT);
        });
      } else if (ch === '\x03') {
        this.#line = '';
        this.#emit('^C\r\n' + PROMPT);
      } else {
        this.#line += ch;
        this.#emit(ch);
      }
    }
  }

  resize(cols: number, rows: number): void {
    this.size = { cols, rows };
  }

  onOutput(listener: (data: string) => void): () => void {
    this.#out.add(listener);
    return () => this.#out.delete(listener);
  }

  onCommand(listener: (record: CommandRecord) => void): () => void {
    this.#cmd.add(listener);
    return () => this.#cmd.delete(listener);
  }

  close(): void {
    this.closed = true;
    this.#out.clear();
    this.#cmd.clear();
  }

  #emit(data: string): void {
    if (!this.closed) for (const l of this.#out) l(data);
  }
}

/** One fake environment. Public fields are there for tests to look at and change. */
export class FakeEnvironment implements LabEnvironment {
  readonly labId: string;
  readonly objects = new Map<string, K8sObject>();
  readonly records: CommandRecord[] = [];
  readonly terminals: FakeTerminal[] = [];
  prepared = 0;
  resets = 0;
  disposed = false;
  clock: () => Date = () => new Date();
  /** Absent (a real cluster's behaviour: checks retry); a test sets it to act as the simulator does. */
  settled?: (signal?: AbortSignal) => Promise<void>;
  #world: FakeWorld;

  constructor(labId: string, world: FakeWorld) {
    this.labId = labId;
    this.#world = world;
  }

  async prepare(): Promise<void> {
    if (this.prepared++ === 0) await this.#world.prepare?.(this);
  }

  async reset(): Promise<void> {
    this.resets++;
    this.objects.clear();
    this.prepared = 0;
    await this.prepare();
  }

  openTerminal(options: TerminalOptions): TerminalChannel {
    const t = new FakeTerminal(this, options);
    this.terminals.push(t);
    return t;
  }

  /** Runs one line: `a; b` and `a && b` are enough for the tests. */
  async runLine(line: string, stdin = ''): Promise<{ output: string; exitCode: number }> {
    let output = '';
    let exitCode = 0;
    for (const part of line.split(/\s*(?:;|&&)\s*/)) {
      if (part.trim() === '' || part.trim().startsWith('#')) continue;
      const [name = '', ...rest] = part.trim().split(/\s+/);
      const args = rest.join(' ');
      const builtin: Record<string, FakeCommand> = {
        echo: (a) => ({ output: `${a}\n` }),
        true: () => ({}),
        false: () => ({ exitCode: 1 }),
        exit: (a) => ({ exitCode: Number(a || 0) }),
      };
      const command = this.#world.commands?.[name] ?? builtin[name];
      if (!command) {
        output += `bash: ${name}: command not found\n`;
        exitCode = 127;
        continue;
      }
      const r = await command(args, this, stdin);
      output += r.output ?? '';
      exitCode = r.exitCode ?? 0;
    }
    return { output, exitCode };
  }

  /** Runs a script line by line; `cmd <<'EOF'` heredocs become the command's stdin. */
  async runScript(script: string): Promise<ScriptResult> {
    let output = '';
    let exitCode = 0;
    const lines = script.split('\n');
    for (let i = 0; i < lines.length; i++) {
      let line = lines[i]!;
      if (line.trim() === '') continue;
      let stdin = '';
      const heredoc = /\s*<<-?\s*'?(\w+)'?\s*$/.exec(line);
      if (heredoc) {
        line = line.slice(0, heredoc.index);
        const end = lines.indexOf(heredoc[1]!, i + 1);
        stdin = lines.slice(i + 1, end === -1 ? lines.length : end).join('\n') + '\n';
        i = end === -1 ? lines.length : end;
      }
      const r = await this.runLine(line, stdin);
      output += r.output;
      exitCode = r.exitCode;
    }
    return { output, exitCode };
  }

  /** Stores an object as the API would (tests call this from commands). */
  put(object: K8sObject): void {
    this.objects.set(key(object.kind, object.metadata.namespace ?? 'default', object.metadata.name), object);
  }

  async get(ref: ObjectRef): Promise<K8sObject | null> {
    return this.objects.get(key(ref.kind, ref.namespace ?? 'default', ref.name)) ?? null;
  }

  async list(query: ObjectQuery): Promise<K8sObject[]> {
    return [...this.objects.values()].filter(
      (o) => o.kind === query.kind && (query.namespace === undefined || o.metadata.namespace === query.namespace),
    );
  }

  async exec(_target: ContainerRef, argv: string[]): Promise<ExecResult> {
    const r = await this.runLine(argv.join(' '));
    return { stdout: r.output, stderr: '', exitCode: r.exitCode };
  }

  async logs(target: ContainerRef, options?: { sinceTime?: string }): Promise<string> {
    const lines =
      this.#world.logs?.[`${target.namespace}/${target.pod ?? target.selector}/${target.container ?? ''}`] ?? [];
    const since = options?.sinceTime ? Date.parse(options.sinceTime) : 0;
    return lines
      .filter((l) => l.at.getTime() >= since)
      .map((l) => `${l.text}\n`)
      .join('');
  }

  async http(origin: HttpOrigin, request: HttpRequest): Promise<HttpResult> {
    return this.#world.http?.(origin, request, this) ?? { status: 404, headers: {}, body: '', durationMs: 1 };
  }

  history(): CommandRecord[] {
    return [...this.records];
  }

  now(): Date {
    return this.clock();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const t of this.terminals) t.close();
  }
}

/** A backend of fake environments; `environments` lists every one made, for tests to inspect. */
export function createFakeBackend(
  world: FakeWorld = {},
): LabBackend & { environments: FakeEnvironment[]; specs: EnvironmentSpec[] } {
  const environments: FakeEnvironment[] = [];
  const specs: EnvironmentSpec[] = [];
  return {
    name: 'sim',
    environments,
    specs,
    async createEnvironment(spec) {
      specs.push(spec);
      const env = new FakeEnvironment(spec.lab.id, world);
      environments.push(env);
      return env;
    },
    async close() {
      for (const e of environments) await e.dispose();
    },
  };
}
