/**
 * The landing page's service tree as productpage draws it: `json2html` turns the nested dict into tables (an object
 * becomes rows of `<th>key</th><td>value</td>`, a list of objects one table with a header row).
 */
import type { AppContext } from '../types.ts';
import { escapeHtml } from './productpageHtml.ts';

const TABLE = 'class="table table-condensed table-bordered table-hover"';

type Node = { name: string; endpoint: string; children: Node[] };

function cell(value: string | Node[]): string {
  if (typeof value === 'string') return escapeHtml(value);
  if (value.length === 0) return '';
  const keys = ['name', 'endpoint', 'children'] as const;
  const head = `<thead><tr>${keys.map((k) => `<th>${k}</th>`).join('')}</tr></thead>`;
  const rows = value.map((n) => `<tr>${keys.map((k) => `<td>${cell(n[k])}</td>`).join('')}</tr>`).join('');
  return `<table ${TABLE}>${head}<tbody>${rows}</tbody></table>`;
}

function table(node: Node): string {
  const rows = (['name', 'endpoint', 'children'] as const).map(
    (k) => `<tr><th>${k}</th><td>${cell(node[k])}</td></tr>`,
  );
  return `<table ${TABLE}>${rows.join('')}</table>`;
}

/** The table of productpage's backends, with the URLs its environment gives it. */
export function serviceTable(ctx: AppContext): string {
  const env = (name: string) => (ctx.container.env ?? []).find((e) => e.name === name)?.value;
  const domain = env('SERVICES_DOMAIN');
  const url = (service: string) =>
    `http://${env(`${service.toUpperCase()}_HOSTNAME`) ?? service}` +
    `${domain ? `.${domain}` : ''}:${env(`${service.toUpperCase()}_SERVICE_PORT`) ?? '9080'}`;
  const details: Node = { name: url('details'), endpoint: 'details', children: [] };
  const ratings: Node = { name: url('ratings'), endpoint: 'ratings', children: [] };
  const reviews: Node = { name: url('reviews'), endpoint: 'reviews', children: [ratings] };
  // productpage.py's own node names the details URL (a quirk of the sample, kept).
  return table({ name: url('details'), endpoint: 'details', children: [details, reviews] });
}
