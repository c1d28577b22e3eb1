/** The Istio release the simulator models (`istioctl version`, the images' tags, the control plane's labels). */
export const ISTIO_VERSION = '1.30.0';

/** The registry Istio 1.30's release images come from (`registry.istio.io/release/proxyv2:1.30.0`); docker.io before. */
export const ISTIO_HUB = 'registry.istio.io/release';
