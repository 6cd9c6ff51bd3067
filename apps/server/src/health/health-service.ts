import { Health, HealthCheckResponse_ServingStatus as Status } from "@berth/proto/grpc/health";
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";

export interface HealthOptions {
  /** Services the server serves; "" (the whole server) is always known. */
  services: () => string[];
  /** Aborted when the server shuts down: Watch then reports NOT_SERVING and ends. */
  shutdownSignal: AbortSignal;
}

/** Registers grpc.health.v1.Health: SERVING for the server and each of its services until shutdown. */
export function registerHealth(router: ConnectRouter, options: HealthOptions): void {
  const statusOf = (service: string) => {
    if (service !== "" && !options.services().includes(service)) return undefined;
    return options.shutdownSignal.aborted ? Status.NOT_SERVING : Status.SERVING;
  };
  router.service(Health, {
    check(req) {
      const status = statusOf(req.service);
      if (status === undefined) throw new ConnectError(`unknown service "${req.service}"`, Code.NotFound);
      return { status };
    },
    async *watch(req, ctx) {
      // The Watch contract: unknown services report SERVICE_UNKNOWN instead of failing the stream.
      yield { status: statusOf(req.service) ?? Status.SERVICE_UNKNOWN };
      if (options.shutdownSignal.aborted) return;
      const both = AbortSignal.any([ctx.signal, options.shutdownSignal]);
      if (!both.aborted) {
        await new Promise<void>((resolve) => both.addEventListener("abort", () => resolve(), { once: true }));
      }
      if (options.shutdownSignal.aborted && !ctx.signal.aborted) yield { status: Status.NOT_SERVING };
    },
  });
}
