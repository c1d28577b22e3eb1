/**
 * Recording a step's commands in one shell, so that what one command defines (`export GATEWAY_URL=...`)
 * holds for the next, with each command's stdout, stderr and exit status kept apart: every command runs
 * in a `{ ...; }` group (not a subshell) redirected to files, and the files are printed at the end as
 * framed base64 lines that survive any output the commands make.
 */

/** One recorded command. */
export interface GoldenCommand {
  command: string;
  stdout: string;
  stderr: string;
  exitCode: number;
}

const FRAME = '@@labs-golden';

/** The bash script that runs `commands` in order and prints their framed results. */
export function goldenScript(commands: string[], dir = '/tmp/labs-golden'): string {
  const lines = [`rm -rf ${dir} && mkdir -p ${dir}`];
  commands.forEach((command, i) => {
    // The group's closing brace on its own line: a command may end in a heredoc or a comment.
    lines.push(
      '{',
      command.replace(/\n+$/, ''),
      `} >${dir}/${i}.out 2>${dir}/${i}.err </dev/null`,
      `echo $? >${dir}/${i}.code`,
    );
  });
  lines.push(
    `for i in $(seq 0 ${commands.length - 1}); do printf '${FRAME} %s %s %s %s\\n' "$i" "$(cat ` +
      `${dir}/$i.code)" "$(base64 <${dir}/$i.out | tr -d '\\n')" "$(base64 <${dir}/$i.err | tr -d '\\n')"; done`,
  );
  return `${lines.join('\n')}\n`;
}

/** Reads the framed results back; a command with no frame (the script died) gets exit code -1. */
export function parseGoldenOutput(commands: string[], output: string): GoldenCommand[] {
  const frames = new Map<number, GoldenCommand>();
  for (const line of output.split('\n')) {
    const m = new RegExp(`^${FRAME} (\\d+) (-?\\d+) (\\S*) (\\S*)$`).exec(line.replace(/\r$/, ''));
    if (!m) continue;
    const i = Number(m[1]);
    frames.set(i, {
      command: commands[i] ?? '',
      exitCode: Number(m[2]),
      stdout: Buffer.from(m[3]!, 'base64').toString('utf8'),
      stderr: Buffer.from(m[4]!, 'base64').toString('utf8'),
    });
  }
  return commands.map(
    (command, i) =>
      frames.get(i) ?? {
        command,
        stdout: '',
        stderr: 'not recorded: the recording script stopped before this command',
        exitCode: -1,
      },
  );
}
