import { describe, expect, it } from "vitest";
import { Channel } from "./channel.js";

describe("Channel", () => {
  it("holds at most its capacity: a put waits until a take makes room", async () => {
    const ch = new Channel<number>(2);
    await ch.put(1);
    await ch.put(2);
    let third = false;
    const p = ch.put(3).then(() => {
      third = true;
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(third).toBe(false);
    expect(await ch.take()).toBe(1);
    await p;
    expect(third).toBe(true);
    expect(ch.drain()).toEqual([2, 3]);
  });

  it("hands values to waiting takers in order and ends them with undefined once closed", async () => {
    const ch = new Channel<string>(1);
    const a = ch.take();
    const b = ch.take();
    await ch.put("x");
    expect(await a).toBe("x");
    ch.close();
    expect(await b).toBeUndefined();
    expect(await ch.put("late")).toBe(false);
    expect(await ch.take()).toBeUndefined();
  });

  it("tryTake answers at once: the next value, or undefined when none is queued", async () => {
    const ch = new Channel<number>(1);
    expect(ch.tryTake()).toBeUndefined();
    await ch.put(1);
    let second = false;
    const p = ch.put(2).then(() => {
      second = true;
    });
    expect(ch.tryTake()).toBe(1); // and makes room for the waiting put
    await p;
    expect(second).toBe(true);
    expect(ch.tryTake()).toBe(2);
  });
});
