/** kubectl's human durations (`5s`, `2m3s`, `45m`, `3h12m`, `2d3h`, `12d`, `2y45d`): k8s.io/apimachinery's HumanDuration. */

/** The age of something created at `createdMs`, seen at `nowMs`. */
export function humanAge(createdMs: number, nowMs: number): string {
  // Go truncates toward zero, and tolerates a clock skew of a second before calling it invalid.
  const raw = Math.trunc((nowMs - createdMs) / 1000);
  if (raw < -1) return '<invalid>';
  const seconds = Math.max(0, raw);
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (days < 365 * 2) return `${days}d`;
  if (days < 365 * 8)
    return days % 365 === 0 ? `${Math.floor(days / 365)}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}
