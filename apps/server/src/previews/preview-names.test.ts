import { describe, expect, it } from "vitest";
import {
  parsePreviewAppName,
  parsePreviewScopeName,
  previewAppName,
  previewScopeName,
  reservedAppNameReason,
} from "./preview-names.js";

describe("preview names", () => {
  it("round-trips a preview app name and its scope", () => {
    expect(previewAppName("web", 7)).toBe("web--pr-7");
    expect(parsePreviewAppName("web--pr-7")).toEqual({ app: "web", number: 7 });
    expect(parsePreviewAppName("my-api--pr-120")).toEqual({ app: "my-api", number: 120 });
    expect(previewScopeName("web")).toBe("web--previews");
    expect(parsePreviewScopeName("web--previews")).toBe("web");
  });

  it("refuses names that are not a preview's", () => {
    for (const n of ["web", "web--pr-0", "web--pr-07", "web--v3", "a--b--pr-1", "web--pr-", "--pr-1"])
      expect(parsePreviewAppName(n)).toBeUndefined();
    expect(parsePreviewScopeName("a--b--previews")).toBeUndefined();
  });

  it("reserves -- in real app names", () => {
    expect(reservedAppNameReason("web")).toBeUndefined();
    expect(reservedAppNameReason("my-web")).toBeUndefined();
    expect(reservedAppNameReason("web--pr-7")).toMatch(/contains "--", which is reserved/);
  });
});
