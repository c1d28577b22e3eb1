/** `labs shell`: a chapter's lab shell in this terminal, or a script from stdin run as if typed. */
import type { LabEnvironment, TerminalChannel } from '../contract.ts';
import { parseFlags, UsageError } from './args.ts';
import { backendChoice, backendFromArg, type BackendChoice } from './backendArg.ts';
import type { LabBackend } from '../contract.ts';
import { HELP } from './help.ts';
import { labFromArg } from './labArg.ts';

/** Streams the command needs (tests pass their own). */
export interface ShellIo {
  stdin: NodeJS.ReadStream | NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream & { columns?: number; rows?: number; on?(event: 'resize', l: () => void): unknown };
  isTTY: boolean;
}

/** Runs the command; resolves with the exit status. */
export async function shellCommand(
  argv: string[],
  io: ShellIo,
  makeBackend: (choice: BackendChoice) => Promise<LabBackend> = backendFromArg,
): Promise<number> {
  const { values } = parseFlags('shell', argv, {
    lab: { type: 'string' },
    backend: { type: 'string' },
    context: { type: 'string' },
  });
  if (values.help) {
    io.stdout.write(HELP.shell!);
    return 0;
  }
  if (!values.lab) throw new UsageError('shell', 'missing --lab <id>');
  const choice = backendChoice('shell', values);
  const lab = labFromArg(values.lab as string);
  const backend = await makeBackend(choice);
  const env = await backend.createEnvironment({ lab, owner: 'cli' });
  try {
    await env.prepare();
    return io.isTTY ? await interactive(env, io) : await scripted(env, io);
  } finally {
    await env.dispose().catch(() => undefined);
    await backend.close().catch(() => undefined);
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer | string>)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** Non-TTY: the whole script in one fresh environment, as if typed line by line. */
async function scripted(env: LabEnvironment, io: ShellIo): Promise<number> {
  const script = await readAll(io.stdin);
  const result = await env.runScript(script);
  await new Promise<void>((resolve) => io.stdout.write(result.output, () => resolve()));
  return result.exitCode;
}

/** TTY: raw keystrokes to the lab terminal, its output to ours. */
async function interactive(env: LabEnvironment, io: ShellIo): Promise<number> {
  const stdin = io.stdin as NodeJS.ReadStream;
  const terminal: TerminalChannel = env.openTerminal({ cols: io.stdout.columns ?? 80, rows: io.stdout.rows ?? 24 });
  return new Promise<number>((resolve) => {
    let lastCtrlD = 0;
    const offOutput = terminal.onOutput((data) => io.stdout.write(data));
    const finish = (code: number) => {
      offOutput();
      offCommand();
      stdin.off('data', onData);
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
      terminal.close();
      io.stdout.write('\r\n');
      resolve(code);
    };
    const offCommand = terminal.onCommand((record) => {
      const m = /^\s*exit(?:\s+(\d+))?\s*$/.exec(record.line);
      if (m) finish(m[1] !== undefined ? Number(m[1]) : record.exitCode);
    });
    const onData = (chunk: Buffer) => {
      const data = chunk.toString('utf8');
      if (data === '\x04') {
        // Ctrl-D twice within two seconds leaves; once only says how.
        if (Date.now() - lastCtrlD < 2000) return finish(0);
        lastCtrlD = Date.now();
        io.stdout.write('\r\n(press Ctrl-D again to leave the lab shell)\r\n');
        return;
      }
      terminal.write(data);
    };
    if (stdin.isTTY) stdin.setRawMode(true);
    stdin.on('data', onData);
    stdin.resume();
    io.stdout.on?.('resize', () => terminal.resize(io.stdout.columns ?? 80, io.stdout.rows ?? 24));
  });
}
