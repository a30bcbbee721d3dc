import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureWebBuilt, INPUTS_FILE, inputFiles, inputsHash, isCurrent, WEB_ROOT } from "./build.js";

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

/** A package with the inputs' shape: index.html, vite.config.ts, package.json, src/. */
async function fakePackage(parent = tmpdir()): Promise<string> {
  const root = await mkdtemp(join(parent, "wkn-web-build-"));
  roots.push(root);
  mkdirSync(join(root, "src", "views"), { recursive: true });
  writeFileSync(
    join(root, "index.html"),
    '<div id="app"></div><script type="module" src="/src/main.tsx"></script>',
  );
  writeFileSync(join(root, "vite.config.ts"), "export default {}");
  writeFileSync(join(root, "package.json"), "{}");
  writeFileSync(join(root, "src", "main.tsx"), "export const a = 1;");
  writeFileSync(join(root, "src", "views", "list.tsx"), "export const b = 2;");
  writeFileSync(join(root, "src", "views", "list.test.ts"), "test");
  return root;
}

/** A build that writes a page and counts its runs. */
function countingBuild() {
  const runs: string[] = [];
  return {
    runs,
    build: async (_root: string, outDir: string) => {
      runs.push(outDir);
      mkdirSync(join(outDir, "assets"), { recursive: true });
      writeFileSync(join(outDir, "index.html"), `build ${runs.length}`);
    },
  };
}

describe("ensureWebBuilt", () => {
  it("builds when dist is missing, then only when an input changed", async () => {
    const root = await fakePackage();
    const { runs, build } = countingBuild();
    const lines: string[] = [];
    const ensure = () => ensureWebBuilt({ root, build, log: (l) => lines.push(l) });

    expect(await ensure()).toEqual({ dir: join(root, "dist"), built: true });
    expect(readFileSync(join(root, "dist", "index.html"), "utf8")).toBe("build 1");
    expect(lines).toEqual([
      expect.stringMatching(/^web: built the editor's page into .*dist \(\d+\.\d s\)$/),
    ]);
    expect((await ensure()).built).toBe(false);

    writeFileSync(join(root, "src", "views", "list.tsx"), "export const b = 3;");
    expect((await ensure()).built).toBe(true);
    writeFileSync(join(root, "src", "views", "list.test.ts"), "a test changed: not an input");
    expect((await ensure()).built).toBe(false);
    rmSync(join(root, "src", "views", "list.tsx")); // a removed file counts, though nothing got newer
    expect((await ensure()).built).toBe(true);
    writeFileSync(join(root, "src", "new.ts"), "");
    expect((await ensure()).built).toBe(true);
    writeFileSync(join(root, "vite.config.ts"), "export default { base: '/' }");
    expect((await ensure()).built).toBe(true);
    rmSync(join(root, "dist", "index.html"));
    expect((await ensure()).built).toBe(true);
    expect(runs).toHaveLength(6);
    expect(readFileSync(join(root, "dist", "index.html"), "utf8")).toBe("build 6");
    expect(lines).toHaveLength(6);
    // nothing left behind but dist/ and the (empty) work folder
    expect(readdirSync(join(root, ".build"))).toEqual([]);
  });

  it("hashes src/ but its tests, index.html, vite.config.ts and package.json", async () => {
    const root = await fakePackage();
    expect(await inputFiles(root)).toEqual([
      "index.html",
      "package.json",
      "src/main.tsx",
      "src/views/list.tsx",
      "vite.config.ts",
    ]);
    expect(await inputFiles(WEB_ROOT)).toContain("src/main.tsx");
  });

  it("shares one build between concurrent calls of a process", async () => {
    const root = await fakePackage();
    const { runs, build } = countingBuild();
    const results = await Promise.all([1, 2, 3].map(() => ensureWebBuilt({ root, build })));
    expect(runs).toHaveLength(1);
    expect(results.map((r) => r.built)).toEqual([true, true, true]);
  });

  it("waits while another live process builds, then uses its build", async () => {
    const root = await fakePackage();
    const { runs, build } = countingBuild();
    mkdirSync(join(root, ".build"));
    const lockFile = join(root, ".build", "web-build.lock");
    writeFileSync(lockFile, String(process.ppid)); // alive: the process that runs the tests
    let waiting!: () => void;
    const waited = new Promise<void>((r) => {
      waiting = r;
    });
    const result = ensureWebBuilt({ root, build, lockPollMs: 1, onLockWait: waiting });
    await waited;
    // the other process finishes: a current dist, then the lock goes
    mkdirSync(join(root, "dist"));
    writeFileSync(join(root, "dist", "index.html"), "theirs");
    writeFileSync(join(root, "dist", INPUTS_FILE), await inputsHash(root));
    rmSync(lockFile);
    expect((await result).built).toBe(false);
    expect(runs).toEqual([]);
    expect(readFileSync(join(root, "dist", "index.html"), "utf8")).toBe("theirs");
  });

  it("takes over the lock of a process that died", async () => {
    const root = await fakePackage();
    const { runs, build } = countingBuild();
    mkdirSync(join(root, ".build"));
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout;
    writeFileSync(join(root, ".build", "web-build.lock"), String(dead));
    expect((await ensureWebBuilt({ root, build })).built).toBe(true);
    expect(runs).toHaveLength(1);
    expect(existsSync(join(root, ".build", "web-build.lock"))).toBe(false);
  });

  it("keeps the previous dist when a build fails, and frees the lock", async () => {
    const root = await fakePackage();
    const { build } = countingBuild();
    await ensureWebBuilt({ root, build });
    writeFileSync(join(root, "src", "main.tsx"), "broken");
    const failing = async (_root: string, outDir: string) => {
      mkdirSync(outDir, { recursive: true });
      throw new Error("the editor's page did not build (vite): syntax error");
    };
    await expect(ensureWebBuilt({ root, build: failing })).rejects.toThrow(/syntax error/);
    expect(readFileSync(join(root, "dist", "index.html"), "utf8")).toBe("build 1");
    expect(await isCurrent(root)).toBe(false);
    expect(readdirSync(join(root, ".build"))).toEqual([]);

    // npm start and the tests go on with the earlier build, saying so in one line
    const lines: string[] = [];
    const kept = await ensureWebBuilt({ root, build: failing, onFailure: "keep", log: (l) => lines.push(l) });
    expect(kept).toEqual({
      dir: join(root, "dist"),
      built: false,
      failed: expect.stringMatching(/syntax error/),
    });
    expect(lines).toEqual([
      "web: kept the earlier build of the editor's page: the editor's page did not build (vite): syntax error",
    ]);
  });

  it("fails without an earlier build, even when asked to keep one", async () => {
    const root = await fakePackage();
    const failing = async () => {
      throw new Error("no");
    };
    await expect(ensureWebBuilt({ root, build: failing, onFailure: "keep" })).rejects.toThrow("no");
    expect(existsSync(join(root, "dist"))).toBe(false);
  });

  // A real Vite build of a small page (not the one others are writing in src/), inside the
  // package so it resolves preact and vite as the real one does.
  it("runs Vite's production build, whatever NODE_ENV the caller has", { timeout: 60_000 }, async () => {
    expect(process.env.NODE_ENV).toBe("test");
    const work = join(WEB_ROOT, ".build");
    mkdirSync(work, { recursive: true });
    const root = await mkdtemp(join(work, "test-page-"));
    roots.push(root);
    mkdirSync(join(root, "src"));
    copyFileSync(join(WEB_ROOT, "vite.config.ts"), join(root, "vite.config.ts"));
    copyFileSync(join(WEB_ROOT, "package.json"), join(root, "package.json"));
    writeFileSync(
      join(root, "index.html"),
      '<!doctype html><html><head><script type="module" src="/src/main.tsx"></script></head><body><div id="app"></div></body></html>',
    );
    writeFileSync(
      join(root, "src", "main.tsx"),
      'import "./styles.css";\nimport { render } from "preact";\nrender(<p>hello</p>, document.getElementById("app")!);\n',
    );
    writeFileSync(join(root, "src", "styles.css"), "p { color: teal; }\n");

    expect((await ensureWebBuilt({ root })).built).toBe(true);
    const dist = join(root, "dist");
    const html = readFileSync(join(dist, "index.html"), "utf8");
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/);
    expect(html).toMatch(/<link rel="stylesheet" crossorigin href="\/assets\/index-[\w-]+\.css">/);
    const js = readdirSync(join(dist, "assets")).find((f) => f.endsWith(".js"))!;
    const code = readFileSync(join(dist, "assets", js), "utf8");
    expect(code).toContain("hello");
    // a development build passes each element's source location (this machine's paths)
    expect(code).toMatch(/\(`p`,\{children:`hello`\}\)/);
    expect(code).not.toContain("fileName");
    expect(code).not.toContain(root);
    expect((await ensureWebBuilt({ root })).built).toBe(false);

    // a broken page: Vite's error in one line, where it is; the earlier build stays
    writeFileSync(join(root, "src", "main.tsx"), 'import "./nope.js";\n');
    await expect(ensureWebBuilt({ root })).rejects.toThrow(
      "the editor's page did not build (vite): [UNRESOLVED_IMPORT] Could not resolve './nope.js' in src/main.tsx (src/main.tsx:1:8)",
    );
    expect(readFileSync(join(dist, "index.html"), "utf8")).toBe(html);
  });
});
