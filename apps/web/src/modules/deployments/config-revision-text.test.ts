import { describe, expect, it } from "vitest";
import { configRevisionText } from "./config-revision-text.js";

describe("configRevisionText", () => {
  it("names what the instances run, not 'revision 0'", () => {
    expect(configRevisionText(0, [2, 2])).toBe("revision 2 (deployed with none)");
    expect(configRevisionText(2, [2])).toBe("revision 2");
    expect(configRevisionText(0, [])).toBe("no config vars (berth.hcl defaults only) when deployed");
    expect(configRevisionText(1, [1, 2])).toBe("instances run revisions 1, 2 (a change is rolling out)");
  });
});
