/**
 * How the lab server's own requests are told apart from a learner's: checks send them with their own client
 * identity (a User-Agent of their own, which Envoy's access log and the sample apps' logs print), and whatever
 * reads logs or counts traffic for the learner leaves those lines out.
 */

/** The User-Agent of every request a check sends. */
export const CHECK_USER_AGENT = 'istio-traffic-labs-check/1.0';

/** True for a log line that records one of the checks' own requests. */
export function isCheckLine(line: string): boolean {
  return line.includes(CHECK_USER_AGENT);
}

/** The lines of a log a learner's requests left (checks' own lines removed). */
export function learnerLines(log: string): string[] {
  return log.split('\n').filter((l) => l !== '' && !isCheckLine(l));
}

/** A check's request headers: the lab's own, with the checks' User-Agent (after the lab's, if it sets one). */
export function withCheckIdentity(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  let agent: string | undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'user-agent') agent = value;
    else out[name] = value;
  }
  out['User-Agent'] = agent ? `${agent} ${CHECK_USER_AGENT}` : CHECK_USER_AGENT;
  return out;
}
