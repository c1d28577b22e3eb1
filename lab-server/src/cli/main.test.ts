import { spawnSync } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { labIds } from '../labs/load.ts';
import { createFakeBackend } from '../server/fakeBackend.ts';
import { shellCommand } from './shell.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function labs(args: string[], input = '', env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, ['bin/labs.mjs', ...args], {
    cwd: root,
    input,
    encoding: 'utf8',
    timeout: 60_000,
    env,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('labs (spawned)', () => {
  it('exits 2 for an unknown lab id, listing the valid ones', () => {
    const r = labs(['shell', '--lab', 'traffic'], 'echo hi\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`labs: unknown lab "traffic"; valid lab ids: ${labIds().join(', ')}\n`);
    expect(labIds()).toContain('traffic-shifting');
  });

  it('exits 2 with usage for unknown flags and commands, without a stack trace', () => {
    const flag = labs(['verify', '--lab', 'traffic-shifting', '--fast']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe('labs verify: unknown flag \'--fast\'\nRun "labs verify --help" for usage.\n');
    const command = labs(['deploy']);
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/^labs: unknown command "deploy"\n/);
    const port = labs(['serve', '--port', 'eighty']);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/invalid value "eighty" for --port/);
  });

  it('prints help for each command', () => {
    for (const command of ['serve', 'shell', 'verify', 'cluster', 'class']) {
      const r = labs([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: labs ${command}`));
    }
  });
});

describe('labs on a cluster that is not there', () => {
  it('serve --backend kube --context missing fails in one clear line, exit 1', () => {
    const kubeconfig = `${root}lab-server/src/backends/kind/testing/kubeconfig-two-contexts.yaml`;
    const r = labs(['serve', '--backend', 'kube', '--context', 'missing', '--port', '0'], '', {
      ...process.env,
      KUBECONFIG: kubeconfig,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `labs: the kube backend cannot start: kubeconfig ${kubeconfig} has no context "missing" ` +
        '(its contexts: kind-labs, workshop); choose one with --context NAME ("kubectl config get-contexts" lists them)\n',
    );
    const none = labs(['verify', '--all', '--backend', 'kube', '--context', 'missing'], '', {
      ...process.env,
      KUBECONFIG: '/nonexistent/kubeconfig',
    });
    expect(none.code).toBe(1);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
    expect(none.stderr).toContain('no kubeconfig at /nonexistent/kubeconfig, so no context "missing"');
  });

  it('--context with the simulator is a usage error', () => {
    const r = labs(['shell', '--lab', 'ingress', '--context', 'workshop']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^labs shell: --context names a cluster: use it with --backend kind or --backend kube\n/);
  });
});

describe('labs shell, script mode', () => {
  it('runs stdin in one environment as if typed, prints what the terminal shows, exits with the last status', async () => {
    const backend = createFakeBackend({});
    let text = '';
    const stdout = Object.assign(
      new Writable({
        write(chunk, _e, cb) {
          text += chunk.toString();
          cb();
        },
      }),
      {},
    );
    const code = await shellCommand(
      ['--lab', 'traffic-shifting'],
      { stdin: Readable.from(['echo hi\n', 'echo there\nfalse\n']), stdout, isTTY: false },
      async () => backend,
    );
    expect(text).toBe('hi\nthere\n');
    expect(code).toBe(1);
    expect(backend.environments).toHaveLength(1);
    expect(backend.environments[0]!.prepared).toBe(1);
    expect(backend.environments[0]!.disposed).toBe(true);
  });
});
