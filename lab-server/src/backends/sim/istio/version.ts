/** The Istio release the simulator models (`istioctl version`, the images' tags, the control plane's labels). */
export const ISTIO_VERSION = '1.30.0';
