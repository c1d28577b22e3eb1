/** The sites of the simulated internet: httpbin.org (real httpbin behind a load balancer), www.google.com, edition.cnn.com. */
import type { AppRequest, AppResponse, SimApp } from '../types.ts';
import { gunicornFlavour } from '../httpbin/gunicorn.ts';
import { header, serveHttpbin, type HttpbinFlavour } from '../httpbin/endpoints.ts';

/** The address the cluster's outbound traffic is NATed to on the simulated internet (TEST-NET-3). */
export const CLUSTER_PUBLIC_IP = '203.0.113.45';

function traceId(request: AppRequest, random: () => number): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  const seconds = Math.floor(Date.now() / 1000).toString(16);
  return header(request, 'x-amzn-trace-id') ?? `Root=1-${seconds}-${hex(24)}`;
}

/** httpbin.org: kennethreitz/httpbin behind an AWS load balancer that adds `X-Amzn-Trace-Id` and sees the cluster's public IP. */
export const httpbinOrg: SimApp = {
  listenPorts: () => [80, 443],
  async handle(request, ctx) {
    const base = gunicornFlavour();
    const withTrace: AppRequest = {
      ...request,
      headers: [...request.headers, ['X-Amzn-Trace-Id', traceId(request, () => ctx.random.next())]],
    };
    const flavour: HttpbinFlavour = {
      ...base,
      origin: () => CLUSTER_PUBLIC_IP,
      baseHeaders: base.baseHeaders.filter(([k]) => k !== 'Connection'),
      trailingHeaders: base.trailingHeaders,
    };
    const response = await serveHttpbin(flavour, withTrace, ctx);
    if (request.method.toUpperCase() === 'HEAD') response.body = '';
    return response;
  },
};

function page(
  title: string,
  server: string,
  extra: [string, string][],
  site: { paths?: string[]; contentType?: string; httpsOnly?: string } = {},
): SimApp {
  const paths = ['/', '', ...(site.paths ?? [])];
  return {
    listenPorts: () => [80, 443],
    async handle(request): Promise<AppResponse> {
      // A site served over HTTPS only answers plain HTTP with a permanent redirect to the same URL over HTTPS.
      if (site.httpsOnly && !request.tls) {
        const location = `https://${site.httpsOnly}${request.path || '/'}${request.query ? `?${request.query}` : ''}`;
        return {
          status: 301,
          headers: [['Server', server], ['Location', location], ...extra, ['Content-Length', '0']],
          body: '',
        };
      }
      const ok = paths.includes(request.path);
      const body = ok
        ? `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1></body></html>\n`
        : `<!DOCTYPE html><html lang=en><title>Error 404 (Not Found)</title><p><b>404.</b> That’s an error.</p></html>\n`;
      return {
        status: ok ? 200 : 404,
        headers: [
          ['Content-Type', site.contentType ?? 'text/html; charset=ISO-8859-1'],
          ['Server', server],
          ...extra,
          ['Content-Length', String(Buffer.byteLength(body))],
        ],
        body: request.method.toUpperCase() === 'HEAD' ? '' : body,
      };
    },
  };
}

/** A site of the simulated internet: its DNS answers and its server. */
export interface InternetSite {
  host: string;
  ips: string[];
  app: SimApp;
}

/** Every site, with fixed public addresses. */
export const INTERNET_SITES: InternetSite[] = [
  { host: 'httpbin.org', ips: ['3.230.204.70', '34.227.213.82', '52.6.34.179', '54.224.9.135'], app: httpbinOrg },
  {
    host: 'www.google.com',
    ips: ['142.250.196.100'],
    app: page('Google', 'gws', [
      ['X-Xss-Protection', '0'],
      ['X-Frame-Options', 'SAMEORIGIN'],
      ['Cache-Control', 'private, max-age=0'],
    ]),
  },
  {
    host: 'edition.cnn.com',
    ips: ['151.101.3.5', '151.101.67.5', '151.101.131.5', '151.101.195.5'],
    // Like the real site (istio.io's egress gateway task shows it): HTTP is redirected to HTTPS, /politics exists.
    app: page(
      'CNN International - Breaking News, US News, World News and Video',
      'Varnish',
      [
        ['Cache-Control', 'max-age=60'],
        ['Via', '1.1 varnish'],
      ],
      { paths: ['/politics'], contentType: 'text/html; charset=utf-8', httpsOnly: 'edition.cnn.com' },
    ),
  },
];

/** The public DNS answer for a name (lower-cased, without trailing dot), or undefined (NXDOMAIN). */
export function resolvePublicName(name: string): string[] | undefined {
  const host = name.toLowerCase().replace(/\.$/, '');
  return INTERNET_SITES.find((s) => s.host === host)?.ips;
}

/** The site at a public address. */
export function siteAt(ip: string): InternetSite | undefined {
  return INTERNET_SITES.find((s) => s.ips.includes(ip));
}
