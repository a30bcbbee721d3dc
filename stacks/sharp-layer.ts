/**
 * The image library for the one function that makes thumbnails (the unfurl worker), as a Lambda
 * layer: sharp is native code (libvips), so it cannot be bundled, and SST's own `nodejs.install`
 * pins sharp@0.32.6, whose install script downloads libvips from GitHub. npm installs the pinned
 * version for Lambda's platform (linux, arm64, glibc) into `.build/layers/`, once per version.
 * The code loads it with `require` (media/thumbnail.ts): Lambda's NODE_PATH has
 * /opt/nodejs/node_modules, which ESM imports do not search.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Architecture, Code, LayerVersion } from "aws-cdk-lib/aws-lambda";
import type { Stack } from "sst/constructs";
import { useProject } from "sst/project.js";

/** The version the code is tested with: packages/core's pinned dependency. */
export function sharpVersion(root: string): string {
  const pkg = JSON.parse(readFileSync(path.join(root, "packages", "core", "package.json"), "utf8"));
  const v = pkg.dependencies?.sharp;
  if (typeof v !== "string" || !/^\d+\.\d+\.\d+$/.test(v))
    throw new Error(`sharp must be pinned in packages/core, got ${v}`);
  return v;
}

/** The npm arguments that install sharp for Lambda's arm64 Linux into `<dir>/nodejs`. */
export const sharpInstallArgs = (dir: string, version: string): string[] => [
  "install",
  "--prefix",
  path.join(dir, "nodejs"),
  "--no-save",
  "--no-package-lock",
  "--omit=dev",
  "--os=linux",
  "--cpu=arm64",
  "--libc=glibc",
  `sharp@${version}`,
];

/** Where a layer's files are, and whether they are there. */
export function sharpLayerDir(root: string, version: string): { dir: string; ready: boolean } {
  const dir = path.join(root, ".build", "layers", `sharp-${version}-linux-arm64`);
  const ready = existsSync(
    path.join(dir, "nodejs", "node_modules", "@img", "sharp-linux-arm64", "package.json"),
  );
  return { dir, ready };
}

/**
 * Installs the layer's files when missing. A deploy needs them (and has the network); the infra
 * tests (NODE_ENV=test) run offline, so there a missing install leaves a placeholder that names
 * what a deploy puts there: the templates are the same, only the asset's hash differs.
 */
export function prepareSharpLayer(root: string): string {
  const version = sharpVersion(root);
  const { dir, ready } = sharpLayerDir(root, version);
  if (ready) return dir;
  mkdirSync(path.join(dir, "nodejs"), { recursive: true });
  if (process.env.NODE_ENV === "test") {
    writeFileSync(
      path.join(dir, "nodejs", "PLACEHOLDER"),
      `npm ${sharpInstallArgs(dir, version).join(" ")}\n`,
    );
    return dir;
  }
  execFileSync("npm", sharpInstallArgs(dir, version), { cwd: root, stdio: "inherit" });
  return dir;
}

export function sharpLayer(stack: Stack): LayerVersion {
  const dir = prepareSharpLayer(useProject().paths.root);
  return new LayerVersion(stack, "SharpLayer", {
    description: `sharp ${sharpVersion(useProject().paths.root)} (linux arm64) for thumbnails`,
    code: Code.fromAsset(dir),
    compatibleArchitectures: [Architecture.ARM_64],
    // No compatibleRuntimes: SST builds the function on a placeholder runtime before setting nodejs24.x.
  });
}
