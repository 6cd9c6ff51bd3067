// Regenerates src/gen from proto/ with Debian's protoc and protoc-gen-es, then lints the API with buf.
// buf/validate/validate.proto ships in no npm package and the Buf registry is out of reach, so its
// descriptor (embedded in @bufbuild/protovalidate) is handed to protoc through --descriptor_set_in.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { create, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { file_buf_validate_validate } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { apiComments, apiCommentsModule } from "./api-comments.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const protoDir = join(root, "proto");
// `--out=<dir>` generates elsewhere (the CI drift check compares that with src/gen without touching it).
const outArg = process.argv.find((a) => a.startsWith("--out="));
const outDir = outArg ? outArg.slice("--out=".length) : join(root, "src/gen");
const bin = (name) => join(root, "../../node_modules/.bin", name);
const lintOnly = process.argv.includes("--lint-only");

/** Every .proto below dir, relative to it. */
function protoFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return protoFiles(path).map((f) => join(name, f));
    return name.endsWith(".proto") ? [name] : [];
  });
}

/** validate.proto and its dependencies, dependencies first, as one FileDescriptorSet. */
function validateDescriptorSet() {
  const seen = new Set();
  const files = [];
  const visit = (desc) => {
    if (seen.has(desc.name)) return;
    seen.add(desc.name);
    for (const dep of desc.dependencies) visit(dep);
    files.push(desc.proto);
  };
  visit(file_buf_validate_validate);
  return toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: files }));
}

const tmp = mkdtempSync(join(tmpdir(), "berth-proto-"));
try {
  const depsSet = join(tmp, "validate.binpb");
  writeFileSync(depsSet, validateDescriptorSet());
  const files = protoFiles(protoDir).sort();
  const protoc = ["-I", protoDir, `--descriptor_set_in=${depsSet}`];

  const image = join(tmp, "image.binpb");
  execFileSync(
    "protoc",
    [...protoc, "--include_imports", "--include_source_info", `--descriptor_set_out=${image}`, ...files],
    {
      stdio: "inherit",
    },
  );
  execFileSync(bin("buf"), ["lint", `${image}#format=binpb`, "--config", join(root, "buf.yaml")], {
    stdio: "inherit",
  });

  if (!lintOnly) {
    rmSync(outDir, { recursive: true, force: true });
    execFileSync("mkdir", ["-p", outDir]);
    execFileSync(
      "protoc",
      [
        ...protoc,
        `--plugin=protoc-gen-es=${bin("protoc-gen-es")}`,
        `--es_out=${outDir}`,
        "--es_opt=target=ts,import_extension=js,rewrite_imports=./buf/**/*_pb.js:@bufbuild/protovalidate/gen",
        ...files,
      ],
      { stdio: "inherit" },
    );
    writeFileSync(
      join(outDir, "berth/v1/api_comments.ts"),
      apiCommentsModule(apiComments(readFileSync(image))),
    );
    // The repo's biome.json ignores src/gen (so lint never fails on generated code): format it with
    // Biome's defaults instead, from an empty config, so the output is the same on every machine.
    writeFileSync(join(tmp, "biome.json"), "{}\n");
    execFileSync(bin("biome"), ["format", "--write", "--config-path", tmp, outDir], { stdio: "inherit" });
    console.log(`generated ${files.length} files into ${relative(process.cwd(), outDir) || "."}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
