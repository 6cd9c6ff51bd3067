import { NotificationFormat } from "@berth/proto";
import { Button } from "@berth/ui/button";
import { type FormEvent, useId, useState } from "react";

/** The events a subscription can name (the server checks them too), with what each means. */
export const eventChoices: ReadonlyArray<{ name: string; label: string }> = [
  { name: "build.failed", label: "Build failed" },
  { name: "deployment.failed", label: "Deployment failed" },
  { name: "release", label: "Released" },
  { name: "rollback", label: "Rolled back" },
  { name: "release.auto_aborted", label: "Release auto-aborted" },
  { name: "preview.ready", label: "Preview ready" },
  { name: "instance.crash_loop", label: "Instance crash loop" },
];

export interface SubscriptionInput {
  url: string;
  format: NotificationFormat;
  events: string[];
  description: string;
}

const control =
  "rounded-md border border-zinc-300 bg-transparent px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/** URL, format, events and description of a new subscription; the URL must be http(s), one event at least. */
export function SubscriptionForm(props: {
  pending: boolean;
  onSubmit: (value: SubscriptionInput) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const [value, setValue] = useState<SubscriptionInput>({
    url: "",
    format: NotificationFormat.STANDARD,
    events: ["deployment.failed", "rollback"],
    description: "",
  });
  const urlError =
    value.url && !/^https?:\/\/\S+$/.test(value.url) ? "An http:// or https:// URL." : undefined;
  const ready = Boolean(value.url) && !urlError && value.events.length > 0;
  const toggle = (name: string, on: boolean) =>
    setValue({ ...value, events: on ? [...value.events, name] : value.events.filter((e) => e !== name) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (ready) props.onSubmit(value);
  };
  return (
    <form
      onSubmit={submit}
      aria-label="Add webhook"
      className="mb-4 space-y-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800"
    >
      <div className="flex flex-wrap gap-2">
        <label className="flex min-w-64 flex-1 flex-col text-xs" htmlFor={`${id}-url`}>
          URL
          <input
            id={`${id}-url`}
            type="url"
            value={value.url}
            onChange={(e) => setValue({ ...value, url: e.target.value.trim() })}
            aria-invalid={urlError ? true : undefined}
            aria-describedby={urlError ? `${id}-url-error` : undefined}
            placeholder="https://hooks.example.com/berth"
            className={`${control} font-mono`}
            required
          />
        </label>
        <label className="flex flex-col text-xs" htmlFor={`${id}-format`}>
          Format
          <select
            id={`${id}-format`}
            value={value.format}
            onChange={(e) => setValue({ ...value, format: Number(e.target.value) as NotificationFormat })}
            className={control}
          >
            <option value={NotificationFormat.STANDARD}>Standard Webhooks (signed)</option>
            <option value={NotificationFormat.SLACK}>Slack</option>
            <option value={NotificationFormat.JSON}>JSON (unsigned)</option>
          </select>
        </label>
        <label className="flex min-w-48 flex-col text-xs" htmlFor={`${id}-description`}>
          Description
          <input
            id={`${id}-description`}
            value={value.description}
            maxLength={200}
            onChange={(e) => setValue({ ...value, description: e.target.value })}
            className={control}
          />
        </label>
      </div>
      <fieldset className="flex flex-wrap gap-3 text-sm">
        <legend className="mb-1 text-xs">Events</legend>
        {eventChoices.map((c) => (
          <label key={c.name} className="flex items-center gap-1">
            <input
              type="checkbox"
              checked={value.events.includes(c.name)}
              onChange={(e) => toggle(c.name, e.target.checked)}
            />
            {c.label}
          </label>
        ))}
      </fieldset>
      {urlError ? (
        <p id={`${id}-url-error`} role="alert" className="text-xs text-red-600">
          {urlError}
        </p>
      ) : null}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" disabled={props.pending || !ready}>
          {props.pending ? "Adding…" : "Add webhook"}
        </Button>
        <Button onClick={props.onCancel}>Cancel</Button>
      </div>
    </form>
  );
}
