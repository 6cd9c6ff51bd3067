import { describe, expect, it } from "vitest";
import { parseServerAddresses } from "./parse-server-addresses.js";

describe("parseServerAddresses", () => {
  it("reads one address or several, adding http:// where no scheme is given", () => {
    expect(parseServerAddresses("http://127.0.0.1:9701", "--server")).toEqual(["http://127.0.0.1:9701"]);
    expect(parseServerAddresses(" 127.0.0.1:1, https://berth.internal/ ,localhost:3", "--server")).toEqual([
      "http://127.0.0.1:1",
      "https://berth.internal",
      "http://localhost:3",
    ]);
  });

  it("names an empty entry by its position", () => {
    expect(() => parseServerAddresses("http://a:1,,http://b:2", "--server")).toThrow(
      '--server address 2 of 3 is empty (in "http://a:1,,http://b:2"); give URLs separated by commas',
    );
    expect(() => parseServerAddresses("", "BERTH_SERVER")).toThrow('BERTH_SERVER is empty (in "")');
    expect(() => parseServerAddresses("http://a:1,", "BERTH_SERVER")).toThrow(
      "BERTH_SERVER address 2 of 2 is empty",
    );
  });

  it("names a malformed entry and quotes it", () => {
    expect(() => parseServerAddresses("http://a:1,http://b:99999", "--server")).toThrow(
      '--server address 2 of 2 "http://b:99999" is not a URL; e.g. http://127.0.0.1:9701',
    );
    expect(() => parseServerAddresses("ftp://a:1", "--server")).toThrow(
      '--server "ftp://a:1" must be an http:// or https:// URL',
    );
    expect(() => parseServerAddresses("http://a:1/api", "BERTH_SERVER_ADDR")).toThrow(
      'BERTH_SERVER_ADDR "http://a:1/api" must be a server\'s address only, without a path',
    );
    expect(() => parseServerAddresses("http://a:1,a:1", "--server")).toThrow(
      '--server address 2 of 2 "a:1" repeats http://a:1',
    );
  });

  it("never quotes an entry that carries a password", () => {
    let message = "";
    try {
      parseServerAddresses("http://a:1,http://admin:hunter2@b:2", "--server");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      "--server address 2 of 2 must not carry a user or password (tokens have their own setting)",
    );
  });
});
