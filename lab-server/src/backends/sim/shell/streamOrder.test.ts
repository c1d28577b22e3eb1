import { defineCommand, InMemoryFs } from 'just-bash';
import { beforeAll, describe, expect, it } from 'vitest';
import { SimulationClock } from '../clock.ts';
import { DEFAULT_LIMITS } from '../limits.ts';
import { createCurlCommand } from './commands/curl/index.ts';
import { createKubectlCommand } from './commands/kubectl/index.ts';
import { LabShell } from './labShell.ts';
import { OrderedOutput, STREAMS_VARIABLE, streamFacts } from './orderedOutput.ts';
import { orderStreams } from './streamOrder.ts';
import { simWorld, type SimWorld } from './testing/simWorld.ts';

const WRITERS = new Set(['kubectl']);

/** What the command named `kubectl` is told about its streams, for each line. */
function told(line: string, merged = true): string[] {
  const rewritten = orderStreams(line, { merged, terminal: merged, scratch: '/s', writers: WRITERS });
  return [...rewritten.matchAll(new RegExp(`${STREAMS_VARIABLE}=(\\S+) kubectl`, 'g'))].map((m) => m[1]!);
}

describe('orderStreams', () => {
  it('follows redirections left to right, as bash applies them', () => {
    expect(told('kubectl x')).toEqual(['merged,terminal']);
    expect(told('kubectl x 2>/dev/null')).toEqual(['terminal']);
    expect(told('kubectl x >/dev/null')).toEqual([]);
    expect(told('kubectl x >f 2>&1')).toEqual(['merged']);
    expect(told('kubectl x 2>&1 >f')).toEqual([]);
    expect(told('kubectl x &>f')).toEqual(['merged']);
    expect(told('kubectl x >&f')).toEqual(['merged']);
    expect(told('kubectl x 2>/dev/stdout')).toEqual(['merged,terminal']);
    // Swapping the two streams where both are the terminal leaves them in one place.
    expect(told('kubectl x 3>&2 2>&1 1>&3')).toEqual(['merged,terminal']);
    expect(told('kubectl x 3>&1 1>&2 2>&3 | cat')).toEqual(['terminal']);
    // Into a pipe stderr stays on the terminal, unless `2>&1` or `|&` sends it down the pipe.
    expect(told('kubectl x | head')).toEqual([]);
    expect(told('kubectl x 2>&1 | head')).toEqual(['merged']);
    expect(told('kubectl x |& head')).toEqual(['merged']);
    // A group's or loop's redirections hold for every command inside it.
    expect(told('{ kubectl a; kubectl b 2>/dev/null; } 2>&1 | head')).toEqual(['merged']);
    expect(told('for i in 1 2; do kubectl x; done > f')).toEqual([]);
    expect(told('if kubectl a; then kubectl b; fi &> f')).toEqual(['merged', 'merged']);
    // Only the commands that read the variable are told (`env` would show it); function bodies follow the caller.
    expect(orderStreams('env; f() { kubectl x; }', { merged: true, terminal: true, writers: WRITERS })).not.toContain(
      STREAMS_VARIABLE,
    );
  });

  it('keeps a process with its two streams apart apart, unless its own redirections join them', () => {
    expect(told('kubectl x', false)).toEqual([]);
    expect(told('kubectl x 2>&1', false)).toEqual(['merged']);
    expect(told('kubectl x 2>&1 | cat', false)).toEqual(['merged']);
  });

  it('leaves lines it cannot write back as they are', () => {
    const heredoc = 'cat <<EOF | kubectl apply -f -\nx\nEOF';
    expect(orderStreams(heredoc, { merged: true, terminal: true, writers: WRITERS })).toBe(heredoc);
    expect(orderStreams('echo "unterminated', { merged: true, terminal: true, writers: WRITERS })).toBe(
      'echo "unterminated',
    );
  });
});

describe('OrderedOutput', () => {
  it('gives the writes in order when merged, each stream apart otherwise', () => {
    const o = new OrderedOutput().err('a').out('b').err('c').out('');
    expect(o.result(3, true)).toEqual({ stdout: 'abc', stderr: '', exitCode: 3 });
    expect(o.result(0, false)).toEqual({ stdout: 'b', stderr: 'ac', exitCode: 0 });
    expect(streamFacts(new Map([[STREAMS_VARIABLE, 'merged,terminal']]))).toEqual({ merged: true, terminal: true });
    expect(streamFacts(new Map())).toEqual({ merged: false, terminal: false });
  });
});

/** A lab shell whose `kubectl` writes `E1` on stderr, `O` on stdout, then `E2` on stderr, and reports what it was told. */
function shellWithWriter() {
  const writer = defineCommand('kubectl', async (_args, ctx) => {
    const facts = streamFacts(ctx.env);
    return new OrderedOutput().err('E1\n').out('O\n').err('E2\n').result(0, facts.merged);
  });
  return new LabShell({
    fs: new InMemoryFs(),
    commands: [writer],
    io: {},
    clock: new SimulationClock('virtual'),
    limits: DEFAULT_LIMITS,
    home: '/root',
    env: {},
    id: 'order',
  });
}

describe('the lab shell shows a command line the way a terminal does', () => {
  it("keeps one command's stdout and stderr in the order it wrote them, wherever they are joined", async () => {
    const sh = shellWithWriter();
    const out = async (line: string) => (await sh.run(line)).output;
    expect(await out('kubectl')).toBe('E1\nO\nE2\n');
    expect(await out('kubectl 2>/dev/null')).toBe('O\n');
    expect(await out('kubectl >/dev/null')).toBe('E1\nE2\n');
    expect(await out('kubectl 2>&1 | tr A-Z a-z')).toBe('e1\no\ne2\n');
    // Piped, stderr goes to the terminal when the pipeline ends, not down the pipe.
    expect(await out('kubectl | tr A-Z a-z; echo next')).toBe('o\nE1\nE2\nnext\n');
    expect(await out('{ echo first; kubectl; } 2>&1 | tr A-Z a-z')).toBe('first\ne1\no\ne2\n');
    expect(await out('kubectl >f 2>&1; cat f')).toBe('E1\nO\nE2\n');
    expect(await out('kubectl 2>&1 >f; cat f')).toBe('E1\nE2\nO\n');
    expect(await out('kubectl &>f; cat f')).toBe('E1\nO\nE2\n');
    expect(await out('kubectl 2>&1 | head -2')).toBe('E1\nO\n');
    // The variable is set on that one command only.
    expect(await out('kubectl >/dev/null 2>&1; env | grep -c __labs')).toBe('0\n');
  });
});

describe('a command run through another keeps its order, as it does run directly', () => {
  const sh = shellWithWriter();
  const out = async (line: string) => (await sh.run(line)).output;

  it.each([
    'K=kubectl; $K',
    "bash -c 'kubectl'",
    'sh -c kubectl',
    'eval kubectl',
    'echo x | xargs kubectl',
    'timeout 5 kubectl',
    'env A=1 kubectl',
    'f() { kubectl; }; f',
    '( kubectl )',
    "bash -c 'sh -c kubectl'",
    "timeout 5 bash -c 'f() { kubectl; }; f'",
  ])('%s', async (line) => {
    expect(await out(line)).toBe('E1\nO\nE2\n');
  });

  it('keeps the order of the commands inside them too', async () => {
    const script = 'echo a; ls /nope; echo b';
    expect(await out(script)).toBe('a\nls: /nope: No such file or directory\nb\n');
    for (const line of [
      `bash -c '${script}'`,
      `sh -c '${script}'`,
      `f() { ${script}; }; f`,
      `timeout 5 sh -c '${script}'`,
      `eval '${script}'`,
      'eval echo a\\; ls /nope\\; echo b',
    ])
      expect(await out(line)).toBe('a\nls: /nope: No such file or directory\nb\n');
    // Apart, stderr still goes its own way.
    expect(await out(`bash -c '${script}' 2>/dev/null`)).toBe('a\nb\n');
    expect(await out(`bash -c '${script}' | tr a-z A-Z`)).toBe('A\nB\nls: /nope: No such file or directory\n');
  });

  it('follows the redirections inside and around them', async () => {
    expect(await out("bash -c 'kubectl 2>/dev/null'")).toBe('O\n');
    expect(await out("bash -c 'kubectl' 2>/dev/null")).toBe('O\n');
    expect(await out("bash -c 'kubectl >/dev/null'")).toBe('E1\nE2\n');
    expect(await out("bash -c 'kubectl' 2>&1 | tr A-Z a-z")).toBe('e1\no\ne2\n');
    expect(await out("bash -c 'kubectl 2>&1' | tr A-Z a-z")).toBe('e1\no\ne2\n');
    expect(await out('f() { kubectl; }; f 2>/dev/null')).toBe('O\n');
    expect(await out('f() { kubectl 2>&1; }; f | tr A-Z a-z')).toBe('e1\no\ne2\n');
    expect(await out('timeout 5 kubectl 2>&1 >/dev/null')).toBe('E1\nE2\n');
  });

  it('knows the functions of earlier lines, and `env` alone shows nothing of it', async () => {
    await sh.run('g() { kubectl; }');
    expect(await out('g')).toBe('E1\nO\nE2\n');
    expect(await out('g 2>/dev/null')).toBe('O\n');
    expect(await out('env | grep -c __labs')).toBe('0\n');
  });
});

describe('the lab shell shows each command as it finishes', () => {
  it('shows what earlier commands printed before what a later one streams while it runs', async () => {
    const io: { stream?: ((text: string) => void) | undefined } = {};
    // Like `kubectl rollout status`: lines to the terminal while it waits, its last line in its result.
    const waiter = defineCommand('kubectl', async () => {
      io.stream?.('Waiting...\n');
      return { stdout: 'rolled out\n', stderr: '', exitCode: 0 };
    });
    const sh = new LabShell({
      fs: new InMemoryFs(),
      commands: [waiter],
      io,
      clock: new SimulationClock('virtual'),
      limits: DEFAULT_LIMITS,
      home: '/root',
      env: {},
      id: 'sink',
    });
    const shown: string[] = [];
    const line = 'echo applied && kubectl; for i in 1 2; do echo "loop $i"; kubectl >/dev/null; done; ls /nope';
    const r = await sh.run(line, { stream: (text) => shown.push(text) });
    expect(shown.join('') + r.output).toBe(
      'applied\nWaiting...\nrolled out\nloop 1\nWaiting...\nloop 2\nWaiting...\nls: /nope: No such file or directory\n',
    );
    expect(r.exitCode).toBe(2);
    // Without a terminal nothing streams, and the result holds everything in order.
    expect((await sh.run('echo a; kubectl; echo b')).output).toBe('a\nrolled out\nb\n');
    // The sink is the shell's own: nothing is stored, and a learner's file of that name is not touched.
    expect((await sh.run('ls /.labs/shells/sink')).output).not.toContain('out');
  });
});

describe('curl and kubectl exec in the lab shell', () => {
  let w: SimWorld;
  let sh: LabShell;
  beforeAll(async () => {
    w = await simWorld(5);
    await w.run('kubectl label namespace default istio-injection=enabled');
    await w.run('kubectl apply -f samples/sleep/sleep.yaml -f samples/httpbin/httpbin.yaml');
    await w.settle();
    sh = new LabShell({
      fs: new InMemoryFs(),
      commands: [createKubectlCommand(w.host), createCurlCommand(w.host, 'outside')],
      io: {},
      clock: w.clock,
      limits: DEFAULT_LIMITS,
      home: '/root',
      env: {},
      id: 'curl',
    });
  });

  it('curl -v in kubectl exec (no TTY): the trace, then the body when curl flushes its piped stdout', async () => {
    const r = await sh.run('kubectl exec deploy/sleep -- curl -sv http://httpbin:8000/get 2>&1');
    const lines = r.output.split('\n');
    const request = lines.indexOf('> GET /get HTTP/1.1\r');
    const status = lines.indexOf('< HTTP/1.1 200 OK\r');
    const data = lines.findIndex((l) => /^\{ \[\d+ bytes data\]$/.test(l));
    const intact = lines.indexOf('* Connection #0 to host httpbin:8000 left intact');
    const body = lines.indexOf('{');
    expect(request).toBeGreaterThan(0);
    expect(status).toBeGreaterThan(request);
    // Not a terminal: curl notes the data, and stdout (a pipe, fully buffered) is written when the transfer ends.
    expect(data).toBeGreaterThan(status);
    expect(intact).toBe(data + 1);
    expect(body).toBe(intact + 1);
    expect(lines.at(-2)).toBe('}');
    // 2>/dev/null: the body alone.
    const quiet = await sh.run('kubectl exec deploy/sleep -- curl -sv http://httpbin:8000/get 2>/dev/null');
    expect(quiet.output.startsWith('{\n')).toBe(true);
    expect(quiet.output).not.toContain('* ');
  });

  it('curl -v -i in kubectl exec -t (a TTY): each header after its trace line, the body before the connection note', async () => {
    w.host.stream = () => undefined;
    try {
      const r = await sh.run('kubectl exec -t deploy/sleep -- curl -sv -i http://httpbin:8000/get');
      const lines = r.output.split('\n');
      const status = lines.indexOf('< HTTP/1.1 200 OK\r');
      expect(lines[status + 1]).toBe('HTTP/1.1 200 OK\r');
      expect(lines[status + 2]).toBe('< server: envoy\r');
      expect(lines[status + 3]).toBe('\x1b[1mserver\x1b[0m: envoy\r');
      expect(r.output).not.toContain('bytes data]');
      expect(lines.indexOf('{')).toBeLessThan(lines.indexOf('* Connection #0 to host httpbin:8000 left intact'));
    } finally {
      delete w.host.stream;
    }
  });

  it('kubectl exec ... -- curl -v ... 2>&1 | head keeps the verbose part; without 2>&1 only the body goes down', async () => {
    const head = await sh.run('kubectl exec deploy/sleep -- curl -sv http://httpbin:8000/get 2>&1 | head -3');
    expect(
      head.output
        .split('\n')
        .slice(0, 3)
        .every((l) => l.startsWith('* ')),
    ).toBe(true);
    const piped = await sh.run('kubectl exec deploy/sleep -- curl -sv http://httpbin:8000/get | head -1');
    // The body's first line went down the pipe; the verbose lines reached the terminal after it.
    expect(piped.output.split('\n')[0]).toBe('{');
    expect(piped.output).toContain('> GET /get HTTP/1.1');
    const quiet = await sh.run('kubectl exec deploy/sleep -- curl -sv http://httpbin:8000/get 2>/dev/null | head -1');
    expect(quiet.output).toBe('{\n');
  });

  it('keeps a container shell script in order and the exit notice last', async () => {
    const r = await sh.run(`kubectl exec deploy/sleep -- sh -c 'echo one; ls /nope; echo three; exit 3' 2>&1`);
    expect(r.output).toBe('one\nls: /nope: No such file or directory\nthree\ncommand terminated with exit code 3\n');
    // A TTY (a terminal attached: the host streams) joins the container's two streams even when kubectl's are apart.
    w.host.stream = () => undefined;
    try {
      const tty = await sh.run(`kubectl exec -t deploy/sleep -- sh -c 'echo one; ls /nope; echo three' 2>/dev/null`);
      expect(tty.output).toBe('one\nls: /nope: No such file or directory\nthree\n');
    } finally {
      delete w.host.stream;
    }
  });
});
