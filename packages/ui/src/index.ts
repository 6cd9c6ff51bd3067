// Shared building blocks of the dashboard. Import the file you need: "@berth/ui/button".
export { type AnsiSegment, AnsiText, Highlighted, parseAnsi } from "./ansi-text.js";
