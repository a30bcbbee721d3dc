import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { prepareSharpLayer, sharpInstallArgs, sharpLayerDir, sharpVersion } from "./sharp-layer.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

describe("the sharp layer", () => {
  it("is the version the code is tested with (packages/core's pin), the one installed here", () => {
    const installed = JSON.parse(
      readFileSync(path.join(ROOT, "node_modules", "sharp", "package.json"), "utf8"),
    );
    expect(sharpVersion(ROOT)).toBe(installed.version);
  });

  it("is installed by npm for Lambda's platform (linux, arm64, glibc) under nodejs/, Lambda's layer path", () => {
    const args = sharpInstallArgs("/tmp/layer", "1.2.3");
    expect(args).toEqual(
      expect.arrayContaining(["--os=linux", "--cpu=arm64", "--libc=glibc", "sharp@1.2.3"]),
    );
    expect(args[args.indexOf("--prefix") + 1]).toBe(path.join("/tmp/layer", "nodejs"));
    expect(args).toContain("--omit=dev");
  });

  it("offline under test, a missing install leaves a placeholder naming the command (never a network call)", () => {
    const root = mkdtempSync(path.join(tmpdir(), "layer-"));
    try {
      const core = path.join(root, "packages", "core");
      mkdirSync(core, { recursive: true });
      writeFileSync(path.join(core, "package.json"), JSON.stringify({ dependencies: { sharp: "9.9.9" } }));
      const dir = prepareSharpLayer(root);
      expect(dir).toBe(sharpLayerDir(root, "9.9.9").dir);
      expect(readFileSync(path.join(dir, "nodejs", "PLACEHOLDER"), "utf8")).toContain("sharp@9.9.9");
      expect(sharpLayerDir(root, "9.9.9").ready).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
