/**
 * BusyBox's `nslookup` inside a container, answered by the cluster's DNS (CoreDNS at 10.96.0.10): Services by
 * their search-domain forms, pods' resolv.conf rules, and the simulated internet's names.
 */
import { defineCommand, type Command } from 'just-bash';
import type { PodEndpoint, SimCommandHost } from '../../types.ts';
import { resolveFromPod } from '../../mesh/dns.ts';
import { Topology } from '../../mesh/topology.ts';
import { CLUSTER_DOMAIN } from '../../mesh/names.ts';

const DNS_SERVER = '10.96.0.10';

/** The name a lookup answered for: the first search-domain form that exists, or the name as given. */
function answeredName(topology: Topology, name: string, namespace: string): string {
  const bare = name.replace(/\.$/, '').toLowerCase();
  if (name.endsWith('.')) return bare;
  for (const fqdn of [`${bare}.${namespace}.svc.${CLUSTER_DOMAIN}`, `${bare}.svc.${CLUSTER_DOMAIN}`]) {
    const [svc, ns] = fqdn.replace(`.svc.${CLUSTER_DOMAIN}`, '').split('.');
    if (svc && ns && topology.service(svc, ns)) return fqdn;
  }
  return bare;
}

/** `nslookup NAME [SERVER]` for a container of `target`. */
export function createNslookupCommand(host: SimCommandHost, target: PodEndpoint): Command {
  return defineCommand('nslookup', async (argv) => {
    const args = argv.filter((a) => !a.startsWith('-'));
    const name = args[0];
    if (!name)
      return {
        stdout: '',
        stderr:
          'BusyBox v1.37.0 (2025-08-05 16:40:33 UTC) multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] ' +
          '[-debug] HOST [DNS_SERVER]\n\nQuery DNS about HOST\n\nQUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,ptr,srv,any\n',
        exitCode: 1,
      };
    const server = args[1] ?? DNS_SERVER;
    const header = `Server:\t\t${server}\nAddress:\t${server}:53\n\n`;
    const topology = new Topology(host.cluster);
    const ips = resolveFromPod(topology, name, target.namespace);
    if (!ips?.length) return { stdout: `${header}** server can't find ${name}: NXDOMAIN\n\n`, stderr: '', exitCode: 1 };
    const answered = answeredName(topology, name, target.namespace);
    const external = !answered.endsWith(`.${CLUSTER_DOMAIN}`) && !/^\d+\.\d+\.\d+\.\d+$/.test(answered);
    const records = ips.map((ip) => `Name:\t${answered}\nAddress: ${ip}\n`).join('');
    return { stdout: `${header}${external ? 'Non-authoritative answer:\n' : ''}${records}\n`, stderr: '', exitCode: 0 };
  });
}
