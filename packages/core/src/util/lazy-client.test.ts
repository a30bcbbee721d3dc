import { describe, expect, it } from "vitest";
import { lazyClient } from "./lazy-client.js";

/** A stand-in for an SDK client: records its middleware and answers each command with its name. */
class FakeClient {
  static made = 0;
  readonly added: string[] = [];
  readonly middlewareStack = {
    add: (_mw: unknown, opts: { name: string }) => void this.added.push(opts.name),
  };
  constructor() {
    FakeClient.made++;
  }
  async send(command: { name: string }): Promise<string> {
    return `${command.name} by client ${FakeClient.made}`;
  }
}

describe("lazyClient", () => {
  it("makes the client on the first request only, once, with the middleware added before", async () => {
    FakeClient.made = 0;
    let loads = 0;
    const lazy = lazyClient(async () => {
      loads++;
      return new FakeClient();
    });
    lazy.middlewareStack.add(() => {}, { name: "before" });
    expect(loads).toBe(0);
    const answers = await Promise.all([lazy.send({ name: "a" }), lazy.send({ name: "b" })]);
    expect(answers).toEqual(["a by client 1", "b by client 1"]);
    lazy.middlewareStack.add(() => {}, { name: "after" });
    expect(await lazy.send({ name: "c" })).toBe("c by client 1");
    expect(loads).toBe(1);
  });

  it("tries again on the next request when making the client failed", async () => {
    let tries = 0;
    const lazy = lazyClient(async () => {
      if (++tries === 1) throw new Error("cannot load");
      return new FakeClient();
    });
    await expect(lazy.send({ name: "a" })).rejects.toThrow("cannot load");
    await expect(lazy.send({ name: "b" })).resolves.toMatch(/^b by client/);
    expect(tries).toBe(2);
  });

  it("adds middleware to the client it made", async () => {
    let client: FakeClient | undefined;
    const lazy = lazyClient(async () => (client = new FakeClient()));
    lazy.middlewareStack.add(() => {}, { name: "one" });
    await lazy.send({ name: "a" });
    lazy.middlewareStack.add(() => {}, { name: "two" });
    expect(client?.added).toEqual(["one", "two"]);
  });
});
