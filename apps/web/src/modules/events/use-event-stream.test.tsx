import { EventService } from "@berth/proto";
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { TransportProvider } from "@connectrpc/connect-query";
import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { useEventStream } from "./use-event-stream.js";

describe("useEventStream", () => {
  it("refetches what the page shows when the server says the stream missed events", async () => {
    let watches = 0;
    const transport = createRouterTransport(({ service }) => {
      service(EventService, {
        async *watchEvents(_req, ctx) {
          watches++;
          yield { event: { case: "heartbeat", value: true } };
          if (watches === 1)
            throw new ConnectError(
              "this event stream fell behind and missed events; refetch, then watch again",
              Code.Aborted,
            );
          await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
        },
      });
    });
    let fetches = 0;
    function Page() {
      const status = useEventStream({ project: "shop" });
      const { data } = useQuery({ queryKey: ["deployments"], queryFn: async () => ++fetches });
      return (
        <p>
          {status} fetch {data}
        </p>
      );
    }
    const queryClient = new QueryClient({
      defaultOptions: { queries: { retry: false, staleTime: Infinity } },
    });
    const view = render(
      <TransportProvider transport={transport}>
        <QueryClientProvider client={queryClient}>
          <Page />
        </QueryClientProvider>
      </TransportProvider>,
    );
    await waitFor(() => expect(screen.getByText("live fetch 2")).toBeTruthy(), { timeout: 10_000 });
    expect(watches).toBe(2);
    view.unmount();
  });
});
