import { describe, expect, it } from "vitest";
import type { NotificationPayload } from "./notification-payload.js";
import { renderBody, slackEscape, summaryOf, withUrls } from "./render-notification.js";

const base = (over: Partial<NotificationPayload> = {}): NotificationPayload => ({
  type: "deployment.failed",
  timestamp: "2026-12-07T14:02:00.000Z",
  data: {
    project: "shop",
    app: "web",
    lifecycleEventId: "01J",
    reason: "starting v3 failed: exit 1",
    actor: "ada",
    gitSha: "1a2b3c4d".repeat(5),
    deployment: { id: "d3", seq: 3 },
  },
  ...over,
});
const urls = { baseDomain: "localhost", routerPort: 9702 };

describe("notification bodies", () => {
  it("says what happened in one line per event", () => {
    expect(summaryOf(base())).toBe("[shop] web v3 failed: starting v3 failed: exit 1 (1a2b3c4)");
    expect(summaryOf({ ...base(), type: "release", data: { ...base().data, reason: "" } })).toBe(
      "[shop] web v3 released by ada (1a2b3c4)",
    );
    const build = {
      ...base().data,
      deployment: undefined,
      build: { id: "b", seq: 9 },
      reason: "npm ci: exit 1",
    };
    expect(summaryOf({ ...base(), type: "build.failed", data: build })).toBe(
      "[shop] web build #9 failed: npm ci: exit 1 (1a2b3c4)",
    );
  });

  it("adds the deployment's URL, and the app's for releases", () => {
    const failed = withUrls(base(), urls);
    expect(failed.data.deployment?.url).toBe("http://web--v3.shop.localhost:9702");
    expect(failed.data.url).toBe("http://web--v3.shop.localhost:9702");
    expect(withUrls({ ...base(), type: "rollback" }, urls).data.url).toBe("http://web.shop.localhost:9702");
    // A URL the event names itself (a preview's) wins.
    const preview = {
      ...base(),
      type: "preview.ready" as const,
      data: { ...base().data, url: "http://p.example" },
    };
    expect(withUrls(preview, urls).data.url).toBe("http://p.example");
  });

  it("renders standard and json as the envelope, slack as inert text", () => {
    const p = withUrls(base(), urls);
    expect(JSON.parse(renderBody("standard", p))).toEqual(p);
    expect(renderBody("json", p)).toBe(renderBody("standard", p));
    const evil = { ...p, data: { ...p.data, reason: "<!channel> <http://x|click> & run" } };
    expect(JSON.parse(renderBody("slack", evil))).toEqual({
      text: "[shop] web v3 failed: &lt;!channel&gt; &lt;http://x|click&gt; &amp; run (1a2b3c4) <http://web--v3.shop.localhost:9702|open>",
    });
    expect(slackEscape("a&b<c>")).toBe("a&amp;b&lt;c&gt;");
  });
});
