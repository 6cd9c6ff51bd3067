import { OidcRuleKind, Role } from "@berth/proto";
import { describe, expect, it } from "vitest";
import {
  describeRule,
  draftProblems,
  draftsFromRules,
  moveRule,
  type RuleDraft,
  rulesFromDrafts,
} from "./rule-drafts.js";

const rules: RuleDraft[] = [
  { kind: "group", claim: "ignored", value: "platform", role: "admin" },
  { kind: "claim_matches", claim: " email ", value: "@acme\\.com$", role: "viewer" },
];

describe("rule drafts", () => {
  it("round-trips through the API's rules, dropping a group rule's claim", () => {
    const sent = rulesFromDrafts(rules);
    expect(sent).toEqual([
      { kind: OidcRuleKind.GROUP, claim: "", value: "platform", role: Role.ADMIN },
      { kind: OidcRuleKind.CLAIM_MATCHES, claim: "email", value: "@acme\\.com$", role: Role.VIEWER },
    ]);
    expect(draftsFromRules(sent as never)).toEqual([
      { kind: "group", claim: "", value: "platform", role: "admin" },
      { kind: "claim_matches", claim: "email", value: "@acme\\.com$", role: "viewer" },
    ]);
  });

  it("says what is missing per rule before anything is sent", () => {
    expect(
      draftProblems([
        { kind: "group", claim: "", value: " ", role: "viewer" },
        { kind: "claim_equals", claim: "", value: "acme.com", role: "viewer" },
        { kind: "claim_matches", claim: "email", value: "(", role: "viewer" },
        ...rules,
      ]),
    ).toEqual(["Name the group.", "Name the claim (e.g. email).", "Not a regular expression.", "", ""]);
  });

  it("moves rules up and down within bounds, and describes each", () => {
    expect(moveRule(rules, 1, -1).map((r) => r.value)).toEqual(["@acme\\.com$", "platform"]);
    expect(moveRule(rules, 0, -1).map((r) => r.value)).toEqual(["platform", "@acme\\.com$"]);
    expect(rules.map(describeRule)).toEqual([
      "group platform → admin",
      " email  matches @acme\\.com$ → viewer",
    ]);
  });
});
