import { describe, expect, it } from "vitest";
import { checkAnswer, RuntimeApiError } from "./runtime-api.js";

describe("checkAnswer", () => {
  it("accepts the empty answer and set server addr's success reports", () => {
    expect(() => checkAnswer("set server b/s1 state ready", "\n")).not.toThrow();
    expect(() =>
      checkAnswer(
        "set server b/s1 addr 127.0.0.1 port 8001",
        "IP changed from '127.0.0.1' to '127.0.0.2', port changed from '1' to '8001' by 'stats socket command'\n",
      ),
    ).not.toThrow();
    expect(() =>
      checkAnswer(
        "set server b/s1 addr 127.0.0.1 port 8001",
        "no need to change the addr, no need to change the port by 'stats socket command'\n",
      ),
    ).not.toThrow();
  });

  it("throws with the command that failed on anything else", () => {
    expect(() => checkAnswer("set server b/s9 state ready", "No such server.\n\n")).toThrow(
      'haproxy runtime API: "set server b/s9 state ready" failed: No such server.',
    );
    // A report that looks like success but belongs to another command is still an error.
    expect(() =>
      checkAnswer("set server b/s1 weight 2", "no need to change the addr by 'stats socket command'"),
    ).toThrow(RuntimeApiError);
  });
});
