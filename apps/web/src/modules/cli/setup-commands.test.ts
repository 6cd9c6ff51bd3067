import { describe, expect, it } from "vitest";
import { setupCommands, shellWord } from "./setup-commands.js";

describe("setupCommands", () => {
  it("fills in the server, the dashboard and the code", () => {
    const c = setupCommands({
      serverUrl: "http://127.0.0.1:9701",
      dashboardUrl: "http://localhost:9700",
      code: "berthc_abc-DEF_1",
      project: "shop",
    });
    expect(c.login).toBe(
      "npx berth login --server http://127.0.0.1:9701 --dashboard http://localhost:9700 --code berthc_abc-DEF_1",
    );
    expect(c.check).toBe("npx berth status --project shop");
  });

  it("says where the code goes before there is one, and reads the project from berth.hcl without one", () => {
    const c = setupCommands({ serverUrl: "http://s", dashboardUrl: "http://d" });
    expect(c.login).toContain("--code <press Create a login code>");
    expect(c.check).toBe("npx berth status");
  });

  it("quotes anything a shell would read specially", () => {
    expect(shellWord("http://a.example/x")).toBe("http://a.example/x");
    expect(shellWord("http://a/$(rm -rf ~)")).toBe("'http://a/$(rm -rf ~)'");
    expect(shellWord("it's")).toBe(`'it'\\''s'`);
  });
});
