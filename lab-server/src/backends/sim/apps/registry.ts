/** The sample apps, keyed by container image repository (tags and the `docker.io/` prefix ignored). */
import { imageRepository } from '../mesh/names.ts';
import type { ContainerSpec } from '../mesh/objects.ts';
import type { SimApp } from './types.ts';
import { gunicornHttpbin } from './httpbin/gunicorn.ts';
import { goHttpbin } from './httpbin/go.ts';
import { productpageApp } from './bookinfo/productpage.ts';
import { detailsApp } from './bookinfo/details.ts';
import { reviewsApp } from './bookinfo/reviews.ts';
import { ratingsApp } from './bookinfo/ratings.ts';
import { helloworldApp } from './helloworld/helloworld.ts';
import { tcpEchoApp } from './tcpEcho/tcpEcho.ts';

/** A client image: it runs (e.g. `sleep infinity`) but serves nothing. */
const client: SimApp = {
  listenPorts: () => [],
  async handle() {
    throw new Error('client images serve nothing');
  },
};

const BOOKINFO: [string, SimApp][] = [
  ['examples-bookinfo-productpage-v1', productpageApp],
  ['examples-bookinfo-details-v1', detailsApp],
  ['examples-bookinfo-details-v2', detailsApp],
  ['examples-bookinfo-reviews-v1', reviewsApp],
  ['examples-bookinfo-reviews-v2', reviewsApp],
  ['examples-bookinfo-reviews-v3', reviewsApp],
  ['examples-bookinfo-ratings-v1', ratingsApp],
];

/** Image repository -> app. Bookinfo's images are on Docker Hub (`istio/`) and, since Istio 1.30, registry.istio.io. */
export const APPS_BY_IMAGE: ReadonlyMap<string, SimApp> = new Map<string, SimApp>([
  ...BOOKINFO.map(([name, app]) => [`istio/${name}`, app] as [string, SimApp]),
  ...BOOKINFO.map(([name, app]) => [`registry.istio.io/release/${name}`, app] as [string, SimApp]),
  ['istio/examples-helloworld-v1', helloworldApp],
  ['istio/examples-helloworld-v2', helloworldApp],
  ['istio/tcp-echo-server', tcpEchoApp],
  ['kennethreitz/httpbin', gunicornHttpbin],
  ['kong/httpbin', gunicornHttpbin],
  ['mccutchen/go-httpbin', goHttpbin],
  ['curlimages/curl', client],
  ['tutum/curl', client],
  ['governmentpaas/curl-ssl', client],
  ['busybox', client],
  ['alpine', client],
]);

/** The app an image runs, if the simulator knows it. */
export function appForImage(image: string | undefined): SimApp | undefined {
  return image ? APPS_BY_IMAGE.get(imageRepository(image)) : undefined;
}

/** The container of a pod listening on `port`, and its app. */
export function appListeningOn(
  containers: ContainerSpec[],
  port: number,
): { container: ContainerSpec; app: SimApp } | undefined {
  for (const container of containers) {
    if (container.name === 'istio-proxy') continue;
    const app = appForImage(container.image);
    if (app?.listenPorts(container).includes(port)) return { container, app };
  }
  return undefined;
}
