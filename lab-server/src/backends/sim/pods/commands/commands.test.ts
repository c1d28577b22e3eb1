/** What the images' own tools answer in `kubectl exec`: nc, which, nslookup, sudo and tcpdump, flags and refusals. */
import { beforeAll, describe, expect, it } from 'vitest';
import { podName, simWorld, type SimWorld } from '../../shell/testing/simWorld.ts';

let w: SimWorld;
let sleep: string;
let bare: string;
let echoIp: string;

const inSleep = (script: string, pod = sleep, ns = 'default') =>
  w.pods.exec({ namespace: ns, pod, container: 'sleep' }, ['sh', '-c', script], {});
const inProxy = (script: string) =>
  w.pods.exec({ namespace: 'default', pod: sleep, container: 'istio-proxy' }, ['sh', '-c', script], {});

beforeAll(async () => {
  w = await simWorld(3);
  await w.run('kubectl label namespace default istio-injection=enabled');
  await w.run('kubectl apply -f samples/sleep/sleep.yaml -f samples/tcp-echo/tcp-echo.yaml');
  await w.run('kubectl create namespace plain && kubectl apply -n plain -f samples/sleep/sleep.yaml');
  await w.settle();
  sleep = podName(w, 'app=sleep');
  bare = podName(w, 'app=sleep', 'plain');
  echoIp = String((w.cluster.get('Service', 'default', 'tcp-echo')!.spec as { clusterIP: string }).clusterIP);
});

const BUSYBOX_USAGE = `BusyBox v1.37.0 (2025-08-05 16:40:33 UTC) multi-call binary.

Usage: nc [OPTIONS] HOST PORT  - connect
nc [OPTIONS] -l -p PORT [HOST] [PORT]  - listen

\t-e PROG\tRun PROG after connect (must be last)
\t-l\tListen mode, for inbound connects
\t-lk\tWith -e, provides persistent server
\t-p PORT\tLocal port
\t-s ADDR\tLocal address
\t-w SEC\tTimeout for connects and final net reads
\t-i SEC\tDelay interval for lines sent
\t-n\tDon't do DNS resolution
\t-u\tUDP mode
\t-b\tAllow broadcasts
\t-v\tVerbose
\t-o FILE\tHex dump traffic
\t-z\tZero-I/O mode (scanning)
`;

describe('nc (BusyBox, in the curl image)', () => {
  it('sends stdin, prints what tcp-echo answers with its prefix', async () => {
    expect(await inSleep('printf "a\\nb\\n" | nc tcp-echo 9000')).toEqual({
      stdout: 'hello a\nhello b\n',
      stderr: '',
      exitCode: 0,
    });
  });

  it('-v says the port is open, -z sends nothing', async () => {
    expect(await inSleep('echo x | nc -v tcp-echo 9000')).toEqual({
      stdout: 'hello x\n',
      stderr: `tcp-echo (${echoIp}:9000) open\n`,
      exitCode: 0,
    });
    expect(await inSleep('echo x | nc -zv tcp-echo 9000')).toEqual({
      stdout: '',
      stderr: `tcp-echo (${echoIp}:9000) open\n`,
      exitCode: 0,
    });
  });

  it('refuses quietly without -v and says so with it (no sidecar in between)', async () => {
    expect(await inSleep('echo x | nc tcp-echo.default 9005', bare, 'plain')).toEqual({
      stdout: '',
      stderr: '',
      exitCode: 1,
    });
    expect(await inSleep('echo x | nc -v tcp-echo.default 9005', bare, 'plain')).toEqual({
      stdout: '',
      stderr: `nc: tcp-echo.default (${echoIp}:9005): Connection refused\n`,
      exitCode: 1,
    });
  });

  it.each([
    ['nc nope 80', { stdout: '', stderr: "nc: bad address 'nope'\n", exitCode: 1 }],
    ['nc tcp-echo http', { stdout: '', stderr: "nc: bad port 'http'\n", exitCode: 1 }],
    ['nc -n tcp-echo 9000', { stdout: '', stderr: "nc: bad address 'tcp-echo'\n", exitCode: 1 }],
    ['nc', { stdout: '', stderr: BUSYBOX_USAGE, exitCode: 1 }],
    ['nc -h', { stdout: '', stderr: `nc: unrecognized option: h\n${BUSYBOX_USAGE}`, exitCode: 1 }],
    ['nc --help', { stdout: '', stderr: `nc: unrecognized option: help\n${BUSYBOX_USAGE}`, exitCode: 1 }],
    ['nc -w', { stdout: '', stderr: `nc: option requires an argument: w\n${BUSYBOX_USAGE}`, exitCode: 1 }],
    [
      'nc -l -p 8080',
      {
        stdout: '',
        stderr:
          'nc: listening for connections (-l) is not available in this simulated ' +
          'cluster: nothing in it can connect back to a process started by kubectl exec\n',
        exitCode: 1,
      },
    ],
  ])('%s', async (line, result) => {
    expect(await inSleep(line)).toEqual(result);
  });
});

describe('nc (OpenBSD, in the proxy image)', () => {
  it('connects and words its errors as OpenBSD netcat', async () => {
    expect(await inProxy('echo y | nc tcp-echo 9000')).toEqual({ stdout: 'hello y\n', stderr: '', exitCode: 0 });
    expect(await inProxy('nc nope 80')).toEqual({
      stdout: '',
      stderr: 'nc: getaddrinfo for host "nope" port 80: Name or service not known\n',
      exitCode: 1,
    });
    expect(await inProxy('nc -Q tcp-echo 9000')).toEqual({
      stdout: '',
      stderr: expect.stringMatching(/^nc: invalid option -- 'Q'\nusage: nc \[-46CDdFhklNnrStUuvZz\]/),
      exitCode: 1,
    });
  });
});

describe('which', () => {
  it.each([
    ['which nc curl sh date', { stdout: '/usr/bin/nc\n/usr/bin/curl\n/bin/sh\n/bin/date\n', stderr: '', exitCode: 0 }],
    ['which nc nope', { stdout: '/usr/bin/nc\n', stderr: '', exitCode: 1 }],
    ['which', { stdout: '', stderr: '', exitCode: 1 }],
  ])('in the curl image: %s', async (line, result) => {
    expect(await inSleep(line)).toEqual(result);
  });

  it('in the proxy image: Ubuntu paths and debianutils wording', async () => {
    expect(await inProxy('which tcpdump pilot-agent sudo')).toEqual({
      stdout: '/usr/bin/tcpdump\n/usr/local/bin/pilot-agent\n/usr/bin/sudo\n',
      stderr: '',
      exitCode: 0,
    });
    expect(await inProxy('which -z sh')).toEqual({
      stdout: '',
      stderr: 'Illegal option -z\nUsage: /usr/bin/which [-as] args\n',
      exitCode: 2,
    });
  });
});

describe('nslookup', () => {
  it('answers a Service name through the search path, and NXDOMAIN otherwise', async () => {
    expect(await inSleep('nslookup tcp-echo')).toEqual({
      stdout: `Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\ttcp-echo.default.svc.cluster.local\nAddress: ${echoIp}\n\n`,
      stderr: '',
      exitCode: 0,
    });
    expect(await inSleep('nslookup nope')).toEqual({
      stdout: "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n** server can't find nope: NXDOMAIN\n\n",
      stderr: '',
      exitCode: 1,
    });
  });

  it('is not in the proxy image', async () => {
    expect(await inProxy('nslookup tcp-echo')).toEqual({
      stdout: '',
      stderr: 'sh: nslookup: not found\n',
      exitCode: 127,
    });
  });
});

describe('sudo and tcpdump in the sidecar', () => {
  it('sudo refuses under no_new_privs (allowPrivilegeEscalation: false), as the injected sidecar runs', async () => {
    expect(await inProxy('sudo tcpdump -A -s 0 host 10.244.0.20')).toEqual({
      stdout: '',
      stderr:
        'sudo: The "no new privileges" flag is set, which prevents sudo from running as root.\nsudo: If sudo ' +
        'is running in a container, you may need to adjust the container configuration to disable the flag.\n',
      exitCode: 1,
    });
  });

  it('tcpdump as istio-proxy (uid 1337, capabilities dropped) may not capture', async () => {
    expect(await inProxy('tcpdump -i eth0')).toEqual({
      stdout: '',
      stderr:
        "tcpdump: eth0: You don't have permission to perform this capture on that device\n(socket: Operation not permitted)\n",
      exitCode: 1,
    });
  });

  it('sudo without a command prints its usage; tcpdump --version answers', async () => {
    expect(await inProxy('sudo')).toEqual({
      stdout: '',
      stderr: expect.stringMatching(/^usage: sudo -h \| -K \| -k \| -V\n/),
      exitCode: 1,
    });
    expect(await inProxy('tcpdump --version')).toEqual({
      stdout: 'tcpdump version 4.99.4\nlibpcap version 1.10.4 (with TPACKET_V3)\nOpenSSL 3.0.13 30 Jan 2024\n',
      stderr: '',
      exitCode: 0,
    });
  });

  it('with values.global.proxy.privileged=true, sudo runs tcpdump as root: mTLS between sidecars, HTTP to a plain pod', async () => {
    const v = await simWorld(4);
    await v.run('istioctl install --set profile=demo --set values.global.proxy.privileged=true -y');
    await v.run('kubectl label namespace default istio-injection=enabled');
    await v.run('kubectl apply -f samples/sleep/sleep.yaml -f samples/httpbin/httpbin.yaml');
    await v.run('kubectl create namespace plain && kubectl apply -n plain -f samples/httpbin/httpbin.yaml');
    await v.settle();
    const pod = podName(v, 'app=sleep');
    const proxy = (script: string) =>
      v.pods.exec({ namespace: 'default', pod, container: 'istio-proxy' }, ['sh', '-c', script], {
        signal: new AbortController().signal,
      });
    expect(await proxy('sudo tcpdump -n')).toEqual({
      stdout: '',
      stderr:
        'tcpdump: verbose output suppressed, use -v[v]... for full protocol ' +
        'decode\nlistening on eth0, link-type EN10MB (Ethernet), snapshot length ' +
        '262144 bytes\ntcpdump: a capture runs until Ctrl-C, which only an ' +
        'interactive terminal can send; give -c COUNT to stop after COUNT packets\n',
      exitCode: 1,
    });
    const meshed = podName(v, 'app=httpbin');
    const meshedIp = String((v.cluster.get('Pod', 'default', meshed)!.status as { podIP: string }).podIP);
    const capture = proxy(`sudo tcpdump -A -nn -c 2 host ${meshedIp}`);
    // The request comes a second later, once the capture listens.
    await v.pods.exec(
      { namespace: 'default', pod, container: 'sleep' },
      ['sh', '-c', 'sleep 1; curl -s http://httpbin:8000/headers'],
      {},
    );
    const seen = await capture;
    expect(seen.exitCode).toBe(0);
    expect(seen.stdout).toMatch(
      new RegExp(
        `^\\d{2}:\\d{2}:\\d{2}\\.\\d{6} IP 10\\.244\\.0\\.\\d+\\.\\d+ > ` +
          `${meshedIp.replace(/\./g, '\\.')}\\.8080: Flags \\[P\\.\\], seq 1:\\d+, ack 1, win 502, `,
      ),
    );
    expect(seen.stdout).not.toContain('GET /headers');
    expect(seen.stderr).toMatch(/\n2 packets captured\n2 packets received by filter\n0 packets dropped by kernel\n$/);
    const plain = v.cluster.list('Pod', 'plain', 'app=httpbin')[0]!;
    const plainIp = String((plain.status as { podIP: string }).podIP);
    const clear = proxy(`sudo tcpdump -A -c 1 dst host ${plainIp} and port 8080`);
    await v.pods.exec(
      { namespace: 'default', pod, container: 'sleep' },
      ['sh', '-c', 'sleep 1; curl -s http://httpbin.plain:8000/headers'],
      {},
    );
    const text = (await clear).stdout;
    expect(text).toContain(`${plainIp.replace(/\./g, '-')}.httpbin.plain.svc.cluster.local.http-alt: Flags [P.]`);
    expect(text).toContain(': HTTP: GET /headers HTTP/1.1\n');
    expect(text).toContain('\nhost: httpbin.plain:8000\n');
  });

  it.each([
    ['sudo tcpdump -Z', "tcpdump: option requires an argument -- 'Z'\n"],
    ['sudo tcpdump -P', "tcpdump: invalid option -- 'P'\n"],
    ['sudo tcpdump -i eth9', 'tcpdump: eth9: No such device exists\n(No such device exists)\n'],
  ])('%s is refused as tcpdump refuses it (before it needs privileges)', async (line, start) => {
    const r = await inProxy(line.replace('sudo ', ''));
    expect(r.exitCode).toBe(1);
    expect(r.stderr.startsWith(start)).toBe(true);
  });
});

describe('who a container runs as: id, whoami, HOME and the working directory', () => {
  it('the curl image runs as curl_user in its home (BusyBox id)', async () => {
    expect(await inSleep('id; whoami; pwd; echo $HOME')).toEqual({
      stdout:
        'uid=100(curl_user) gid=101(curl_group) groups=101(curl_group)\ncurl_user\n/home/curl_user\n/home/curl_user\n',
      stderr: '',
      exitCode: 0,
    });
    expect(await inSleep('id -u; id -un; id -G')).toEqual({ stdout: '100\ncurl_user\n101\n', stderr: '', exitCode: 0 });
  });

  it('the sidecar runs as istio-proxy (the injector sets 1337:1337) in /', async () => {
    expect(await inProxy('id; whoami; pwd; echo $HOME')).toEqual({
      stdout:
        'uid=1337(istio-proxy) gid=1337(istio-proxy) groups=1337(istio-proxy)\nistio-proxy\n/\n/home/istio-proxy\n',
      stderr: '',
      exitCode: 0,
    });
  });

  it('bookinfo runs as uid 1000, which its image does not name', async () => {
    await w.run('kubectl apply -f samples/bookinfo/platform/kube/bookinfo.yaml -l app=details');
    await w.run('kubectl apply -f samples/bookinfo/platform/kube/bookinfo.yaml -l account=details');
    await w.settle();
    const details = podName(w, 'app=details');
    const inDetails = (script: string) =>
      w.pods.exec({ namespace: 'default', pod: details, container: 'details' }, ['sh', '-c', script], {});
    expect(await inDetails('id; pwd; echo $HOME')).toEqual({
      stdout: 'uid=1000 gid=0(root) groups=0(root)\n/opt/microservices\n/\n',
      stderr: '',
      exitCode: 0,
    });
    expect(await inDetails('whoami')).toEqual({
      stdout: '',
      stderr: 'whoami: cannot find name for user ID 1000\n',
      exitCode: 1,
    });
    expect(await inDetails('id -un')).toEqual({
      stdout: '',
      stderr: 'id: cannot find name for user ID 1000\n',
      exitCode: 1,
    });
  });

  it('files a container writes stay in its own file system', async () => {
    expect(await inSleep('echo kept > note; cat /home/curl_user/note')).toEqual({
      stdout: 'kept\n',
      stderr: '',
      exitCode: 0,
    });
    expect(await inProxy('cat /home/curl_user/note')).toEqual({
      stdout: '',
      stderr: 'cat: /home/curl_user/note: No such file or directory\n',
      exitCode: 1,
    });
  });

  it.each([
    [
      'id -x',
      'sleep',
      { stdout: '', stderr: expect.stringMatching(/^id: unrecognized option: x\nBusyBox v1\.37\.0 /), exitCode: 1 },
    ],
    [
      'id -u -g',
      'sleep',
      { stdout: '', stderr: expect.stringMatching(/^BusyBox v1\.37\.0 .*\n\nUsage: id /), exitCode: 1 },
    ],
    ['id nobody2', 'sleep', { stdout: '', stderr: 'id: unknown user nobody2\n', exitCode: 1 }],
    [
      'id -x',
      'istio-proxy',
      { stdout: '', stderr: "id: invalid option -- 'x'\nTry 'id --help' for more information.\n", exitCode: 1 },
    ],
    [
      'id --bogus',
      'istio-proxy',
      { stdout: '', stderr: "id: unrecognized option '--bogus'\nTry 'id --help' for more information.\n", exitCode: 1 },
    ],
    [
      'id -u -g',
      'istio-proxy',
      { stdout: '', stderr: 'id: cannot print "only" of more than one choice\n', exitCode: 1 },
    ],
    [
      'id -n',
      'istio-proxy',
      { stdout: '', stderr: 'id: cannot print only names or real IDs in default format\n', exitCode: 1 },
    ],
    [
      'whoami me',
      'istio-proxy',
      { stdout: '', stderr: "whoami: extra operand 'me'\nTry 'whoami --help' for more information.\n", exitCode: 1 },
    ],
  ])("%s in %s is refused in its tool's words", async (line, container, expected) => {
    expect(await (container === 'sleep' ? inSleep(line) : inProxy(line))).toEqual(expected);
  });
});
