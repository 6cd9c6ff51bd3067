// Every RPC the browser can reach through the BFF's Connect gateway, fed random and boundary values
// (generated from the message descriptors) by a signed-in admin tab: only named error codes come back,
// never Internal/Unknown or an HTTP 500, and the BFF still serves afterwards. Seeded and bounded; a
// failure names the seed and the method.
import { gzipSync } from "node:zlib";
import { DashboardService, DeploymentService, ProjectService } from "@berth/proto";
import { type DescMethod, type Message, toBinary, toJsonString } from "@bufbuild/protobuf";
import { Code, createClient } from "@connectrpc/connect";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callOnce } from "../../server/test/helpers/call-once.js";
import { messageArbitrary } from "../../server/test/helpers/message-arbitrary.js";
import { envelope } from "../../server/test/helpers/raw-rpc.js";
import { browserMethods } from "../src/gateway/browser-services.js";
import { apiTransport } from "./helpers/api-transport.js";
import { type BinaryCallOptions, binaryCall } from "./helpers/binary-call.js";
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
  return callOnce(apiTransport(tab), method, message);
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
    const error = (await res.json()) as { code: string; message: string };
    expect(error.code).toBe("invalid_argument");
    expect(error.message).toContain("field statuses");
    expect(error.message).not.toContain("GOD");
  });

  it("names a JSON field whose value has the wrong type without quoting the value", async () => {
    const res = await tab.fetch("/api/berth.v1.DeploymentService/ListDeployments", {
      method: "POST",
      headers: { "content-type": "application/json", "connect-protocol-version": "1" },
      body: JSON.stringify({ app: { project: "p", app: "a" }, pageSize: "berth_SECRET_pasted" }),
    });
    expect(res.status).toBe(400);
    const error = (await res.json()) as { code: string; message: string };
    expect(error).toMatchObject({ code: "invalid_argument", message: expect.stringContaining("page_size") });
    expect(error.message).not.toContain("SECRET");
  });
});

describe("malformed binary bodies through the gateway", () => {
  // The SPA speaks protobuf binary. Bytes that do not decode are the caller's fault: InvalidArgument,
  // never Internal or an HTTP 500, and the answer never repeats them (this marker rides in every body).
  const marker = "berth_SECRET_never_echoed";
  const secret = new TextEncoder().encode(marker);
  const bytes = (...parts: (number | Uint8Array)[]) =>
    new Uint8Array(parts.flatMap((p) => (typeof p === "number" ? [p] : [...p])));
  /** Field 1, length-delimited, claiming 64 bytes more than follow: no schema reads it to the end. */
  const truncatedField = bytes(0x0a, secret.byteLength + 64, secret);
  const malformed: [string, Uint8Array][] = [
    ["a truncated field", truncatedField],
    ["a wire type that does not exist, then a truncated field", bytes(0x0f, 0x00, truncatedField)],
    ["a varint longer than 10 bytes", bytes(0x08, ...new Array(11).fill(0xff), 0x01, secret)],
    ["an end-group tag with no group open", bytes(0x0c, secret)],
  ];
  // Every method a browser reaches: the forwarded allow-list and DashboardService, answered by the BFF.
  const all = [...methods, ...DashboardService.methods];

  /** The body as the method's Connect content type carries it: as is (unary) or enveloped (stream). */
  const framed = (method: DescMethod, message: Uint8Array, flags = 0) =>
    method.methodKind === "unary" ? message : envelope(message, flags);

  async function expectRefused(
    method: DescMethod,
    body: Uint8Array,
    what: string,
    { exactly, ...options }: BinaryCallOptions & { exactly?: Code } = {},
  ): Promise<void> {
    const name = `${method.parent.name}/${method.name} (${what}, BERTH_FUZZ_SEED=${seed})`;
    const out = await binaryCall(tab, method, body, options);
    expect(out.httpStatus, `${name}: ${out.text}`).not.toBe(500);
    expect(out.code !== "ok" && unnamed.has(out.code), `${name}: ${out.text}`).toBe(false);
    if (exactly !== undefined) expect(out.code, `${name}: ${out.text}`).toBe(exactly);
    expect(out.text, name).not.toContain(marker);
    expect(out.text, name).not.toContain(marker.slice(6, 18));
  }

  it("answers truncated and garbage messages with InvalidArgument, for every browser method", async () => {
    for (const method of all) {
      for (const [what, message] of malformed) {
        await expectRefused(method, framed(method, message), what, { exactly: Code.InvalidArgument });
      }
      // Compressed, the same bytes are still refused once inflated.
      const encoding = method.methodKind === "unary" ? "content-encoding" : "connect-content-encoding";
      await expectRefused(method, framed(method, gzipSync(truncatedField), 1), "gzip, truncated", {
        exactly: Code.InvalidArgument,
        headers: { [encoding]: "gzip" },
      });
    }
  }, 120_000);

  it("refuses invalid UTF-8 in a string field", async () => {
    // ListDeploymentsRequest.app (1) is an AppRef whose project (1) is a string.
    const app = bytes(0x0a, secret.byteLength + 2, secret, 0xc3, 0x28);
    await expectRefused(DeploymentService.method.listDeployments, bytes(0x0a, app.byteLength, app), "UTF-8", {
      exactly: Code.InvalidArgument,
    });
  });

  it("refuses a broken envelope on every server stream", async () => {
    for (const method of all.filter((m) => m.methodKind === "server_streaming")) {
      const whole = envelope(truncatedField);
      await expectRefused(method, whole.subarray(0, whole.byteLength - 8), "an envelope cut short", {
        exactly: Code.InvalidArgument,
      });
      await expectRefused(method, envelope(truncatedField, 1), "flagged compressed, no encoding", {
        exactly: Code.InvalidArgument,
      });
    }
  }, 120_000);

  it(`answers random and cut-short messages with named codes only (seed ${seed})`, async () => {
    for (const method of all) {
      await fc.assert(
        fc.asyncProperty(
          messageArbitrary(method.input),
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.uint8Array({ maxLength: 64 }),
          async (message, cut, garbage) => {
            const full = toBinary(method.input, message as never);
            const cutShort = full.subarray(0, Math.floor(full.byteLength * cut));
            await expectRefused(method, framed(method, bytes(cutShort, truncatedField)), "cut short");
            await expectRefused(method, framed(method, bytes(garbage, truncatedField)), "garbage");
          },
        ),
        { seed, numRuns: runsPerMethod, endOnFailure: true },
      );
    }
    // Still serving, to a fresh tab.
    const fresh = new BrowserSession(stack.bff.url);
    expect((await fresh.login(stack.adminToken)).status).toBe(200);
    const still = await createClient(ProjectService, apiTransport(fresh)).listProjects({});
    expect(still.projects).toBeDefined();
  }, 120_000);
});
