import { describe, expect, it } from "vitest";
import { setupCommands, shellWord } from "./setup-commands.js";

describe("setupCommands", () => {
  it("fills in the server, the dashboard and the code", () => {
    const c = setupCommands({
      serverUrl: "http://127.0.0.1:9701",
      dashboardUrl: "http://localhost:9700",
      code: "berthc_abc-DEF_1",
    });
    expect(c.login).toBe(
      "npx berth login --server http://127.0.0.1:9701 --dashboard http://localhost:9700 --code berthc_abc-DEF_1",
    );
    expect(c.check).toBe("npx berth status");
  });

  it("says where the code goes before there is one", () => {
    expect(setupCommands({ serverUrl: "http://s", dashboardUrl: "http://d" }).login).toContain(
      "--code <press Create a login code>",
    );
  });

  it("quotes anything a shell would read specially", () => {
    expect(shellWord("http://a.example/x")).toBe("http://a.example/x");
    expect(shellWord("http://a/$(rm -rf ~)")).toBe("'http://a/$(rm -rf ~)'");
    expect(shellWord("it's")).toBe(`'it'\\''s'`);
  });
});
