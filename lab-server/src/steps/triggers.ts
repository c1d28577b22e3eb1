/**
 * What a learner's action may have advanced, for automatic checks. A command that can change the cluster
 * (`kubectl apply`, `istioctl install`, the editor's Apply) may advance any step; any other command (a `curl`,
 * `kubectl get`, `kubectl logs`, an `export`) or a Preview refresh only steps whose check reads what the
 * learner did: the commands they ran, the requests they sent, the lines those left in logs.
 */
import type { Check } from '../labs/schema.ts';

/** How far a trigger reaches: every open step, or those that read the learner's actions. */
export type TriggerScope = 'cluster' | 'action';

const MUTATING_VERBS = [
  'apply',
  'create',
  'delete',
  'replace',
  'patch',
  'edit',
  'label',
  'annotate',
  'scale',
  'set',
  'rollout',
  'expose',
  'run',
  'autoscale',
  'cordon',
  'uncordon',
  'drain',
  'taint',
];
const MUTATING_KUBECTL = new RegExp(
  String.raw`\bkubectl\b(?:\s+-{1,2}[\w-]+(?:[= ]\S+)?)*\s+(` + MUTATING_VERBS.join('|') + String.raw`)\b`,
);
const MUTATING_ISTIOCTL = /\bistioctl\b.*\b(install|uninstall|upgrade|manifest\s+apply|tag\s+set)\b/;
/** Commands that neither change the cluster nor leave anything a check reads. */
const INERT = /^\s*(clear|history|pwd|cd|ls|help|man|exit|true|false|which|type)\b(?![\s\S]*[|;&`$])/;

/** What a completed command line may have advanced, or undefined for a command that cannot advance any step. */
export function triggerOf(line: string): TriggerScope | undefined {
  if (line.trim() === '' || INERT.test(line)) return undefined;
  if (MUTATING_KUBECTL.test(line) || MUTATING_ISTIOCTL.test(line) || /\bhelm\b/.test(line)) return 'cluster';
  return 'action';
}

/** True when a check reads what the learner did (their commands, requests or the log lines these left). */
export function readsLearnerActions(check: Check): boolean {
  if (check.type === 'all') return check.checks.some(readsLearnerActions);
  return check.type === 'ran' || check.type === 'logs' || check.type === 'observed';
}

/** True when a check reads the learner's command history, which every command changes (a `ran` check). */
export function readsCommandHistory(check: Check): boolean {
  if (check.type === 'all') return check.checks.some(readsCommandHistory);
  return check.type === 'ran';
}

/**
 * True when a check's outcome follows from the cluster's objects alone: what they are (`object`), and how the
 * mesh they configure answers requests (`traffic`, `http`). Judged again on the same objects it would hold again.
 * Not a check that reads logs, files, commands run or a pod's own answer (`logs`, `observed`, `ran`, `shell`,
 * `exec`): those change while the objects stay.
 */
export function followsFromObjects(check: Check): boolean {
  if (check.type === 'all') return check.checks.every(followsFromObjects);
  return check.type === 'object' || check.type === 'traffic' || check.type === 'http';
}

/**
 * True when a check opens connections a sidecar's log cannot tell from the learner's: TLS requests (`https://`,
 * logged as TCP lines without a User-Agent) and commands run in pods (`exec`). Automatic checks run such a check
 * only for the learner's next step, so that a later step's check never leaves lines that an earlier step, still
 * open, would read as the learner's own (Egress: the REGISTRY_ONLY step's HTTPS requests seen by ALLOW_ANY's).
 */
export function opensUnattributedConnections(check: Check): boolean {
  if (check.type === 'all') return check.checks.some(opensUnattributedConnections);
  if (check.type === 'exec') return true;
  return check.type === 'http' && !/^http:\/\//i.test(check.request.url);
}
