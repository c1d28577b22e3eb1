/** kind's single node, where every pod runs. */

/** The node's name. */
export const NODE_NAME = 'kind-control-plane';
/** The node's InternalIP on kind's Docker network (what NodePorts are reached on). */
export const NODE_IP = '172.18.0.2';
