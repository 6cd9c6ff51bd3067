import {
  ApplicationSchema,
  DeploymentSchema,
  DeploymentService,
  DeploymentStatus,
  type GetLogStreamRequest,
  InstanceSchema,
  LogLineSchema,
  LogService,
  OutputStream,
  ProjectService,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithApp } from "../../test/render-with-app.js";
import { LogsPage } from "./logs-page.js";

const enc = new TextEncoder();
const line = (instanceId: string, seq: number, text: string, stream = OutputStream.STDOUT) =>
  create(LogLineSchema, {
    instanceId,
    seq: BigInt(seq),
    stream,
    data: enc.encode(text),
    timestamp: timestampFromMs(Date.UTC(2026, 0, 1, 12, 0, seq)),
  });

function setup(fail?: ConnectError) {
  const requests: GetLogStreamRequest[] = [];
  const transport = createRouterTransport(({ service }) => {
    service(ProjectService, {
      getApplication: () => ({
        application: create(ApplicationSchema, {
          project: "shop",
          name: "web",
          releasedDeploymentId: "d7",
          releasedSeq: 7,
        }),
      }),
    });
    service(DeploymentService, {
      getDeployment: () => ({
        deployment: create(DeploymentSchema, {
          id: "d7",
          project: "shop",
          app: "web",
          seq: 7,
          status: DeploymentStatus.HEALTHY,
        }),
      }),
      listInstances: () => ({
        instances: [
          create(InstanceSchema, { id: "inst-aaaaaa", deploymentId: "d7" }),
          create(InstanceSchema, { id: "inst-bbbbbb", deploymentId: "d7" }),
        ],
      }),
      listDeployments: () => ({ deployments: [] }),
    });
    service(LogService, {
      async *getLogStream(req) {
        requests.push(req);
        if (fail) throw fail;
        if (requests.length === 1) {
          yield {
            lines: [
              line("inst-aaaaaa", 1, "GET /cart 200"),
              line("inst-bbbbbb", 2, "\u001b[31m<img src=x onerror=alert(1)>\u001b[0m", OutputStream.STDERR),
            ],
            cursor: "c1",
            backfillDone: true,
          };
          // The connection drops: the page must resume from cursor c1.
          throw new ConnectError("connection reset", Code.Unavailable);
        }
        yield { lines: [line("inst-aaaaaa", 3, "GET /login 500")], cursor: "c2", skipped: 4n, dropped: 120n };
        await new Promise(() => {});
      },
    });
  });
  const view = renderWithApp(<LogsPage />, {
    transport,
    path: "/p/shop/a/web/logs",
    pattern: "/p/:project/a/:app/logs",
  });
  return { ...view, requests };
}

describe("LogsPage", () => {
  it("merges instances, renders app output as text, and resumes from the cursor after a drop", async () => {
    const { requests, container } = setup();
    const log = await screen.findByTestId("log-view");
    await waitFor(() => expect(log.textContent).toContain("GET /cart 200"));
    expect(container.querySelector("img")).toBeNull();
    expect(log.textContent).toContain("<img src=x onerror=alert(1)>");
    await waitFor(() => expect(log.textContent).toContain("GET /login 500"), { timeout: 5000 });
    expect(requests[0]).toMatchObject({ deploymentId: "d7", follow: true, cursor: "" });
    expect(requests[1]).toMatchObject({ deploymentId: "d7", cursor: "c1", tailLines: 0 });
    // Lines land in the shared buffer at once; the status line follows on the next animation frame.
    expect(await screen.findByText(/4 lines not available/)).toBeTruthy();
    expect(
      await screen.findByText(/120 lines lost by the app's instances while the server was unreachable/),
    ).toBeTruthy();
    expect(await screen.findByText(/reconnected 1×/)).toBeTruthy();
  });

  it("filters by text and by stream", async () => {
    setup();
    const log = await screen.findByTestId("log-view");
    await waitFor(() => expect(log.textContent).toContain("GET /cart 200"));
    fireEvent.change(screen.getByRole("searchbox", { name: "Filter log lines" }), {
      target: { value: "cart" },
    });
    expect(log.textContent).toContain("GET /cart 200");
    expect(log.textContent).not.toContain("onerror");
    expect(log.querySelector("mark")?.textContent).toBe("cart");
    fireEvent.change(screen.getByRole("searchbox", { name: "Filter log lines" }), { target: { value: "" } });
    fireEvent.change(screen.getByRole("combobox", { name: "Stream" }), { target: { value: "stderr" } });
    expect(log.textContent).not.toContain("GET /cart 200");
    expect(log.textContent).toContain("onerror");
  });

  it("stops retrying on a permanent error, shows it, and retries on request", async () => {
    const { requests } = setup(new ConnectError("deployment d7 has no instances", Code.NotFound));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("deployment d7 has no instances");
    expect(requests).toHaveLength(1);
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(requests).toHaveLength(2));
  });
});
