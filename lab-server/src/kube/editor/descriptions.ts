/**
 * Hover texts for the fields of the kinds the lessons edit, in both languages (the editor shows the page's).
 * Keys are looked up from the most specific to the least: `Kind.path.to.field`, then `parent.field`, then
 * `field` (array levels are left out of paths: `VirtualService.spec.http.route.weight`).
 */
/** The page's language. */
export type Lang = 'ko' | 'en';

type Doc = Record<Lang, string>;

/** Field path (as above) to its description. */
export const FIELD_DOCS: Record<string, Doc> = {
  // Every object
  apiVersion: {
    ko: 'API 그룹과 버전. Istio 네트워킹 kind는 networking.istio.io/v1 (v1beta1, v1alpha3도 받아들인다).',
    en: 'API group and version. Istio networking kinds use networking.istio.io/v1 (v1beta1 and v1alpha3 are still accepted).',
  },
  kind: {
    ko: '오브젝트 종류. 이 값에 따라 spec의 모양이 정해진다.',
    en: "The object's type; it decides the shape of spec.",
  },
  metadata: { ko: '이름, 네임스페이스, label, annotation.', en: 'Name, namespace, labels and annotations.' },
  status: {
    ko: '클러스터가 채우는 상태. kubectl apply는 무시한다.',
    en: 'State written by the cluster; kubectl apply ignores it.',
  },
  'metadata.name': {
    ko: '네임스페이스 안에서 유일한 이름 (소문자, 숫자, -, .).',
    en: 'Name, unique within the namespace (lowercase letters, digits, - and .).',
  },
  'metadata.namespace': {
    ko: '오브젝트가 들어갈 네임스페이스. 생략하면 kubectl의 현재 네임스페이스 (보통 default).',
    en: "Namespace of the object; omitted, kubectl's current namespace (usually default).",
  },
  'metadata.labels': { ko: '선택(selector)에 쓰이는 key: value 쌍.', en: 'key: value pairs that selectors match on.' },
  'metadata.annotations': {
    ko: '도구가 읽는 임의의 key: value 메모. 선택에는 쓰이지 않는다.',
    en: 'Arbitrary key: value notes for tools; not used for selection.',
  },
  'metadata.generateName': {
    ko: 'name이 없을 때 서버가 뒤에 임의 문자열을 붙여 이름을 만든다 (kubectl create 전용).',
    en: 'Prefix the server completes with random characters when name is empty (kubectl create only).',
  },

  // VirtualService
  'VirtualService.spec': {
    ko: '호스트로 가는 요청을 어디로 보낼지 정하는 라우팅 규칙.',
    en: 'Routing rules: where requests for the hosts go.',
  },
  'VirtualService.spec.hosts': {
    ko: '이 규칙이 적용되는 목적지 호스트 (서비스 이름, FQDN, 와일드카드 *.example.com).',
    en: 'Destination hosts these rules apply to (service names, FQDNs, wildcards like *.example.com).',
  },
  'VirtualService.spec.gateways': {
    ko: '규칙을 적용할 Gateway 이름. 생략하면 사이드카(mesh)에만 적용된다. 둘 다 원하면 mesh도 적는다.',
    en: 'Gateways the rules apply to. Omitted: sidecars only (the reserved name mesh); list mesh too for both.',
  },
  'VirtualService.spec.http': {
    ko: 'HTTP 라우팅 규칙. 위에서부터 차례로 비교해 처음 맞는 규칙이 쓰인다.',
    en: 'HTTP routing rules, tried in order; the first that matches wins.',
  },
  'VirtualService.spec.http.name': {
    ko: '규칙의 이름 (로그와 디버깅용).',
    en: "The rule's name (for logs and debugging).",
  },
  'VirtualService.spec.http.match': {
    ko: '규칙이 적용될 요청 조건. 목록 항목끼리는 OR, 한 항목 안의 필드끼리는 AND. 생략하면 모든 요청.',
    en: 'Conditions for the rule: entries are ORed, fields within one entry ANDed. Omitted: every request.',
  },
  'VirtualService.spec.http.match.uri': {
    ko: 'URI 경로 조건: exact, prefix, regex 중 하나.',
    en: 'URI path condition: one of exact, prefix, regex.',
  },
  'VirtualService.spec.http.match.headers': {
    ko: '헤더 이름 → 조건 (exact, prefix, regex). 헤더 이름은 소문자.',
    en: 'Header name → condition (exact, prefix, regex). Header names in lowercase.',
  },
  'VirtualService.spec.http.match.sourceLabels': {
    ko: '요청을 보낸 워크로드의 label.',
    en: 'Labels of the workload sending the request.',
  },
  exact: { ko: '정확히 같은 값.', en: 'Exactly this value.' },
  prefix: { ko: '이 값으로 시작.', en: 'Starts with this value.' },
  regex: { ko: 'RE2 정규식 전체가 맞아야 한다.', en: 'The whole value matches this RE2 regular expression.' },
  'VirtualService.spec.http.route': {
    ko: '요청을 보낼 목적지들. 요청마다 weight 비율로 하나가 뽑힌다.',
    en: 'Destinations for the request; each request draws one in proportion to the weights.',
  },
  'VirtualService.spec.http.route.weight': {
    ko: '이 목적지로 갈 상대 비율. 합이 100일 필요는 없다 (Istio 1.15부터). 목적지가 하나면 생략.',
    en: 'Relative share of requests for this destination; the sum need not be 100 (since Istio 1.15). Omit with a single destination.',
  },
  'VirtualService.spec.http.route.headers': {
    ko: '이 목적지로 갈 때 요청·응답 헤더를 바꾼다 (set, add, remove).',
    en: 'Request/response header changes for this destination (set, add, remove).',
  },
  destination: { ko: '요청을 보낼 서비스와 subset.', en: 'The service (and subset) requests go to.' },
  'destination.host': {
    ko: '서비스 레지스트리의 서비스 이름 (예: reviews 또는 reviews.default.svc.cluster.local).',
    en: 'A service in the registry (e.g. reviews or reviews.default.svc.cluster.local).',
  },
  'destination.subset': {
    ko: 'DestinationRule에 정의한 subset 이름 (예: v1). 그 DestinationRule이 없으면 요청은 503 (NR)이 된다.',
    en: 'A subset name defined in a DestinationRule (e.g. v1). Without that DestinationRule requests fail with 503 (NR).',
  },
  'destination.port': {
    ko: '서비스에 포트가 여러 개일 때 보낼 포트.',
    en: 'Which port, when the service has several.',
  },
  'port.number': { ko: '포트 번호.', en: 'Port number.' },
  'VirtualService.spec.http.timeout': {
    ko: 'HTTP 요청 타임아웃 (예: 3s, 500ms). 기본값은 없음.',
    en: 'HTTP request timeout (e.g. 3s, 500ms); none by default.',
  },
  'VirtualService.spec.http.retries': { ko: '실패한 요청의 재시도 정책.', en: 'Retry policy for failed requests.' },
  'retries.attempts': { ko: '최대 재시도 횟수.', en: 'Maximum number of retries.' },
  'retries.perTryTimeout': { ko: '시도마다의 타임아웃 (예: 2s).', en: 'Timeout of each attempt (e.g. 2s).' },
  'retries.retryOn': {
    ko: '재시도할 조건, 쉼표로 구분 (예: 5xx,connect-failure).',
    en: 'When to retry, comma-separated (e.g. 5xx,connect-failure).',
  },
  'VirtualService.spec.http.fault': {
    ko: '장애 주입: 지연(delay)이나 중단(abort).',
    en: 'Fault injection: delays or aborts.',
  },
  'fault.delay': { ko: '요청을 보내기 전에 지연을 넣는다.', en: 'Delay requests before forwarding them.' },
  'fault.abort': { ko: '요청을 보내지 않고 오류로 응답한다.', en: 'Answer with an error instead of forwarding.' },
  fixedDelay: { ko: '고정 지연 시간 (예: 7s).', en: 'Fixed delay (e.g. 7s).' },
  httpStatus: { ko: '돌려줄 HTTP 상태 코드 (예: 500).', en: 'HTTP status to answer with (e.g. 500).' },
  percentage: { ko: '적용할 요청 비율.', en: 'Share of requests affected.' },
  'percentage.value': {
    ko: '0부터 100 사이의 백분율 (소수 가능).',
    en: 'Percentage between 0 and 100 (fractions allowed).',
  },
  'VirtualService.spec.http.mirror': {
    ko: '요청 사본을 보낼 목적지. 사본의 응답은 버려지고 Host에 -shadow가 붙는다 (Istio 1.28 이전).',
    en: "Where a copy of each request goes; the copy's response is discarded (its Host gets -shadow before Istio 1.28).",
  },
  'VirtualService.spec.http.mirrorPercentage': {
    ko: '미러링할 요청 비율. 생략하면 100 %.',
    en: 'Share of requests mirrored; omitted, 100 %.',
  },
  'VirtualService.spec.http.mirrorPercent': {
    ko: '(폐기 예정) mirrorPercentage를 쓴다.',
    en: '(Deprecated) use mirrorPercentage.',
  },
  'VirtualService.spec.http.mirrors': {
    ko: '여러 곳에 미러링할 때: 목적지와 비율의 목록.',
    en: 'Mirroring to several places: destinations with their percentages.',
  },
  'VirtualService.spec.http.redirect': {
    ko: '요청을 보내지 않고 리디렉션(301)으로 응답한다.',
    en: 'Answer with a redirect (301) instead of forwarding.',
  },
  'VirtualService.spec.http.rewrite': {
    ko: '보내기 전에 URI나 authority(Host)를 바꾼다.',
    en: 'Rewrite the URI or authority (Host) before forwarding.',
  },
  'VirtualService.spec.http.directResponse': {
    ko: '요청을 보내지 않고 정해진 상태와 본문으로 응답한다.',
    en: 'Answer with a fixed status and body instead of forwarding.',
  },
  'VirtualService.spec.http.headers': {
    ko: '요청·응답 헤더를 바꾼다 (set, add, remove).',
    en: 'Change request/response headers (set, add, remove).',
  },
  'VirtualService.spec.tcp': { ko: 'TCP 트래픽의 라우팅 규칙.', en: 'Routing rules for TCP traffic.' },
  'VirtualService.spec.tls': {
    ko: '종단하지 않는 TLS(HTTPS) 트래픽의 SNI 기반 라우팅 규칙.',
    en: 'SNI-based routing rules for unterminated TLS (HTTPS) traffic.',
  },
  exportTo: {
    ko: '이 설정이 보이는 네임스페이스 (. 은 자기 네임스페이스, * 는 전부).',
    en: 'Namespaces that see this configuration (. for its own, * for all).',
  },

  // DestinationRule
  'DestinationRule.spec': {
    ko: '라우팅이 끝난 뒤 목적지 서비스로 가는 트래픽의 정책과 subset.',
    en: 'Policies and subsets for traffic to a service, applied after routing.',
  },
  'DestinationRule.spec.host': {
    ko: '정책을 적용할 서비스 (예: reviews).',
    en: 'The service these policies apply to (e.g. reviews).',
  },
  'DestinationRule.spec.subsets': {
    ko: '서비스 인스턴스를 label로 나눈 이름 있는 묶음. VirtualService의 destination.subset이 이 이름을 가리킨다.',
    en: "Named groups of the service's instances, selected by labels; VirtualServices name them in destination.subset.",
  },
  'DestinationRule.spec.subsets.name': { ko: 'subset 이름 (예: v1).', en: "The subset's name (e.g. v1)." },
  'DestinationRule.spec.subsets.labels': {
    ko: '이 subset에 속할 Pod의 label (예: version: v1).',
    en: 'Labels of the pods in this subset (e.g. version: v1).',
  },
  trafficPolicy: {
    ko: '부하 분산, 연결 풀, 이상치 감지, TLS 정책.',
    en: 'Load balancing, connection pool, outlier detection and TLS policies.',
  },
  'trafficPolicy.loadBalancer': { ko: '부하 분산 방식.', en: 'How requests are balanced over endpoints.' },
  'loadBalancer.simple': { ko: '단순 부하 분산 알고리즘.', en: 'A simple load-balancing algorithm.' },
  'loadBalancer.consistentHash': {
    ko: '헤더, 쿠키, 소스 IP 등의 해시로 같은 엔드포인트에 고정한다.',
    en: 'Stick to an endpoint by a hash of a header, cookie, source IP…',
  },
  'trafficPolicy.connectionPool': {
    ko: '업스트림 연결과 요청 수의 상한 (서킷 브레이커).',
    en: 'Limits on upstream connections and requests (circuit breaking).',
  },
  'trafficPolicy.outlierDetection': {
    ko: '오류가 잦은 엔드포인트를 잠시 빼낸다.',
    en: 'Eject endpoints that keep failing, for a while.',
  },
  'trafficPolicy.tls': { ko: '업스트림으로의 TLS 설정.', en: 'TLS settings towards the upstream.' },
  'tls.mode': { ko: 'TLS 모드.', en: 'TLS mode.' },
  'tls.credentialName': {
    ko: '인증서와 키가 든 Secret 이름.',
    en: 'Name of the Secret holding the certificate and key.',
  },

  // Gateway
  'Gateway.spec': {
    ko: '메시 가장자리의 로드 밸런서(게이트웨이 Pod)가 열 포트와 받아들일 호스트.',
    en: "Ports a load balancer at the mesh's edge (gateway pods) opens and the hosts it accepts.",
  },
  'Gateway.spec.selector': {
    ko: '이 설정을 적용할 게이트웨이 Pod의 label (예: istio: ingressgateway).',
    en: 'Labels of the gateway pods this applies to (e.g. istio: ingressgateway).',
  },
  'Gateway.spec.servers': {
    ko: '열 포트마다 하나: 포트, 받아들일 호스트, TLS.',
    en: 'One per port opened: the port, the hosts accepted, TLS.',
  },
  'Gateway.spec.servers.hosts': {
    ko: '이 포트로 받아들일 호스트 (예: "*", httpbin.example.com). VirtualService의 hosts와 겹쳐야 라우팅된다.',
    en: 'Hosts accepted on this port (e.g. "*", httpbin.example.com); a VirtualService\'s hosts must overlap them to route.',
  },
  'Gateway.spec.servers.port': { ko: '게이트웨이가 열 포트.', en: 'The port the gateway opens.' },
  'Gateway.spec.servers.tls': { ko: 'HTTPS 포트의 TLS 설정.', en: 'TLS settings of an HTTPS port.' },
  'port.protocol': {
    ko: '프로토콜: HTTP, HTTPS, GRPC, HTTP2, MONGO, TCP, TLS (대소문자 무관).',
    en: 'Protocol: HTTP, HTTPS, GRPC, HTTP2, MONGO, TCP, TLS (case-insensitive).',
  },
  'port.name': { ko: '포트 이름 (예: http).', en: "The port's name (e.g. http)." },
  'port.targetPort': {
    ko: '엔드포인트에서 받는 포트 (기본값은 number).',
    en: 'Port on the endpoints (defaults to number).',
  },

  // ServiceEntry
  'ServiceEntry.spec': {
    ko: '메시 밖의 서비스를 Istio의 서비스 레지스트리에 등록한다.',
    en: "Adds a service (often outside the mesh) to Istio's service registry.",
  },
  'ServiceEntry.spec.hosts': {
    ko: '등록할 호스트 이름 (예: httpbin.org). HTTP는 Host 헤더, HTTPS는 SNI로 맞춘다.',
    en: 'Host names registered (e.g. httpbin.org); matched on the Host header for HTTP, SNI for HTTPS.',
  },
  'ServiceEntry.spec.ports': {
    ko: '서비스의 포트: number, name, protocol.',
    en: "The service's ports: number, name, protocol.",
  },
  'ServiceEntry.spec.location': {
    ko: 'MESH_EXTERNAL: 메시 밖 (mTLS 없음). MESH_INTERNAL: 메시의 일부로 다룬다.',
    en: 'MESH_EXTERNAL: outside the mesh (no mTLS). MESH_INTERNAL: treated as part of the mesh.',
  },
  'ServiceEntry.spec.resolution': {
    ko: '엔드포인트 주소를 정하는 방법: NONE (원래 목적지 주소), STATIC (endpoints), DNS.',
    en: 'How endpoint addresses are found: NONE (the original destination), STATIC (endpoints), DNS.',
  },
  'ServiceEntry.spec.endpoints': {
    ko: 'resolution이 STATIC 또는 DNS일 때의 엔드포인트.',
    en: 'Endpoints, with resolution STATIC or DNS.',
  },
  'ServiceEntry.spec.addresses': {
    ko: '서비스의 가상 IP 또는 CIDR (TCP 서비스에 필요).',
    en: 'Virtual IPs or CIDRs of the service (needed for TCP services).',
  },

  // Sidecar
  'Sidecar.spec': {
    ko: '사이드카 프록시가 받고 보낼 수 있는 트래픽의 범위.',
    en: 'What traffic the sidecar proxies accept and may send.',
  },
  'Sidecar.spec.workloadSelector': {
    ko: '적용할 워크로드의 label. 생략하면 네임스페이스의 모든 워크로드.',
    en: 'Labels of the workloads this applies to; omitted, all in the namespace.',
  },
  'Sidecar.spec.egress': {
    ko: '사이드카가 알고 있을 목적지 (namespace/host 형식, 예: ./*, istio-system/*).',
    en: 'Destinations the sidecar knows about (namespace/host, e.g. ./*, istio-system/*).',
  },
  'Sidecar.spec.egress.hosts': { ko: 'namespace/dnsName 형식의 호스트 목록.', en: 'Hosts as namespace/dnsName.' },
  outboundTrafficPolicy: {
    ko: '레지스트리에 없는 외부 목적지로 나가는 트래픽 정책.',
    en: 'Policy for traffic to destinations not in the registry.',
  },
  'outboundTrafficPolicy.mode': {
    ko: 'ALLOW_ANY: 그냥 통과. REGISTRY_ONLY: ServiceEntry로 등록한 곳만 (나머지는 502).',
    en: 'ALLOW_ANY: let it through. REGISTRY_ONLY: only what a ServiceEntry registers (others get 502).',
  },

  // Deployment, Pod
  'Deployment.spec.replicas': { ko: '원하는 Pod 수 (기본 1).', en: 'Desired number of pods (default 1).' },
  'Deployment.spec.selector': {
    ko: '이 Deployment가 관리할 Pod의 label. template의 label과 맞아야 하고 만든 뒤에는 바꿀 수 없다.',
    en: "Labels of the pods this Deployment manages; must match the template's labels and cannot change later.",
  },
  'Deployment.spec.template': {
    ko: '만들 Pod의 틀: metadata(label)와 spec(컨테이너).',
    en: 'The pods to create: metadata (labels) and spec (containers).',
  },
  'Deployment.spec.strategy': {
    ko: '업데이트 방식: RollingUpdate (기본) 또는 Recreate.',
    en: 'Update strategy: RollingUpdate (default) or Recreate.',
  },
  selector: { ko: '대상을 고르는 label.', en: 'Labels that pick the targets.' },
  matchLabels: { ko: '이 label을 모두 가진 대상.', en: 'Targets that have all of these labels.' },
  containers: { ko: 'Pod의 컨테이너들.', en: "The pod's containers." },
  'containers.name': { ko: 'Pod 안에서 유일한 컨테이너 이름.', en: 'Container name, unique in the pod.' },
  'containers.image': {
    ko: '컨테이너 이미지 (예: docker.io/kennethreitz/httpbin).',
    en: 'Container image (e.g. docker.io/kennethreitz/httpbin).',
  },
  'containers.imagePullPolicy': {
    ko: '이미지를 받는 때: Always, IfNotPresent, Never.',
    en: 'When to pull the image: Always, IfNotPresent, Never.',
  },
  'containers.command': {
    ko: '이미지의 ENTRYPOINT 대신 실행할 명령.',
    en: "Command run instead of the image's ENTRYPOINT.",
  },
  'containers.args': { ko: '이미지의 CMD 대신 줄 인자.', en: "Arguments instead of the image's CMD." },
  'containers.ports': {
    ko: '컨테이너가 여는 포트 (정보용; 열지 않은 포트도 막지 않는다).',
    en: 'Ports the container listens on (informational; unlisted ports are not blocked).',
  },
  containerPort: { ko: '컨테이너가 듣는 포트 번호.', en: 'Port number the container listens on.' },
  'containers.env': { ko: '환경 변수 (name, value).', en: 'Environment variables (name, value).' },

  // Service
  'Service.spec.selector': {
    ko: '이 Service의 엔드포인트가 될 Pod의 label.',
    en: "Labels of the pods that become this Service's endpoints.",
  },
  'Service.spec.ports': {
    ko: 'Service가 여는 포트. Istio는 name(http, http-xxx)이나 appProtocol로 프로토콜을 안다.',
    en: 'Ports the Service opens; Istio learns the protocol from the name (http, http-xxx) or appProtocol.',
  },
  'Service.spec.ports.port': { ko: 'Service의 포트.', en: "The Service's port." },
  'Service.spec.ports.targetPort': {
    ko: 'Pod에서 받는 포트 (번호 또는 컨테이너 포트 이름). 기본값은 port.',
    en: 'Port on the pods (number or container port name); defaults to port.',
  },
  'Service.spec.ports.nodePort': {
    ko: 'type이 NodePort/LoadBalancer일 때 노드에서 여는 포트 (30000-32767).',
    en: 'Port opened on the nodes with type NodePort/LoadBalancer (30000-32767).',
  },
  'Service.spec.ports.name': {
    ko: '포트 이름. Istio는 http, http2, grpc, tcp 등으로 시작하는 이름에서 프로토콜을 읽는다.',
    en: 'Port name; Istio reads the protocol from a prefix such as http, http2, grpc, tcp.',
  },
  'Service.spec.type': {
    ko: 'ClusterIP (클러스터 안), NodePort, LoadBalancer, ExternalName.',
    en: 'ClusterIP (in-cluster), NodePort, LoadBalancer, ExternalName.',
  },

  // ConfigMap
  'ConfigMap.data': { ko: '문자열 key: value 데이터.', en: 'String key: value data.' },
  'ConfigMap.immutable': { ko: 'true면 data를 바꿀 수 없다.', en: 'When true, data cannot change.' },
};

/** What each kind the lessons use is, as `kubectl explain KIND` introduces it. */
export const KIND_DOCS: Record<string, Doc> = {
  VirtualService: {
    ko: '호스트로 오는 요청을 어디로 보낼지 정하는 라우팅 규칙 (HTTP, TCP, TLS). 사이드카(mesh)나 Gateway에 적용된다.',
    en: 'Routing rules for requests to a set of hosts (HTTP, TCP, TLS), applied by sidecars (mesh) or by Gateways.',
  },
  DestinationRule: {
    ko: '라우팅이 끝난 뒤 목적지에 적용하는 정책: subset(버전별 파드 묶음), 로드 밸런싱, 연결 풀, TLS.',
    en:
      'Policies applied to traffic for a service after routing: subsets ' +
      '(groups of pods by version), load balancing, connection pools, TLS.',
  },
  Gateway: {
    ko: '메시 가장자리에서 들어오거나 나가는 연결을 받는 로드 밸런서(ingress/egress gateway 파드)의 포트, 프로토콜, 호스트.',
    en: 'Ports, protocols and hosts a load balancer at the edge of the mesh (an ingress or egress gateway pod) accepts.',
  },
  ServiceEntry: {
    ko: '메시 밖의 서비스(예: httpbin.org)를 Istio의 서비스 레지스트리에 등록한다.',
    en: "Adds a service outside the mesh (httpbin.org, say) to Istio's service registry.",
  },
  Sidecar: {
    ko: '사이드카 프록시가 받고 내보내는 트래픽의 범위와 정책 (outboundTrafficPolicy 포함).',
    en: 'What traffic a sidecar proxy accepts and sends, and its policies (outboundTrafficPolicy among them).',
  },
  Deployment: {
    ko: '파드 템플릿과 레플리카 수를 선언하면 ReplicaSet을 통해 그만큼의 파드를 유지한다.',
    en: 'Declares a pod template and a number of replicas, and keeps that many pods running through ReplicaSets.',
  },
  Service: {
    ko: '레이블 셀렉터로 고른 파드들에 붙는 이름, 가상 IP, 포트.',
    en: 'A name, a virtual IP and ports in front of the pods a label selector picks.',
  },
  Pod: {
    ko: '한 노드에서 함께 실행되는 컨테이너들의 묶음 (메시에서는 앱 컨테이너와 istio-proxy 사이드카).',
    en: 'A group of containers that run together on one node (in the mesh: the app and its istio-proxy sidecar).',
  },
  ConfigMap: { ko: '설정 데이터를 key: value로 담는다.', en: 'Holds configuration data as key: value pairs.' },
  Namespace: {
    ko: '이름과 정책이 나뉘는 클러스터 안의 구역.',
    en: 'A scope for names and policies within the cluster.',
  },
};

/** The description of a kind, if there is one. */
export function describeKind(kind: string, lang: Lang): string | undefined {
  return KIND_DOCS[kind]?.[lang];
}

/** The description of the field at `path` (dotted, array levels left out) in an object of `kind`, if there is one. */
export function describeField(kind: string, path: string[], lang: Lang): string | undefined {
  const name = path[path.length - 1];
  if (name === undefined) return undefined;
  const parent = path[path.length - 2];
  // `ports.protocol` reads as `port.protocol`: list items share their singular's texts.
  const singular = parent?.replace(/s$/, '');
  const keys = [
    `${kind}.${path.join('.')}`,
    path.join('.'),
    parent ? `${parent}.${name}` : undefined,
    singular ? `${singular}.${name}` : undefined,
    name,
  ];
  for (const key of keys) if (key && FIELD_DOCS[key]) return FIELD_DOCS[key][lang];
  return undefined;
}
