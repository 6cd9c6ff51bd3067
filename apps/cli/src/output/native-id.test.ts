import { describe, expect, it } from "vitest";
import { shortNativeId } from "./native-id.js";

describe("shortNativeId", () => {
  it("cuts a container id to 12 characters and leaves other engine ids whole", () => {
    expect(shortNativeId("0123456789ab".repeat(5).slice(0, 64).padEnd(64, "f"))).toBe("0123456789ab");
    expect(shortNativeId("web-v3-7d9f8c6b5-x2x4q")).toBe("web-v3-7d9f8c6b5-x2x4q");
    expect(shortNativeId("")).toBe("");
  });
});
