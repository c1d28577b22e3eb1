/**
 * Why a request from a pod to a host outside the mesh did not do what the step expects, from the cluster's
 * facts (egressFacts.ts) and the outcome: blocked by REGISTRY_ONLY, no ServiceEntry for that host, a
 * ServiceEntry with the wrong port or protocol (TLS to a host with only an HTTP entry), a timeout firing or
 * set on another host, ALLOW_ANY still in force, or a pod created before the capture ranges changed.
 */
import type { Localized } from '../labs/schema.ts';
import type { EgressFacts, HostEntry, TimeoutRule } from './egressFacts.ts';
import { hostMatches } from './egressFacts.ts';
import { iGa } from './korean.ts';
import { text } from './types.ts';

/** What came back. */
export interface EgressOutcome {
  status: number;
  body: string;
  curlExitCode?: number;
  /** The request carried Envoy's marks (an `X-Envoy-*` header in the echoed request or the response). */
  throughEnvoy: boolean;
}

/** What the step wanted. */
export interface EgressExpectation {
  status?: number;
  curlExitCode?: number;
  /** The step wants the request to skip the sidecar (no Envoy headers). */
  bypass: boolean;
}

const HTTP_PROTOCOLS = ['HTTP', 'HTTP2', 'GRPC', 'HTTP_PROXY'];
const TLS_PROTOCOLS = ['HTTPS', 'TLS', 'TCP'];

function ports(entry: HostEntry): string {
  return entry.ports.map((p) => `${p.number}/${p.protocol}`).join(', ') || '-';
}

function policySource(facts: EgressFacts): Localized {
  const from = facts.policy.from;
  if (from === 'default')
    return text(
      'istio ConfigMap의 mesh 설정에 outboundTrafficPolicy가 없어 기본값이 적용됩니다',
      "the istio ConfigMap's mesh config has no outboundTrafficPolicy, so the default applies",
    );
  if (from === 'mesh') return text('istio ConfigMap의 mesh 설정', "the istio ConfigMap's mesh config");
  return text(`Sidecar 리소스 ${from.sidecar}`, `the Sidecar resource ${from.sidecar}`);
}

function servesPlainHttp(entry: HostEntry, port: number): boolean {
  return entry.ports.some((p) => p.number === port && HTTP_PROTOCOLS.includes(p.protocol));
}

function servesTls(entry: HostEntry, port: number): boolean {
  return entry.ports.some((p) => p.number === port && TLS_PROTOCOLS.includes(p.protocol));
}

function blocked(facts: EgressFacts, outcome: EgressOutcome): Localized | undefined {
  if (facts.policy.mode !== 'REGISTRY_ONLY') return undefined;
  const { host, port } = facts;
  const isHttp502 = facts.scheme === 'http' && outcome.status === 502 && outcome.body.trim() === '';
  const isTlsReset = facts.scheme === 'https' && outcome.status === 0 && outcome.curlExitCode === 35;
  if (!isHttp502 && !isTlsReset) return undefined;
  const src = policySource(facts);
  if (facts.entries.length === 0) {
    return isHttp502
      ? text(
          `outboundTrafficPolicy가 REGISTRY_ONLY이고(${src.ko}) ${host} 호스트를 등록한 ServiceEntry가 없습니다. 사이드카가 block_all route에서 502로 막았습니다.`,
          `outboundTrafficPolicy is REGISTRY_ONLY (${src.en}) and no ServiceEntry registers ${host}: the sidecar blocked ` +
            `it with 502 from its block_all route.`,
        )
      : text(
          `outboundTrafficPolicy가 REGISTRY_ONLY이고(${src.ko}) ${host} 호스트를 등록한 ServiceEntry가 없습니다. 사이드카가 TLS 연결을 BlackHoleCluster로 ` +
            `보내 handshake 중에 끊었습니다(curl 종료 코드 35).`,
          `outboundTrafficPolicy is REGISTRY_ONLY (${src.en}) and no ServiceEntry registers ${host}: the sidecar sent the ` +
            `TLS connection to the BlackHoleCluster and reset it during the handshake (curl exit code 35).`,
        );
  }
  const names = facts.entries.map((e) => `${e.name} (${ports(e)})`).join(', ');
  if (isHttp502 && !facts.entries.some((e) => servesPlainHttp(e, port))) {
    return text(
      `ServiceEntry ${names}에 ${host} 호스트가 있지만 ${port}번 포트의 HTTP로 등록되어 있지는 않습니다. 평문 HTTP 요청이 통하려면 ports에 number ${port}, ` +
        `protocol HTTP가 있어야 합니다.`,
      `ServiceEntry ${names} registers ${host}, but not for HTTP on port ${port}: plain HTTP needs a port ${port} with protocol HTTP.`,
    );
  }
  if (isTlsReset && !facts.entries.some((e) => servesTls(e, port))) {
    return text(
      `ServiceEntry ${names}에 ${host} 호스트가 있지만 ${port}번 포트의 HTTPS/TLS로 등록되어 있지는 않습니다. HTTP 항목만 있는 호스트로 가는 TLS 연결은 여전히 ` +
        `막힙니다. ports에 number ${port}, protocol HTTPS(또는 TLS)를 더하세요.`,
      `ServiceEntry ${names} registers ${host}, but not for HTTPS/TLS on port ${port}: TLS to a host with only an HTTP ` +
        `entry is still blocked. Add a port ${port} with protocol HTTPS (or TLS).`,
    );
  }
  return undefined;
}

function rulesFor(facts: EgressFacts): TimeoutRule[] {
  return facts.timeouts.filter((t) => t.hosts.some((h) => hostMatches(h, facts.host)));
}

function seconds(duration: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(duration.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] === 'ms' ? n / 1000 : m[2] === 'm' ? n * 60 : m[2] === 'h' ? n * 3600 : n;
}

function timeoutCause(facts: EgressFacts, outcome: EgressOutcome, expected: EgressExpectation): Localized | undefined {
  const fired = outcome.status === 504 && /upstream request timeout/i.test(outcome.body);
  const mine = rulesFor(facts);
  if (fired && expected.status !== 504) {
    const rule = mine[0];
    if (!rule) return undefined;
    return text(
      `VirtualService ${iGa(rule.name)} ${facts.host} 호스트에 timeout(${rule.timeout})을 걸었고, 요청이 그보다 오래 걸려 보내는 쪽 사이드카가 504(upstream ` +
        `request timeout)로 끊었습니다.`,
      `VirtualService ${rule.name} sets a ${rule.timeout} timeout on ${facts.host}, and the request took longer: the ` +
        `caller's sidecar cut it off with 504 (upstream request timeout).`,
    );
  }
  if (expected.status !== 504 || fired) return undefined;
  if (mine.length === 0) {
    const other = facts.timeouts[0];
    if (other)
      return text(
        `VirtualService ${other.name}의 timeout(${other.timeout})은 hosts [${other.hosts.join(', ')}]에 걸려 있고 ${facts.host} ` +
          `호스트에는 걸려 있지 않습니다. timeout은 VirtualService의 hosts에 있는 호스트로 가는 요청에만 적용됩니다.`,
        `VirtualService ${other.name}'s ${other.timeout} timeout is set for hosts [${other.hosts.join(', ')}], not for ` +
          `${facts.host}: a timeout applies only to requests for the hosts its VirtualService lists.`,
      );
    return text(
      `hosts에 ${facts.host} 호스트가 있고 timeout을 건 VirtualService가 없습니다.`,
      `No VirtualService with a timeout lists ${facts.host} in its hosts.`,
    );
  }
  const rule = mine[0]!;
  const limit = seconds(rule.timeout);
  if (limit !== undefined && facts.delaySeconds !== undefined && limit >= facts.delaySeconds)
    return text(
      `VirtualService ${rule.name}의 timeout(${rule.timeout})이 요청이 걸리는 ${facts.delaySeconds}초보다 길어서 먼저 끝나지 않습니다.`,
      `VirtualService ${rule.name}'s ${rule.timeout} timeout is longer than the ${facts.delaySeconds} s the request takes, ` +
        `so it never fires first.`,
    );
  return undefined;
}

function captureCause(facts: EgressFacts, outcome: EgressOutcome, expected: EgressExpectation): Localized | undefined {
  const c = facts.capture;
  if (!c) return undefined;
  // Anything but a plain answer without Envoy's marks went through the sidecar (a 502 or a reset is its block).
  const wantsBypass = expected.bypass && !(outcome.status === 200 && !outcome.throughEnvoy);
  // 200 where the sidecar should have blocked: the pod may still skip its sidecar.
  const wantsCapture =
    !expected.bypass &&
    (expected.status === 502 || expected.curlExitCode === 35) &&
    outcome.status === 200 &&
    !outcome.throughEnvoy;
  if (!wantsBypass && !wantsCapture) return undefined;
  const source =
    c.wouldBeFrom === 'annotation'
      ? text(
          '파드 템플릿의 includeOutboundIPRanges 어노테이션',
          "the pod template's includeOutboundIPRanges annotation",
        )
      : c.wouldBeFrom === 'injector'
        ? text(
            '설치 옵션 values.global.proxy.includeIPRanges',
            'the install option values.global.proxy.includeIPRanges',
          )
        : text('기본값', 'the default');
  if (c.podAnnotation !== undefined && c.podAnnotation !== c.include) {
    return text(
      `파드 ${c.pod}에는 includeOutboundIPRanges 어노테이션("${c.podAnnotation}")이 있지만, istio-init은 파드가 만들어질 때 "${c.include}" ` +
        `대역으로 iptables 규칙을 썼습니다. 실행 중인 파드에 붙인 어노테이션은 아무것도 바꾸지 않습니다. Deployment의 파드 템플릿에 달아서 새 파드가 만들어지게 하세요.`,
      `Pod ${c.pod} has the includeOutboundIPRanges annotation ("${c.podAnnotation}"), but istio-init wrote its iptables ` +
        `rules for "${c.include}" when the pod was created: an annotation added to a running pod changes nothing. Put it ` +
        `on the Deployment's pod template so that a new pod is created.`,
    );
  }
  if (c.include !== c.wouldBe) {
    return text(
      `파드 ${c.pod}의 istio-init은 파드가 만들어질 때 "${c.include}" 대역을 가로채도록 iptables 규칙을 썼지만, 지금 만들어지는 파드는 "${c.wouldBe}" 대역을 ` +
        `받습니다(${source.ko}). 파드가 설정을 바꾸기 전에 만들어졌으니 다시 띄우세요(kubectl rollout restart deployment).`,
      `Pod ${c.pod}'s istio-init wrote iptables rules capturing "${c.include}" when it was created, but a pod created ` +
        `now gets "${c.wouldBe}" (${source.en}). The pod predates the change: restart it with kubectl rollout restart deployment.`,
    );
  }
  if (wantsBypass && c.include === '*')
    return text(
      `파드 ${c.pod}의 사이드카는 모든 주소("*")를 가로챕니다. includeIPRanges 설치 옵션이나 파드 템플릿의 traffic.sidecar.istio.io/includeOutboundIPRanges ` +
        `어노테이션으로 대역을 좁힌 뒤 파드를 다시 만드세요.`,
      `Pod ${c.pod}'s sidecar captures every address ("*"). Narrow it with the includeIPRanges install option or the ` +
        `traffic.sidecar.istio.io/includeOutboundIPRanges annotation on the pod template, then recreate the pod.`,
    );
  if (wantsCapture && c.include !== '*')
    return text(
      `파드 ${c.pod}의 사이드카는 "${c.include}" 대역만 가로채서 ${facts.host} 호스트로 가는 요청은 사이드카를 거치지 않습니다.`,
      `Pod ${c.pod}'s sidecar captures only "${c.include}", so requests to ${facts.host} skip it.`,
    );
  return undefined;
}

function allowedCause(facts: EgressFacts, outcome: EgressOutcome, expected: EgressExpectation): Localized | undefined {
  const wantedBlock = expected.status === 502 || expected.curlExitCode === 35 || expected.status === 0;
  if (!wantedBlock || outcome.status === 0 || outcome.status >= 400) return undefined;
  if (facts.policy.mode === 'ALLOW_ANY') {
    const src = policySource(facts);
    return text(
      `outboundTrafficPolicy가 ALLOW_ANY입니다(${src.ko}). 모르는 호스트도 PassthroughCluster로 나갑니다. ConfigMap을 고쳐도 다음 istioctl ` +
        `install이 되돌리므로 istioctl install --set meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY로 정하세요.`,
      `outboundTrafficPolicy is ALLOW_ANY (${src.en}): unknown hosts leave through the PassthroughCluster. A ConfigMap ` +
        `edit is undone by the next istioctl install; set it with ` +
        `istioctl install --set meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY.`,
    );
  }
  const entry = facts.entries[0];
  if (entry && outcome.throughEnvoy !== false)
    return text(
      `ServiceEntry ${iGa(entry.name)} ${facts.host} 호스트를 등록하고 있어서 REGISTRY_ONLY에서도 나갈 수 있습니다.`,
      `ServiceEntry ${entry.name} registers ${facts.host}, so it may go out even under REGISTRY_ONLY.`,
    );
  return undefined;
}

/** The most specific reason for the outcome, or undefined when the facts say nothing about it. */
export function explainEgress(
  facts: EgressFacts,
  outcome: EgressOutcome,
  expected: EgressExpectation,
): Localized | undefined {
  // Where the step wants the sidecar skipped, what the sidecar did matters less than why it was in the way.
  if (expected.bypass) return captureCause(facts, outcome, expected) ?? blocked(facts, outcome);
  return (
    blocked(facts, outcome) ??
    timeoutCause(facts, outcome, expected) ??
    captureCause(facts, outcome, expected) ??
    allowedCause(facts, outcome, expected)
  );
}
