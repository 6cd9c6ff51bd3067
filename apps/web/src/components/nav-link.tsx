import type { ComponentProps } from "react";
import { Link, useLocation } from "wouter";

type NavLinkProps = Omit<ComponentProps<"a">, "className" | "href"> & {
  to: string;
  /** Active on `to` only, not on the paths below it. */
  end?: boolean;
  className?: string | ((state: { isActive: boolean }) => string);
};

/** A link that knows it points at the current page (or a parent of it): aria-current and an active style. */
export function NavLink({ to, end = false, className, ...rest }: NavLinkProps) {
  const [pathname] = useLocation();
  const here = pathname.toLowerCase();
  const target = to.toLowerCase();
  const isActive =
    here === target || (!end && target !== "/" && here.startsWith(`${target.replace(/\/$/, "")}/`));
  return (
    <Link
      {...rest}
      to={to}
      aria-current={isActive ? "page" : undefined}
      className={typeof className === "function" ? className({ isActive }) : className}
    />
  );
}
