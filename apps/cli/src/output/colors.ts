import pc from "picocolors";

/** Colours for stdout: real ones on a TTY (unless NO_COLOR), plain text otherwise. */
export const colors = pc.createColors(!!process.stdout.isTTY && !process.env.NO_COLOR);
