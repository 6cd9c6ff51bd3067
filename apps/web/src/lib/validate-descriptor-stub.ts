// Stands in for @bufbuild/protovalidate's buf/validate/validate.proto descriptor in the browser bundle.
// The berth.v1 descriptors list it as a dependency only for their validation *options*; the browser never
// validates (the server does), and options of an unknown extension are kept as unknown fields. An empty file of
// the same name satisfies the dependency and keeps ~15 KB of gzipped JS out of the first page load.
import type { GenFile } from "@bufbuild/protobuf/codegenv2";
import { fileDesc } from "@bufbuild/protobuf/codegenv2";

/** An empty "buf/validate/validate.proto" (package buf.validate). */
export const file_buf_validate_validate: GenFile = fileDesc(
  "ChtidWYvdmFsaWRhdGUvdmFsaWRhdGUucHJvdG8SDGJ1Zi52YWxpZGF0ZQ",
);
