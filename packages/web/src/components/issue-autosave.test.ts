import { describe, expect, it } from "vitest";
import { AutoSaver, type SaveState, type Timers } from "./issue-autosave.js";

function fakeTimers() {
  let next = 1;
  const pending = new Map<number, () => void>();
  const clock: Timers = {
    set: (f) => {
      const id = next++;
      pending.set(id, f);
      return id;
    },
    clear: (h) => void pending.delete(h as number),
  };
  const fire = () => {
    const fs = [...pending.values()];
    pending.clear();
    for (const f of fs) f();
  };
  return { clock, fire, count: () => pending.size };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("AutoSaver", () => {
  it("debounces: one save for many changes, with the newest value", async () => {
    const t = fakeTimers();
    const values = { title: "" };
    const saved: string[] = [];
    const states: SaveState["state"][] = [];
    const s = new AutoSaver<"title">(
      async () => void saved.push(values.title),
      (_k, st) => states.push(st.state),
      700,
      t.clock,
    );
    for (const v of ["a", "ab", "abc"]) {
      values.title = v;
      s.changed("title");
    }
    expect(t.count()).toBe(1);
    t.fire();
    await s.flush();
    expect(saved).toEqual(["abc"]);
    expect(states.at(-1)).toBe("saved");
    expect(s.busy).toBe(false);
  });

  it("flushes on blur without waiting, and never runs two saves at once", async () => {
    const t = fakeTimers();
    let running = 0;
    let most = 0;
    const saved: string[] = [];
    const s = new AutoSaver<"a" | "b">(
      async (k) => {
        running++;
        most = Math.max(most, running);
        await tick();
        saved.push(k);
        running--;
      },
      () => {},
      700,
      t.clock,
    );
    s.changed("a");
    s.changed("b");
    await s.flush();
    expect(saved.sort()).toEqual(["a", "b"]);
    expect(most).toBe(1);
    expect(t.count()).toBe(0);
  });

  it("saves again a field changed while its save runs", async () => {
    const t = fakeTimers();
    const values = { v: "1" };
    const saved: string[] = [];
    let release: () => void = () => {};
    const s = new AutoSaver<"v">(
      async () => {
        saved.push(values.v);
        if (saved.length === 1) await new Promise<void>((r) => (release = r));
      },
      () => {},
      700,
      t.clock,
    );
    s.changed("v");
    const first = s.flush("v");
    await tick();
    values.v = "2";
    s.changed("v");
    release();
    await first;
    await s.flush("v");
    expect(saved).toEqual(["1", "2"]);
  });

  it("reports an error and keeps going", async () => {
    const t = fakeTimers();
    const states: SaveState[] = [];
    const s = new AutoSaver<"x">(
      async () => {
        throw new Error("nope");
      },
      (_k, st) => states.push(st),
      700,
      t.clock,
    );
    s.changed("x");
    await s.flush();
    const last = states.at(-1);
    expect(last?.state).toBe("error");
    expect(s.busy).toBe(false);
  });

  it("lets another view wait until every save has ended", async () => {
    const t = fakeTimers();
    let done = false;
    const s = new AutoSaver<"x">(
      async () => {
        await tick();
        done = true;
      },
      () => {},
      700,
      t.clock,
    );
    s.changed("x");
    void s.flush();
    await AutoSaver.settled();
    expect(done).toBe(true);
  });
});
