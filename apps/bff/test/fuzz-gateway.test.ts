// Every RPC the browser can reach through the BFF's Connect gateway, fed random and boundary values
// (generated from the message descriptors) by a signed-in admin tab: only named error codes come back,
// never Internal/Unknown or an HTTP 500, and the BFF still serves afterwards. Seeded and bounded; a
// failure names the seed and the method.
import { ProjectService } from "@berth/proto";
import { type DescMethod, type Message, toJsonString } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messageArbitrary } from "../../server/test/helpers/message-arbitrary.js";
import { browserMethods } from "../src/gateway/browser-services.js";
import { apiTransport } from "./helpers/api-transport.js";
import { BrowserSession } from "./helpers/browser-session.js";
import { startTestStack, type TestStack } from "./helpers/test-stack.js";

const seed = Number(process.env.BERTH_FUZZ_SEED ?? 20261207);
const runsPerMethod = 4;
const unnamed = new Set([Code.Internal, Code.Unknown, Code.DataLoss]);

let stack: TestStack;
let tab: BrowserSession;
beforeAll(async () => {
  stack = await startTestStack();
  tab = new BrowserSession(stack.bff.url);
  expect((await tab.login(stack.adminToken)).status).toBe(200);
});
afterAll(() => stack?.dispose());

// The gateway's allow-list (sign-out and token RPCs are not on it: they answer 404 to the browser).
const methods = browserMethods().map((m) => m.method);

function jsonEncodable(method: DescMethod, message: Message): boolean {
  try {
    toJsonString(method.input, message as never);
    return true;
  } catch {
    return false;
  }
}

async function call(method: DescMethod, message: Message): Promise<Code | "ok"> {
  const transport = apiTransport(tab);
  const stop = AbortSignal.timeout(1000);
  try {
    if (method.methodKind === "unary") {
      await transport.unary(method as never, stop, 5000, undefined, message as never);
    } else {
      const res = await transport.stream(
        method as never,
        stop,
        5000,
        undefined,
        (async function* () {
          yield message as never;
        })(),
      );
      for await (const _ of res.message) break;
    }
    return "ok";
  } catch (e) {
    const err = ConnectError.from(e);
    return stop.aborted && err.code === Code.Canceled ? "ok" : err.code;
  }
}

describe("fuzzing the BFF's Connect gateway", () => {
  it(`answers every browser method with named codes only (seed ${seed})`, async () => {
    for (const method of methods) {
      const name = `${method.parent.name}/${method.name}`;
      await fc.assert(
        fc.asyncProperty(messageArbitrary(method.input), async (message) => {
          // A value JSON cannot carry (an out-of-range Timestamp) fails in the browser's client, not here.
          fc.pre(jsonEncodable(method, message));
          const code = await call(method, message);
          if (code !== "ok" && unnamed.has(code)) {
            throw new Error(`${name} answered ${Code[code]} via the BFF (BERTH_FUZZ_SEED=${seed})`);
          }
        }),
        { seed, numRuns: runsPerMethod, endOnFailure: true },
      );
    }
    // Still serving, to a fresh tab (an Unauthenticated answer makes the gateway forget its session).
    const fresh = new BrowserSession(stack.bff.url);
    expect((await fresh.login(stack.adminToken)).status).toBe(200);
    const still = await createClient(ProjectService, apiTransport(fresh)).listProjects({});
    expect(still.projects).toBeDefined();
  }, 120_000);

  it("refuses an unknown enum name instead of dropping it", async () => {
    // Dropped, the filter would be empty and the call valid; refused, it is InvalidArgument.
    const res = await tab.fetch("/api/berth.v1.DeploymentService/ListDeployments", {
      method: "POST",
      headers: { "content-type": "application/json", "connect-protocol-version": "1" },
      body: JSON.stringify({ app: { project: "p", app: "a" }, statuses: ["DEPLOYMENT_STATUS_GOD"] }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe("invalid_argument");
  });
});
