/** mccutchen/go-httpbin (today's `samples/httpbin`): headers as JSON arrays, Go's canonical header names, slog request logs. */
import { envValue } from '../../mesh/objects.ts';
import type { AppRequest, SimApp } from '../types.ts';
import { header, parseQuery, serveHttpbin, type HttpbinFlavour } from './endpoints.ts';

/** Go's `textproto.CanonicalMIMEHeaderKey`: upper-case the first letter and each letter after a hyphen. */
export function canonicalMimeKey(name: string): string {
  return name
    .toLowerCase()
    .split('-')
    .map((part) => (part ? part[0].toUpperCase() + part.slice(1) : part))
    .join('-');
}

/** The go-httpbin flavour. */
export const goFlavour: HttpbinFlavour = {
  headersJson(request: AppRequest) {
    const out: Record<string, string[]> = {};
    for (const [k, v] of request.headers) {
      const key = canonicalMimeKey(k);
      (out[key] ??= []).push(v);
    }
    return out;
  },
  argsJson(query: string) {
    const out: Record<string, string[]> = {};
    for (const [k, v] of parseQuery(query)) (out[k] ??= []).push(v);
    return out;
  },
  origin(request: AppRequest) {
    const xff = header(request, 'x-forwarded-for');
    return xff ? xff.split(',')[0].trim() : request.peerIp;
  },
  withMethod: true,
  statusContentType: 'text/plain; charset=utf-8',
  notFound: { contentType: 'text/plain; charset=utf-8', body: '404 page not found\n' },
  baseHeaders: [
    ['Access-Control-Allow-Credentials', 'true'],
    ['Access-Control-Allow-Origin', '*'],
  ],
};

function slogValue(value: string): string {
  return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value;
}

/** mccutchen/go-httpbin: listens on $PORT (8080 by default). */
export const goHttpbin: SimApp = {
  listenPorts: (container) => [Number(envValue(container, 'PORT') ?? 8080) || 8080],
  async handle(request, ctx) {
    const started = ctx.clock.now();
    const response = await serveHttpbin(goFlavour, request, ctx);
    const json = response.headers.find(([k, v]) => k === 'Content-Type' && v === 'application/json');
    if (json) json[1] = 'application/json; charset=utf-8';
    if (request.method.toUpperCase() === 'HEAD') response.body = '';
    const ms = Math.max(ctx.clock.now() - started, 0) + 0.1;
    const uri = `${request.path}${request.query ? `?${request.query}` : ''}`;
    ctx.log(
      `time=${new Date(ctx.clock.now()).toISOString()} level=INFO ` +
        `msg=${slogValue(`${response.status} ${request.method} ${uri} ${ms.toFixed(1)}ms`)} ` +
        `status=${response.status} method=${request.method} uri=${slogValue(uri)} size_bytes=${Buffer.byteLength(response.body)} ` +
        `duration_ms=${ms.toFixed(1)} user_agent=${slogValue(header(request, 'user-agent') ?? '')} client_ip=${goFlavour.origin(request)}`,
    );
    return response;
  },
};
