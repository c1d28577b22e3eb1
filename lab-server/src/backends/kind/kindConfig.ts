/**
 * The kind cluster config: one control-plane node on the pinned image, with the ingress gateway's node
 * ports mapped to the host so the lab server (and a browser) reach it at 127.0.0.1:8080 / :8443.
 * `kind/cluster.yaml` in the repo is this object written out; a test keeps the two equal.
 */
import { stringify } from 'yaml';
import { INGRESS_HTTP, INGRESS_HTTPS, NODE_IMAGE } from './pins.ts';

/** One `extraPortMappings` entry of kind's v1alpha4 config. */
export interface PortMapping {
  containerPort: number;
  hostPort: number;
  listenAddress: string;
  protocol: 'TCP';
}

/** The part of kind's `Cluster` (v1alpha4) config the labs use. */
export interface KindClusterConfig {
  kind: 'Cluster';
  apiVersion: 'kind.x-k8s.io/v1alpha4';
  nodes: { role: 'control-plane'; image: string; extraPortMappings: PortMapping[] }[];
}

/** The config `labs cluster up` creates the cluster from. */
export function kindClusterConfig(): KindClusterConfig {
  // 127.0.0.1 only: the ingress is the lab server's to reach, not the network's.
  const map = (p: { hostPort: number; nodePort: number }): PortMapping => ({
    containerPort: p.nodePort,
    hostPort: p.hostPort,
    listenAddress: '127.0.0.1',
    protocol: 'TCP',
  });
  return {
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    nodes: [{ role: 'control-plane', image: NODE_IMAGE, extraPortMappings: [map(INGRESS_HTTP), map(INGRESS_HTTPS)] }],
  };
}

/** The config as the YAML file kept in the repo (`kind/cluster.yaml`). */
export function kindClusterConfigYaml(): string {
  return (
    `# Generated from lab-server/src/backends/kind/kindConfig.ts (a test keeps them equal).\n# Used by \`labs ` +
    `cluster up\`: kind create cluster --name labs --config kind/cluster.yaml\n${stringify(kindClusterConfig())}`
  );
}
