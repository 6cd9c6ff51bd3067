const begin = "<!-- generated: policy table (npm run docs:security) -->";
const end = "<!-- end of generated policy table -->";

/** The generated part of a document, or undefined when its markers are missing. */
export function generatedPart(doc: string): string | undefined {
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) return undefined;
  return doc.slice(from + begin.length, to).trim();
}

/** The document with its generated part replaced by `content`; throws when the markers are missing. */
export function spliceGenerated(doc: string, content: string): string {
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`the document has no "${begin}" … "${end}" markers`);
  return `${doc.slice(0, from + begin.length)}\n${content}\n${doc.slice(to)}`;
}
