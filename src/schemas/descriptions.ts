/** Hover texts for the fields the lessons edit, in both languages (the editor shows the page's). */
import type { Lang } from '../i18n/ui.ts';

/** Field name to its description. */
export const FIELD_DOCS: Record<string, Record<Lang, string>> = {
  hosts: { ko: '이 설정이 적용되는 호스트 이름 목록 (서비스 이름, FQDN, 와일드카드).', en: 'The host names this configuration applies to (service names, FQDNs, wildcards).' },
  gateways: { ko: '이 라우팅을 적용할 게이트웨이. 생략하면 사이드카(mesh)에만 적용된다.', en: 'Gateways this routing applies to. Omitted: sidecars only (the reserved `mesh`).' },
  http: { ko: 'HTTP 라우팅 규칙. 위에서부터 차례로 비교해 처음 맞는 규칙이 쓰인다.', en: 'HTTP routing rules, tried in order; the first that matches wins.' },
  route: { ko: '요청을 보낼 목적지들. weight 비율로 나뉜다.', en: 'Destinations for the request, split by weight.' },
  destination: { ko: '요청을 보낼 서비스와 subset.', en: 'The service (and subset) requests go to.' },
  host: { ko: '서비스 레지스트리의 서비스 이름 (예: reviews).', en: 'A service name in the registry (e.g. reviews).' },
  subset: { ko: 'DestinationRule에 정의한 subset 이름 (예: v1).', en: 'A subset name defined in a DestinationRule (e.g. v1).' },
  weight: { ko: '상대 가중치. 합이 100일 필요는 없다 (Istio 1.15부터).', en: 'Relative weight; the sum need not be 100 (since Istio 1.15).' },
  match: { ko: '규칙이 적용될 요청 조건. 목록 항목끼리는 OR, 항목 안 필드끼리는 AND.', en: 'Conditions for the rule: entries are ORed, fields inside one entry ANDed.' },
  subsets: { ko: '서비스 인스턴스를 label로 나눈 이름 있는 묶음.', en: 'Named groups of a service\'s instances, selected by labels.' },
  labels: { ko: 'subset에 속할 Pod의 label.', en: 'Labels of the pods in this subset.' },
  timeout: { ko: 'HTTP 요청 타임아웃 (예: 3s). 기본값은 없음.', en: 'HTTP request timeout (e.g. 3s); none by default.' },
  mirror: { ko: '요청 사본을 보낼 목적지. 응답은 버려진다.', en: 'Where a copy of each request goes; its response is discarded.' },
  mirrorPercentage: { ko: '미러링할 요청 비율 (0-100).', en: 'Share of requests mirrored (0-100).' },
  servers: { ko: '게이트웨이가 여는 포트와 받아들일 호스트.', en: 'Ports the gateway opens and the hosts it accepts.' },
  selector: { ko: '이 게이트웨이 설정을 적용할 게이트웨이 Pod의 label.', en: 'Labels of the gateway pods this configuration applies to.' },
  location: { ko: 'MESH_EXTERNAL: 메시 밖 서비스. MESH_INTERNAL: 메시 안.', en: 'MESH_EXTERNAL: outside the mesh; MESH_INTERNAL: inside.' },
  resolution: { ko: '엔드포인트 주소를 정하는 방법 (NONE, STATIC, DNS).', en: 'How endpoint addresses are found (NONE, STATIC, DNS).' },
  ports: { ko: '서비스 포트 목록.', en: 'The service\'s ports.' },
  outboundTrafficPolicy: { ko: '등록되지 않은 외부로 나가는 트래픽 정책 (ALLOW_ANY / REGISTRY_ONLY).', en: 'Policy for traffic to unregistered destinations (ALLOW_ANY / REGISTRY_ONLY).' },
  trafficPolicy: { ko: '부하 분산, 연결 풀, TLS 등 트래픽 정책.', en: 'Load balancing, connection pool, TLS and other traffic policies.' },
};
