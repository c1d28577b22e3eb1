/**
 * What an HTTP outcome most likely means in an Istio mesh, read from the evidence alone (status, body,
 * curl's error), never from which lab is running. The causes are Envoy's local replies of
 * ISTIO-BEHAVIOR.md.
 */
import type { Localized } from '../labs/schema.ts';
import type { LabFileRef } from './types.ts';
import { text } from './types.ts';

/** The lab editor file that defines objects of a kind (`destination-rule-all.yaml` for DestinationRule). */
export function fileDefining(files: readonly LabFileRef[], kind: string): string | undefined {
  const re = new RegExp(`^kind:\\s*${kind}\\s*$`, 'm');
  return files.find((f) => re.test(f.content))?.name;
}

function seeFile(files: readonly LabFileRef[], kind: string): Localized {
  const name = fileDefining(files, kind);
  return name ? text(` (${name} 확인)`, ` (check ${name})`) : text('', '');
}

/** A likely cause for a failed request, or undefined when the status says nothing special. */
export function likelyCause(
  status: number,
  body: string,
  error: string | undefined,
  files: readonly LabFileRef[],
): Localized | undefined {
  const b = body.trim();
  if (status === 0) {
    if (error && /reset|35|SSL|TLS/i.test(error)) {
      return text(
        'TLS 연결이 handshake 중에 끊겼습니다. outboundTrafficPolicy가 REGISTRY_ONLY이고 이 호스트의 ServiceEntry가 없을 때 이렇게 됩니다.',
        'the TLS connection was reset during the handshake: with outboundTrafficPolicy ' +
          'REGISTRY_ONLY this happens to hosts no ServiceEntry registers.',
      );
    }
    if (error && /timed out|timeout|28/i.test(error)) {
      return text('응답이 제한 시간 안에 오지 않았습니다.', 'no answer came within the time limit.');
    }
    return undefined;
  }
  if (status === 503 && b === '') {
    const see = seeFile(files, 'DestinationRule');
    return text(
      `라우트가 가리키는 서브셋(subset)을 정의한 DestinationRule이 없습니다${see.ko}. Envoy가 cluster를 찾지 못하면(NC) 본문 없이 503을 돌려줍니다.`,
      `a route names a subset no DestinationRule defines${see.en}; Envoy ` +
        `answers 503 with an empty body when the cluster is not found (NC).`,
    );
  }
  if (status === 503 && /no healthy upstream/i.test(b)) {
    return text(
      '서브셋은 정의되어 있지만 그 레이블과 맞는 실행 중인 파드가 없습니다(no healthy upstream). DestinationRule의 subset labels와 파드의 레이블을 비교해 보세요.',
      'the subset is defined but no running pod matches its labels (no healthy ' +
        "upstream): compare the DestinationRule's subset labels with the pods' labels.",
    );
  }
  if (status === 404 && b === '') {
    const see = seeFile(files, 'Gateway');
    return text(
      `요청과 맞는 virtual host나 라우트가 없습니다(NR). Gateway의 hosts와 VirtualService의 hosts·gateways·match를 확인하세요${see.ko}.`,
      `no virtual host or route matches the request (NR): check the Gateway's ` +
        `hosts and the VirtualService's hosts, gateways and match${see.en}.`,
    );
  }
  if (status === 504 && /upstream request timeout/i.test(b)) {
    return text(
      'VirtualService의 timeout이 먼저 끝났습니다(upstream request timeout).',
      "the VirtualService's timeout fired first (upstream request timeout).",
    );
  }
  if (status === 502 && b === '') {
    return text(
      '사이드카가 요청을 막았습니다. outboundTrafficPolicy가 REGISTRY_ONLY일 때 ServiceEntry로 등록하지 않은 호스트로 가는 HTTP 요청은 502를 받습니다.',
      'the sidecar blocked the request: with outboundTrafficPolicy REGISTRY_ONLY, plain HTTP to a host no ServiceEntry registers gets 502.',
    );
  }
  return undefined;
}

/** A short, language-neutral description of one response for evidence: `503 (empty body)`. */
export function describeResponse(status: number, body: string, error: string | undefined): string {
  if (status === 0) return `no response: ${error ?? 'transport error'}`;
  const b = body.trim().replace(/\s+/g, ' ');
  return `${status} (${b === '' ? 'empty body' : `body: "${b.length > 80 ? `${b.slice(0, 79)}…` : b}"`})`;
}
