/**
 * `istioctl tag list` as istioctl 1.30 computes it (istioctl/pkg/tag): revisions and tags from the
 * MutatingWebhookConfigurations and the istio-system Services labelled `istio.io/rev`, the namespaces labelled
 * `istio.io/rev=<tag>`, an untagged entry dropped when its revision has a tag; a table (Go tabwriter, padding 1),
 * `-o json` or `-o yaml`. `tag set|generate|remove` change revisions, which the simulator does not run: they say so.
 */
import { stringify } from 'yaml';
import type { K8sObject } from '../../../../../contract.ts';
import type { SimClusterApi } from '../../../types.ts';
import { tabwrite } from '../kubectl/tabwriter.ts';

const REV = 'istio.io/rev';
const TAG = 'istio.io/tag';

/** One row of `tag list`. */
interface TagDescription {
  tag: string;
  revision: string;
  namespaces: string[];
}

const TAG_HELP = `Command group used to interact with revision tags. Revision tags allow for the creation of mutable aliases
referring to control plane revisions for sidecar injection.

With revision tags, rather than relabeling a namespace from "istio.io/rev=revision-a" to "istio.io/rev=revision-b" to
change which control plane revision handles injection, it's possible to create a revision tag "prod" and label our
namespace "istio.io/rev=prod". The "prod" revision tag could point to "1-7-6" initially and then be changed to point to "1-8-1"
at some later point.

This allows operators to change which Istio control plane revision should handle injection for a namespace or set of namespaces
without manual relabeling of the "istio.io/rev" tag.

Usage:
  istioctl tag [flags]
  istioctl tag [command]

Available Commands:
  generate    Generate configuration for a revision tag to stdout
  list        List existing revision tags
  remove      Remove Istio control plane revision tag
  set         Create or modify revision tags

Flags:
  -h, --help   help for tag

Use "istioctl tag [command] --help" for more information about a command.
`;

/** The revision tags in the cluster, sorted by revision then tag. */
export function revisionTags(cluster: SimClusterApi, istioNamespace: string): TagDescription[] {
  const found = new Map<string, { tag: string; revision: string }>();
  const labelled = (o: K8sObject) => o.metadata.labels?.[REV] !== undefined;
  for (const o of [
    ...cluster.list('MutatingWebhookConfiguration').filter(labelled),
    ...cluster.list('Service', istioNamespace).filter(labelled),
  ]) {
    const tag = o.metadata.labels?.[TAG] ?? '';
    const revision = o.metadata.labels![REV]!;
    found.set(`${revision}\u0000${tag}`, { tag, revision });
  }
  // A revision with a tag is listed by its tags only.
  for (const { tag, revision } of [...found.values()]) if (tag !== '') found.delete(`${revision}\u0000`);
  const namespaces = cluster.list('Namespace');
  return [...found.values()]
    .map(({ tag, revision }) => ({
      tag,
      revision,
      namespaces: namespaces.filter((n) => n.metadata.labels?.[REV] === tag).map((n) => n.metadata.name),
    }))
    .sort((a, b) => (a.revision === b.revision ? cmp(a.tag, b.tag) : cmp(a.revision, b.revision)));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Go's json.MarshalIndent(value, "", "\t"). */
function goJson(value: unknown): string {
  return JSON.stringify(value, null, '\t');
}

/** `istioctl tag [list|show|set|generate|remove]`. */
export function tagCommand(
  cluster: SimClusterApi,
  args: string[],
  options: { output: string; istioNamespace: string },
): { stdout: string; stderr: string; exitCode: number } {
  const [sub, ...rest] = args;
  if (sub === undefined) return { stdout: TAG_HELP, stderr: '', exitCode: 0 };
  if (sub === 'set' || sub === 'generate' || sub === 'remove')
    return {
      stdout: '',
      stderr:
        `Error: istioctl tag ${sub} is not simulated in this lab: the simulated cluster runs one control plane ` +
        `revision ("default") and no revision tags can point elsewhere\n`,
      exitCode: 1,
    };
  if (sub !== 'list' && sub !== 'show')
    return { stdout: '', stderr: `Error: unknown subcommand "${sub}"\n`, exitCode: 1 };
  if (rest.length > 0)
    return { stdout: '', stderr: 'Error: tag list command does not accept arguments\n', exitCode: 1 };
  const tags = revisionTags(cluster, options.istioNamespace);
  if (tags.length === 0) return { stdout: 'No Istio revision tags found.\n', stderr: '', exitCode: 0 };
  if (options.output === 'json') return { stdout: `${goJson(tags)}\n`, stderr: '', exitCode: 0 };
  if (options.output === 'yaml') {
    // sigs.k8s.io/yaml: keys sorted, as JSON converted to YAML; Println adds a line after the document's own.
    const sorted = tags.map((t) => ({ namespaces: t.namespaces, revision: t.revision, tag: t.tag }));
    return { stdout: `${stringify(sorted, { defaultStringType: 'PLAIN' })}\n`, stderr: '', exitCode: 0 };
  }
  if (options.output !== 'table')
    return { stdout: '', stderr: `Error: unknown format: ${options.output}\n`, exitCode: 1 };
  const text = ['TAG\tREVISION\tNAMESPACES', ...tags.map((t) => `${t.tag}\t${t.revision}\t${t.namespaces.join(',')}`)];
  return { stdout: tabwrite(`${text.join('\n')}\n`, 1), stderr: '', exitCode: 0 };
}
