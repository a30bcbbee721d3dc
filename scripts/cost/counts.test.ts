import { describe, expect, it } from "vitest";
import { countsFromSummaries, DEFAULT_COUNTS } from "./counts.js";

describe("countsFromSummaries", () => {
  it("takes the benchmarks' keys and splits reads from writes", () => {
    const { counts, notes } = countsFromSummaries({
      poll: {
        feeds: 10,
        writesOurs: 10,
        firstRequestsPerFeed: 2.2,
        steadyRequestsPerFeed: 1.2,
        changedWritesPerSource: 1,
        repeatRequestsPerFeed: 1.1,
        repeatWritesPerSource: 1,
      },
      send: { requestsPerRecipientOurs: 1.4 },
      listing: { apiReadsSmall: 8 },
    });
    expect(notes).toEqual([]);
    expect(counts).toEqual({
      poll: {
        first: { reads: 1.2, writes: 1 },
        steady: { reads: 0.2, writes: 1 },
        repeat: { reads: 0.1, writes: 1 },
      },
      sendRequestsPerRecipient: 1.4,
      listingReadsPerPage: 2,
    });
  });

  it("falls back to the defaults with a note for each missing figure", () => {
    const { counts, notes } = countsFromSummaries({
      poll: { repeatRequestsPerFeed: 1.05, repeatWritesPerSource: 1 },
    });
    expect(counts.poll.repeat).toEqual({ reads: 0.05, writes: 1 });
    expect(counts.poll.steady).toEqual(DEFAULT_COUNTS.poll.steady);
    expect(counts.sendRequestsPerRecipient).toBe(DEFAULT_COUNTS.sendRequestsPerRecipient);
    expect(notes.join("\n")).toMatch(/send requests\/recipient: not measured/);
    expect(notes.join("\n")).toMatch(/listing reads\/page: not measured/);
    expect(countsFromSummaries({ listing: { readsPerPage: 3 } }).counts.listingReadsPerPage).toBe(3);
  });
});
