import { Button } from "@berth/ui/button";
import {
  draftProblems,
  emptyRule,
  moveRule,
  type RuleDraft,
} from "../../modules/sign-in-providers/rule-drafts.js";

const input =
  "rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/** Edits a provider's rules in order: the first rule that matches a person decides their role. */
export function RulesEditor({
  rules,
  onChange,
}: {
  rules: RuleDraft[];
  onChange: (rules: RuleDraft[]) => void;
}) {
  const problems = draftProblems(rules);
  const set = (i: number, patch: Partial<RuleDraft>) =>
    onChange(rules.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium">Rules (first match wins)</legend>
      {rules.length === 0 ? (
        <p className="text-sm text-zinc-500">No rules: nobody could sign in. Add one.</p>
      ) : null}
      <ol className="space-y-2">
        {rules.map((r, i) => {
          const n = i + 1;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: rules have no identity but their place in the order.
            <li key={i} className="flex flex-wrap items-center gap-1.5">
              <span className="w-5 text-xs text-zinc-500">{n}.</span>
              <select
                aria-label={`Rule ${n} kind`}
                className={input}
                value={r.kind}
                onChange={(e) => set(i, { kind: e.target.value as RuleDraft["kind"] })}
              >
                <option value="group">group is</option>
                <option value="claim_equals">claim equals</option>
                <option value="claim_matches">claim matches</option>
              </select>
              {r.kind === "group" ? null : (
                <input
                  aria-label={`Rule ${n} claim`}
                  placeholder="claim, e.g. email"
                  className={`${input} w-32`}
                  value={r.claim}
                  onChange={(e) => set(i, { claim: e.target.value })}
                />
              )}
              <input
                aria-label={`Rule ${n} value`}
                placeholder={
                  r.kind === "group"
                    ? "group, e.g. deployers"
                    : r.kind === "claim_matches"
                      ? "regex, e.g. @acme\\.com$"
                      : "value"
                }
                className={`${input} w-44`}
                value={r.value}
                onChange={(e) => set(i, { value: e.target.value })}
              />
              <span aria-hidden="true">→</span>
              <select
                aria-label={`Rule ${n} role`}
                className={input}
                value={r.role}
                onChange={(e) => set(i, { role: e.target.value as RuleDraft["role"] })}
              >
                <option value="viewer">viewer</option>
                <option value="deployer">deployer</option>
                <option value="admin">admin</option>
              </select>
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Move rule ${n} up`}
                disabled={i === 0}
                onClick={() => onChange(moveRule(rules, i, -1))}
              >
                ↑
              </Button>
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Move rule ${n} down`}
                disabled={i === rules.length - 1}
                onClick={() => onChange(moveRule(rules, i, 1))}
              >
                ↓
              </Button>
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Remove rule ${n}`}
                onClick={() => onChange(rules.filter((_, j) => j !== i))}
              >
                ✕
              </Button>
              {problems[i] ? (
                <span className="w-full pl-6 text-xs text-red-600 dark:text-red-400">{problems[i]}</span>
              ) : null}
            </li>
          );
        })}
      </ol>
      <Button size="sm" onClick={() => onChange([...rules, emptyRule()])}>
        Add rule
      </Button>
    </fieldset>
  );
}
