/** Timestamps in the formats the apps' own logs use. */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Apache common log time as gunicorn prints it: `24/Nov/2026:10:02:43 +0000`. */
export function clfTime(ms: number): string {
  const d = new Date(ms);
  return (
    `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
  );
}

/** Werkzeug's request log time: `24/Nov/2026 10:02:43`. */
export function werkzeugTime(ms: number): string {
  const d = new Date(ms);
  return (
    `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

/** HTTP Date header: `Tue, 24 Nov 2026 10:02:43 GMT`. */
export function httpDate(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastDate.second) {
    lastDate.second = second;
    lastDate.text = new Date(ms).toUTCString();
  }
  return lastDate.text;
}

/** The last Date header made: responses within the same second share it. */
const lastDate = { second: Number.NaN, text: '' };

/** gunicorn's error-log time: `2026-11-24 10:02:43 +0000`. */
export function gunicornTime(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
  );
}
