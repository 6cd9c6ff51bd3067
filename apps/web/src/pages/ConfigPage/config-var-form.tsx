import { ConfigScope } from "@berth/proto";
import { Button } from "@berth/ui/button";
import { type FormEvent, useId, useState } from "react";

export interface ConfigVarInputValue {
  name: string;
  value: string;
  secret: boolean;
  scope: ConfigScope;
}

const namePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
const control =
  "rounded-md border border-zinc-300 bg-transparent px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/** Name, value, secret and scope of one variable; names are checked as the server will check them. */
export function ConfigVarForm(props: {
  initial: ConfigVarInputValue;
  appScope: boolean;
  pending: boolean;
  submitLabel: string;
  onSubmit: (value: ConfigVarInputValue) => void;
  onCancel?: () => void;
}) {
  const id = useId();
  const [value, setValue] = useState(props.initial);
  const nameError =
    value.name && !namePattern.test(value.name)
      ? "Letters, digits and _ only, not starting with a digit."
      : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!nameError && value.name) props.onSubmit(value);
  };
  return (
    <form
      onSubmit={submit}
      aria-label={props.submitLabel}
      className="flex flex-wrap items-end gap-2"
      data-testid="config-form"
    >
      <label className="flex flex-col text-xs" htmlFor={`${id}-name`}>
        Name
        <input
          id={`${id}-name`}
          value={value.name}
          readOnly={Boolean(props.initial.name)}
          onChange={(e) => setValue({ ...value, name: e.target.value })}
          aria-invalid={nameError ? true : undefined}
          aria-describedby={nameError ? `${id}-error` : undefined}
          className={`${control} font-mono`}
          required
        />
      </label>
      <label className="flex min-w-48 flex-1 flex-col text-xs" htmlFor={`${id}-value`}>
        Value
        <input
          id={`${id}-value`}
          type={value.secret ? "password" : "text"}
          value={value.value}
          onChange={(e) => setValue({ ...value, value: e.target.value })}
          placeholder={props.initial.secret && props.initial.name ? "new secret value" : ""}
          className={`${control} font-mono`}
          autoComplete="off"
        />
      </label>
      <label className="flex items-center gap-1 pb-1 text-sm">
        <input
          type="checkbox"
          checked={value.secret}
          onChange={(e) => setValue({ ...value, secret: e.target.checked })}
        />
        Secret
      </label>
      {props.appScope && !props.initial.name ? (
        <label className="flex flex-col text-xs">
          Scope
          <select
            value={value.scope}
            onChange={(e) => setValue({ ...value, scope: Number(e.target.value) as ConfigScope })}
            className={control}
          >
            <option value={ConfigScope.APP}>This app</option>
            <option value={ConfigScope.PROJECT}>Whole project</option>
          </select>
        </label>
      ) : null}
      <Button type="submit" variant="primary" disabled={props.pending || !value.name || Boolean(nameError)}>
        {props.pending ? "Saving…" : props.submitLabel}
      </Button>
      {props.onCancel ? <Button onClick={props.onCancel}>Cancel</Button> : null}
      {nameError ? (
        <p id={`${id}-error`} role="alert" className="w-full text-xs text-red-600">
          {nameError}
        </p>
      ) : null}
    </form>
  );
}
