import { type ComponentType, type LazyExoticComponent, lazy } from "react";

/** A page (or layout) in its own chunk. */
export interface LazyPage<P = object> {
  Component: LazyExoticComponent<ComponentType<P>>;
  /** Starts the chunk's download before React renders the page (e.g. while the session check runs). */
  preload: () => Promise<unknown>;
}

/** `name` is the module's export; the chunk downloads once, whether preload() or React asks first. */
export function lazyPage<K extends string, P = object>(
  load: () => Promise<Record<K, ComponentType<NoInfer<P>>>>,
  name: K,
): LazyPage<P> {
  let loading: Promise<{ default: ComponentType<P> }> | undefined;
  const preload = () => {
    loading ??= load().then((m) => ({ default: m[name] }));
    return loading;
  };
  return { Component: lazy(preload), preload };
}
