/**
 * `istioctl dashboard` (`dash`, `d`): each web UI is found the way istioctl finds it (addons by label, a proxy or
 * istiod by name); a missing addon gets istioctl's own error. Opening one needs a port-forward to the learner's
 * machine and a browser, which the lab terminal cannot provide: it prints the address istioctl would open and
 * says why it stops there.
 */
import type { K8sObject } from '../../../../../contract.ts';
import type { SimClusterApi } from '../../../types.ts';
import { hasProxy } from '../../../mesh/objects.ts';
import { podFor, splitNamespace } from './podRef.ts';

/** The dashboards, their one-line help, how istioctl finds their pod (addons: `app=` label in the addon namespace,
 * with the name its "no ... pods found" error uses), and the port and path it opens. */
const DASHBOARDS: Record<string, { short: string; selector?: string; title?: string; port: number; path?: string }> = {
  controlz: { short: 'Open ControlZ web UI', port: 9876 },
  envoy: { short: 'Open Envoy admin web UI', port: 15000 },
  grafana: { short: 'Open Grafana web UI', selector: 'app=grafana', title: 'Grafana', port: 3000 },
  'istiod-debug': { short: 'Open Istio debug web UI', port: 15014, path: '/debug' },
  jaeger: { short: 'Open Jaeger web UI', selector: 'app=jaeger', title: 'Jaeger', port: 16686 },
  kiali: { short: 'Open Kiali web UI', selector: 'app=kiali', title: 'Kiali', port: 20001, path: '/kiali' },
  prometheus: { short: 'Open Prometheus web UI', selector: 'app=prometheus', title: 'Prometheus', port: 9090 },
  proxy: { short: 'Open admin web UI for a proxy', port: 15000 },
  skywalking: { short: 'Open SkyWalking UI', selector: 'app=skywalking-ui', title: 'SkyWalking UI', port: 8080 },
  zipkin: { short: 'Open Zipkin web UI', selector: 'app=zipkin', title: 'Zipkin', port: 9411 },
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

/** `istioctl dashboard [NAME] [POD[.NAMESPACE]] [-l SELECTOR]`. */
export function dashboard(
  cluster: SimClusterApi,
  args: string[],
  options: { namespace: string; addonNamespace: string; selector?: string; port?: number },
): { stdout: string; stderr: string; exitCode: number } {
  const [name, target] = args;
  if (!name) return { stdout: HELP, stderr: '', exitCode: 0 };
  const spec = DASHBOARDS[name];
  if (!spec) return { stdout: '', stderr: `Error: unknown dashboard "${name}"\n`, exitCode: 1 };
  if (spec.selector) {
    // Addons are looked for in the addon namespace only (-n, istio-system by default).
    const [key, value] = spec.selector.split('=');
    const found = cluster.list('Pod', options.addonNamespace).some((p) => p.metadata.labels?.[key!] === value);
    if (!found) return { stdout: '', stderr: `Error: no ${spec.title} pods found\n`, exitCode: 1 };
  } else if (name === 'envoy' || name === 'proxy' || name === 'controlz') {
    if (!target && !options.selector)
      return { stdout: '', stderr: 'Error: specify a pod or --selector\n', exitCode: 1 };
    if (target && options.selector)
      return { stdout: '', stderr: 'Error: name cannot be provided when a selector is specified\n', exitCode: 1 };
    const ns = name === 'controlz' ? options.addonNamespace : options.namespace;
    let found: K8sObject | string;
    if (target) {
      const ref = splitNamespace(target, ns);
      found = podFor(cluster, ref.ref, ref.namespace);
    } else {
      const [key, value] = (options.selector ?? '').split('=');
      found = cluster.list('Pod', ns).find((p) => p.metadata.labels?.[key!] === value) ?? 'no pods found';
    }
    if (typeof found === 'string') return { stdout: '', stderr: `Error: ${found}\n`, exitCode: 1 };
    if (name !== 'controlz' && !hasProxy(found))
      return {
        stdout: '',
        stderr: `Error: pod ${found.metadata.name}.${found.metadata.namespace} is not part of the mesh: it has no istio-proxy container\n`,
        exitCode: 1,
      };
  } else if (!target && !cluster.list('Pod', 'istio-system').some((p) => p.metadata.labels?.app === 'istiod'))
    return { stdout: '', stderr: 'Error: no pods found with selector app=istiod\n', exitCode: 1 };
  const url = `http://localhost:${options.port ?? spec.port}${spec.path ?? ''}`;
  return { stdout: `${url}\n`, stderr: CANNOT_OPEN, exitCode: 1 };
}
