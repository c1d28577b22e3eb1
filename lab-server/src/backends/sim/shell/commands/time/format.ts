/** How `time` reports a run: bash's keyword and BusyBox's applet (the one in the Alpine-based curl and sleep images). */

/** Bash's default report (`TIMEFORMAT` unset): a blank line, then `real\t0m5.019s` and user/sys alike. */
export function bashReport(elapsedMs: number, posix: boolean): string {
  const seconds = Math.max(0, elapsedMs) / 1000;
  if (posix) return `real ${seconds.toFixed(2)}\nuser 0.00\nsys 0.00\n`;
  const minutes = Math.floor(seconds / 60);
  const rest = (seconds - minutes * 60).toFixed(3);
  return `\nreal\t${minutes}m${rest}s\nuser\t0m0.000s\nsys\t0m0.000s\n`;
}

/** BusyBox's `%E`-style elapsed time: `0m 5.02s`, or `1h 2m 03s` from an hour on. */
function busyboxClock(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds >= 3600)
    return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 60)}m ${seconds % 60}.${String(Math.floor(ms / 10) % 100).padStart(2, '0')}s`;
}

/** What BusyBox `time` reports, as its `default_format` / `-p` / `-v` formats print it (the container spends no CPU here). */
export function busyboxReport(
  elapsedMs: number,
  exitCode: number,
  format: 'default' | 'posix' | 'verbose',
  command: string[],
): string {
  const ms = Math.max(0, Math.floor(elapsedMs));
  const status = exitCode !== 0 ? `Command exited with non-zero status ${exitCode}\n` : '';
  if (format === 'posix') {
    return `${status}real ${Math.floor(ms / 1000)}.${String(Math.floor(ms / 10) % 100).padStart(2, '0')}\nuser 0.00\nsys 0.00\n`;
  }
  if (format === 'verbose') {
    return (
      `${status}\tCommand being timed: "${command.join(' ')}"\n` +
      '\tUser time (seconds): 0.00\n\tSystem time (seconds): 0.00\n\tPercent of CPU this job got: 0%\n' +
      `\tElapsed (wall clock) time (h:mm:ss or m:ss): ${busyboxClock(ms)}\n` +
      '\tAverage shared text size (kbytes): 0\n\tAverage unshared data size (kbytes): 0\n' +
      '\tAverage stack size (kbytes): 0\n\tAverage total size (kbytes): 0\n' +
      '\tMaximum resident set size (kbytes): 0\n\tAverage resident set size (kbytes): 0\n' +
      '\tMajor (requiring I/O) page faults: 0\n\tMinor (reclaiming a frame) page faults: 0\n' +
      '\tVoluntary context switches: 0\n\tInvoluntary context switches: 0\n\tSwaps: 0\n' +
      '\tFile system inputs: 0\n\tFile system outputs: 0\n\tSocket messages sent: 0\n' +
      '\tSocket messages received: 0\n\tSignals delivered: 0\n\tPage size (bytes): 4096\n' +
      `\tExit status: ${exitCode}\n`
    );
  }
  return `${status}real\t${busyboxClock(ms)}\nuser\t0m 0.00s\nsys\t0m 0.00s\n`;
}
