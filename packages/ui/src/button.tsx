import type { ButtonHTMLAttributes } from "react";

export type ButtonVariant = "primary" | "secondary" | "danger" | "ghost";

const variants: Record<ButtonVariant, string> = {
  primary: "bg-indigo-600 text-white hover:bg-indigo-500 disabled:bg-indigo-600/50",
  secondary:
    "border border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800",
  danger: "bg-red-600 text-white hover:bg-red-500 disabled:bg-red-600/50",
  ghost: "text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800",
};

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  size?: "sm" | "md";
  /** Why the button is disabled; shown as its tooltip and announced with it. */
  disabledReason?: string | undefined;
}

/** A button with our focus ring; when disabled with a reason, the reason is its title. */
export function Button({
  variant = "secondary",
  size = "md",
  disabledReason,
  className = "",
  type = "button",
  ...rest
}: ButtonProps) {
  const disabled = rest.disabled || Boolean(disabledReason);
  return (
    <button
      type={type}
      {...rest}
      disabled={disabled}
      title={disabledReason ?? rest.title}
      className={`inline-flex items-center gap-1.5 rounded-md font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 disabled:cursor-not-allowed disabled:opacity-60 ${
        size === "sm" ? "px-2 py-1 text-xs" : "px-3 py-1.5 text-sm"
      } ${variants[variant]} ${className}`}
    />
  );
}
