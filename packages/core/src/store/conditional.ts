import { isConditionalCheckFailed } from "../errors.js";

/** Awaits a conditional write: true when it was made, false when its condition failed; other errors throw. */
export async function conditionally(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (e) {
    if (isConditionalCheckFailed(e)) return false;
    throw e;
  }
}
