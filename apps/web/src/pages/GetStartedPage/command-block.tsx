import { CopyButton } from "@berth/ui/copy-button";

/** One shell command, selectable and with a copy button; the figure's accessible name says what it does. */
export function CommandBlock({ label, command }: { label: string; command: string }) {
  return (
    <figure aria-label={label} className="flex items-start gap-2 rounded-md bg-zinc-100 p-2 dark:bg-zinc-900">
      <code className="flex-1 font-mono text-xs break-all whitespace-pre-wrap select-all">{command}</code>
      <CopyButton value={command} label={`Copy: ${label}`} />
    </figure>
  );
}
