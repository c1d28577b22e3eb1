/**
 * The controller manager, level-triggered as Kubernetes' is: after every change it runs each controller
 * (Deployments, ReplicaSets, the kubelet, Endpoints), which compare what objects ask for with what exists and
 * act, until nothing changes. `idle()` waits for that and for pods still starting on the clock.
 */
import type { ControllerContext } from './context.ts';
import { syncDeployments } from './deployments.ts';
import { syncEndpoints } from './endpoints.ts';
import { syncIstioGateways } from './istioGateways.ts';
import { Kubelet } from './kubelet.ts';
import { NamespaceTerminator } from './namespaces.ts';
import { syncReplicaSets } from './replicaSets.ts';

/** Passes in a row before yielding, so a controller that never settles cannot hang the event loop. */
const MAX_ROUNDS = 20;

/** The controllers of one cluster. */
export class Controllers {
  readonly #ctx: ControllerContext;
  readonly kubelet: Kubelet;
  readonly namespaces: NamespaceTerminator;
  #scheduled = false;
  #running = false;
  #again = false;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.kubelet = new Kubelet(ctx, () => this.schedule());
    this.namespaces = new NamespaceTerminator(ctx, (obj) => ctx.removeOnly(obj));
  }

  /** True when no pass is pending or running, no pod is starting and no namespace terminating. */
  get settled(): boolean {
    return !this.#scheduled && !this.#running && !this.kubelet.busy && !this.namespaces.busy;
  }

  /** Asks for a pass soon (coalesced); a change made during a pass asks for another round. */
  schedule(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => this.#pass());
  }

  /** Resolves once no pass is pending and no pod is still starting. */
  async idle(): Promise<void> {
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.#scheduled || this.#running) continue;
      if (!this.kubelet.busy && !this.namespaces.busy) return;
      await Promise.all([this.kubelet.settled(), this.namespaces.settled()]);
    }
  }

  #pass(): void {
    this.#scheduled = false;
    this.#running = true;
    try {
      let rounds = 0;
      do {
        this.#again = false;
        syncIstioGateways(this.#ctx);
        syncDeployments(this.#ctx);
        syncReplicaSets(this.#ctx);
        this.kubelet.sync();
        syncEndpoints(this.#ctx);
      } while (this.#again && ++rounds < MAX_ROUNDS);
    } finally {
      this.#running = false;
    }
    if (this.#again) this.schedule();
  }
}
