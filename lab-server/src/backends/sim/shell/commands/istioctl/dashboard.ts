/**
 * `istioctl dashboard` (`dash`, `d`): each web UI is found the way istioctl finds it (addons by label, a proxy or
 * istiod by name); a missing addon gets istioctl's own error. Opening one needs a port-forward to the learner's
 * machine and a browser, which the lab terminal cannot provide: it prints the address istioctl would open and
 * says why it stops there.
 */
import type { K8sObject } from '../../../../../contract.ts';
import type { SimClusterApi } from '../../../types.ts';
import { hasProxy } from '../../../mesh/objects.ts';

/** The dashboards, their one-line help, how their pod is found, and the port and path istioctl opens. */
const DASHBOARDS: Record<string, { short: string; selector?: string; port: number; path?: string }> = {
  controlz: { short: 'Open ControlZ web UI', port: 9876 },
  envoy: { short: 'Open Envoy admin web UI', port: 15000 },
  grafana: { short: 'Open Grafana web UI', selector: 'app.kubernetes.io/name=grafana', port: 3000 },
  'istiod-debug': { short: 'Open Istio debug web UI', port: 15014, path: '/debug' },
  jaeger: { short: 'Open Jaeger web UI', selector: 'app=jaeger', port: 16686 },
  kiali: { short: 'Open Kiali web UI', selector: 'app=kiali', port: 20001, path: '/kiali' },
  prometheus: { short: 'Open Prometheus web UI', selector: 'app.kubernetes.io/name=prometheus', port: 9090 },
  proxy: { short: 'Open admin web UI for a proxy', port: 15000 },
  skywalking: { short: 'Open SkyWalking UI', selector: 'app=skywalking-ui', port: 8080 },
  zipkin: { short: 'Open Zipkin web UI', selector: 'app=zipkin', port: 9411 },
};

const HELP =
  `Access to Istio web UIs

Usage:
  istioctl dashboard [flags]
  istioctl dashboard [command]

Aliases:
  dashboard, dash, d

Available Commands:
${Object.entries(DASHBOARDS)
  .map(([name, d]) => `  ${name.padEnd(13)}${d.short}`)
  .join('\n')}

Flags:
      --address string   Address to listen on. Only accepts IP address or localhost as a value. ` +
  `When localhost is supplied, istioctl will try to bind on both 127.0.0.1 and ::1 and will fail if neither of these ` +
  `address are available to bind. (default "localhost")
      --browser          When --browser is supplied as false, istioctl dashboard will not open the browser. ` +
  `Default is true which means istioctl dashboard will always open a browser to view the dashboard. (default true)
  -h, --help             help for dashboard
  -p, --port int         Local port to listen to

Use "istioctl dashboard [command] --help" for more information about a command.
`;

const CANNOT_OPEN =
  'Error: istioctl dashboard forwards a port of your machine to the cluster and ' +
  'opens a browser there; this lab terminal runs in the simulator and can do ' +
  "neither. Use the lesson's Preview pane for the ingress gateway, and istioctl " +
  'proxy-config or kubectl logs ... -c istio-proxy to look inside a proxy.\n';

/** The pod a `[<type>/]<name>` names (a Deployment's first pod for `deploy/NAME`), or istioctl's error. */
function podFor(cluster: SimClusterApi, ref: string, namespace: string): K8sObject | string {
  const slash = ref.indexOf('/');
  const type = slash < 0 ? 'pod' : ref.slice(0, slash).toLowerCase();
  const name = slash < 0 ? ref : ref.slice(slash + 1);
  if (['pod', 'pods', 'po'].includes(type)) return cluster.get('Pod', namespace, name) ?? `pods "${name}" not found`;
  if (!['deployment', 'deployments', 'deploy'].includes(type)) return `unsupported resource type "${type}"`;
  const deployment = cluster.get('Deployment', namespace, name);
  if (!deployment) return `deployments.apps "${name}" not found`;
  const selector = (deployment.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels;
  const pod = cluster
    .list('Pod', namespace)
    .find((p) => Object.entries(selector ?? {}).every(([k, v]) => p.metadata.labels?.[k] === v));
  return pod ?? `no pods found for deployment ${name}`;
}

/** `istioctl dashboard [NAME] [POD[.NAMESPACE]] [-l SELECTOR]`. */
export function dashboard(
  cluster: SimClusterApi,
  args: string[],
  options: { namespace: string; selector?: string; port?: number },
): { stdout: string; stderr: string; exitCode: number } {
  const [name, target] = args;
  if (!name) return { stdout: HELP, stderr: '', exitCode: 0 };
  const spec = DASHBOARDS[name];
  if (!spec) return { stdout: '', stderr: `Error: unknown dashboard "${name}"\n`, exitCode: 1 };
  if (spec.selector) {
    const [key, value] = spec.selector.split('=');
    const found = ['istio-system', options.namespace].some((ns) =>
      cluster.list('Pod', ns).some((p) => p.metadata.labels?.[key!] === value),
    );
    if (!found) return { stdout: '', stderr: `Error: no pods found with selector ${spec.selector}\n`, exitCode: 1 };
  } else if (name === 'envoy' || name === 'proxy') {
    if (!target && !options.selector)
      return { stdout: '', stderr: 'Error: specify a pod or --selector\n', exitCode: 1 };
    if (target) {
      const dot = target.indexOf('.');
      const ref = dot < 0 ? target : target.slice(0, dot);
      const ns = dot < 0 ? options.namespace : target.slice(dot + 1);
      const found = podFor(cluster, ref, ns);
      if (typeof found === 'string') return { stdout: '', stderr: `Error: ${found}\n`, exitCode: 1 };
      if (!hasProxy(found))
        return {
          stdout: '',
          stderr: `Error: pod ${found.metadata.name}.${ns} is not part of the mesh: it has no istio-proxy container\n`,
          exitCode: 1,
        };
    }
  } else if (!target && !cluster.list('Pod', 'istio-system').some((p) => p.metadata.labels?.app === 'istiod'))
    return { stdout: '', stderr: 'Error: no pods found with selector app=istiod\n', exitCode: 1 };
  const url = `http://localhost:${options.port ?? spec.port}${spec.path ?? ''}`;
  return { stdout: `${url}\n`, stderr: CANNOT_OPEN, exitCode: 1 };
}
