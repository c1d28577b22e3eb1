/**
 * Names of what the kind backend creates for one environment (a learner's chapter): its namespace (in a
 * class), its toolbox pod and ServiceAccount, its RBAC objects. Kubernetes names are DNS labels, so
 * owners (session ids, learner names) are reduced to lowercase letters, digits and dashes, with a hash
 * so that two owners never share a name.
 */
import { createHash } from 'node:crypto';

/** Lowercase, dash-separated, at most `max` characters, plus an 8-character hash of the original. */
export function dnsSlug(text: string, max = 30): string {
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  const base = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return base ? `${base}-${hash}` : hash;
}

/** The names of one environment's objects. */
export interface EnvironmentNames {
  /** Where the chapter's objects live (the lab's own namespace for a single learner). */
  namespace: string;
  /** Toolbox pod and its ServiceAccount (in the toolbox namespace). */
  toolbox: string;
  /** Role and RoleBinding (classroom) or ClusterRoleBinding (single learner). */
  binding: string;
}

/** Names for `owner`'s environment of `labId`; `classroom` gives it a namespace of its own. */
export function environmentNames(
  owner: string,
  labId: string,
  labNamespace: string,
  classroom: boolean,
): EnvironmentNames {
  const slug = dnsSlug(`${owner}/${labId}`, 40);
  return {
    namespace: classroom ? `lab-${slug}`.slice(0, 63) : labNamespace,
    toolbox: `toolbox-${slug}`.slice(0, 63),
    binding: `labs-learner-${slug}`.slice(0, 63),
  };
}
