import { type DescFile, type DescMessage, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";

/** Answers reflection lookups over a set of embedded file descriptors and their dependencies. */
export interface DescriptorIndex {
  /** The file and everything it imports, serialized, the file first; undefined when unknown. */
  fileByName(name: string): Uint8Array[] | undefined;
  /** The file declaring a message, enum, service, method, field or extension, with its imports. */
  fileContainingSymbol(symbol: string): Uint8Array[] | undefined;
  /** The file declaring extension `number` of message `extendee`, with its imports. */
  fileContainingExtension(extendee: string, number: number): Uint8Array[] | undefined;
  /** Extension numbers declared for a message in the known files, or undefined for an unknown message. */
  extensionNumbersOf(extendee: string): number[] | undefined;
}

/** Indexes the given files (dependencies are followed) by name and by every symbol they declare. */
export function createDescriptorIndex(roots: DescFile[]): DescriptorIndex {
  const files = new Map<string, DescFile>();
  const symbols = new Map<string, DescFile>();
  const extensions = new Map<string, Map<number, DescFile>>();
  const messages = new Set<string>();

  const addMessage = (file: DescFile, message: DescMessage) => {
    symbols.set(message.typeName, file);
    messages.add(message.typeName);
    for (const field of message.fields) symbols.set(`${message.typeName}.${field.name}`, file);
    for (const oneof of message.oneofs) symbols.set(`${message.typeName}.${oneof.name}`, file);
    for (const nested of message.nestedMessages) addMessage(file, nested);
    for (const nested of message.nestedEnums) symbols.set(nested.typeName, file);
    for (const ext of message.nestedExtensions)
      addExtension(file, ext.typeName, ext.extendee.typeName, ext.number);
  };
  const addExtension = (file: DescFile, typeName: string, extendee: string, number: number) => {
    symbols.set(typeName, file);
    const byNumber = extensions.get(extendee) ?? new Map<number, DescFile>();
    byNumber.set(number, file);
    extensions.set(extendee, byNumber);
  };
  const visit = (file: DescFile) => {
    // DescFile.name drops the ".proto" suffix; reflection clients ask by the full file name.
    if (files.has(file.proto.name)) return;
    files.set(file.proto.name, file);
    for (const dep of file.dependencies) visit(dep);
    for (const message of file.messages) addMessage(file, message);
    for (const e of file.enums) symbols.set(e.typeName, file);
    for (const ext of file.extensions) addExtension(file, ext.typeName, ext.extendee.typeName, ext.number);
    for (const service of file.services) {
      symbols.set(service.typeName, file);
      for (const method of service.methods) symbols.set(`${service.typeName}.${method.name}`, file);
    }
  };
  for (const root of roots) visit(root);

  const serialized = new Map<string, Uint8Array>();
  const serialize = (file: DescFile) => {
    let bytes = serialized.get(file.name);
    if (!bytes) {
      bytes = toBinary(FileDescriptorProtoSchema, file.proto);
      serialized.set(file.name, bytes);
    }
    return bytes;
  };
  const withImports = (file: DescFile | undefined): Uint8Array[] | undefined => {
    if (!file) return undefined;
    const out: DescFile[] = [];
    const seen = new Set<string>();
    // Post-order, reversed: the asked-for file first, and every file before the files it imports, so a
    // client reading the list backwards (dependencies first) never meets an import it has not seen.
    const walk = (f: DescFile) => {
      if (seen.has(f.name)) return;
      seen.add(f.name);
      for (const dep of f.dependencies) walk(dep);
      out.push(f);
    };
    walk(file);
    return out.reverse().map(serialize);
  };

  return {
    fileByName: (name) => withImports(files.get(name)),
    fileContainingSymbol: (symbol) => withImports(symbols.get(symbol.replace(/^\./, ""))),
    fileContainingExtension: (extendee, number) =>
      withImports(extensions.get(extendee.replace(/^\./, ""))?.get(number)),
    extensionNumbersOf(extendee) {
      const name = extendee.replace(/^\./, "");
      if (!messages.has(name)) return undefined;
      return [...(extensions.get(name)?.keys() ?? [])].sort((a, b) => a - b);
    },
  };
}
