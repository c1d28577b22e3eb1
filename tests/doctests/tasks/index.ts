/** The traffic-management task pages whose doc tests run on the simulator, and their Gateway API tabs. */
import type { DocTask } from '../task.ts';
import { egressControl } from './egressControl.ts';
import { egressControlGatewayApi } from './egressControlGatewayApi.ts';
import { egressGatewayGatewayApi } from './egressGatewayGatewayApi.ts';
import { faultInjection } from './faultInjection.ts';
import { ingressControl } from './ingressControl.ts';
import { ingressControlGatewayApi } from './ingressControlGatewayApi.ts';
import { mirroring } from './mirroring.ts';
import { mirroringGatewayApi } from './mirroringGatewayApi.ts';
import { requestRouting } from './requestRouting.ts';
import { requestRoutingGatewayApi } from './requestRoutingGatewayApi.ts';
import { requestTimeouts } from './requestTimeouts.ts';
import { tcpTrafficShifting } from './tcpTrafficShifting.ts';
import { trafficShifting } from './trafficShifting.ts';
import { trafficShiftingGatewayApi } from './trafficShiftingGatewayApi.ts';

/** In the order istio.io lists them. */
export const TASKS: DocTask[] = [
  requestRouting,
  faultInjection,
  trafficShifting,
  tcpTrafficShifting,
  requestTimeouts,
  mirroring,
  ingressControl,
  egressControl,
  requestRoutingGatewayApi,
  trafficShiftingGatewayApi,
  mirroringGatewayApi,
  ingressControlGatewayApi,
  egressControlGatewayApi,
  egressGatewayGatewayApi,
];
