import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

// jsdom does no layout: give elements a size so virtualised lists render a screenful of rows.
Object.defineProperty(HTMLElement.prototype, "offsetHeight", { configurable: true, get: () => 800 });
Object.defineProperty(HTMLElement.prototype, "offsetWidth", { configurable: true, get: () => 1200 });
Object.defineProperty(HTMLElement.prototype, "clientHeight", { configurable: true, get: () => 800 });
Object.defineProperty(HTMLElement.prototype, "clientWidth", { configurable: true, get: () => 1200 });

// Testing Library unmounts between tests only when globals are on; we keep them off and clean up here.
afterEach(() => cleanup());
