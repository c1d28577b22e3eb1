/**
 * Istio's helloworld sample (Flask under gunicorn on port 5000): `/hello` names the version (the image's
 * SERVICE_VERSION) and the instance (the pod's HOSTNAME), `/health` says it is healthy, anything else is Flask's 404.
 */
import { imageRepository } from '../../mesh/names.ts';
import { envValue } from '../../mesh/objects.ts';
import type { AppResponse, SimApp } from '../types.ts';

const NOT_FOUND =
  '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL ' +
  'was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n';

function text(status: number, body: string, type = 'text/html; charset=utf-8'): AppResponse {
  return {
    status,
    headers: [
      ['Server', 'gunicorn'],
      ['Content-Type', type],
      ['Content-Length', String(Buffer.byteLength(body))],
    ],
    body,
  };
}

/** The app of `istio/examples-helloworld-v1` and `-v2`. */
export const helloworldApp: SimApp = {
  listenPorts: () => [5000],
  async handle(request, ctx) {
    // The image bakes SERVICE_VERSION in (`v1` or `v2` by image); the pod's env may override it.
    const fromImage = /-(v\d+)$/.exec(imageRepository(ctx.container.image ?? ''))?.[1] ?? 'v1';
    const version = envValue(ctx.container, 'SERVICE_VERSION') ?? fromImage;
    let response: AppResponse;
    if (request.path === '/hello')
      response = text(200, `Hello version: ${version}, instance: ${ctx.pod?.metadata.name ?? 'localhost'}\n`);
    else if (request.path === '/health') response = text(200, 'Helloworld is healthy');
    else response = text(404, NOT_FOUND);
    // gunicorn writes no access log unless asked (`--access-logfile`), and the sample does not ask.
    return response;
  },
};
