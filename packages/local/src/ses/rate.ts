/**
 * SES's maximum send rate as a token bucket counted in recipients (SES counts one message per
 * recipient). The bucket holds one second's worth; a message needs as many tokens as it has
 * recipients, capped at the bucket size so that a message with more recipients than the rate can
 * still go out (it leaves the bucket in debt, which later sends pay back by waiting).
 */
export interface RateLimiter {
  /** Takes `recipients` tokens and returns true, or returns false (throttled) and takes none. */
  tryTake(recipients: number): boolean;
}

export function createRateLimiter(perSecond: number, now: () => number = Date.now): RateLimiter {
  const capacity = Math.max(1, perSecond);
  let tokens = capacity;
  let last = now();
  return {
    tryTake(recipients) {
      const t = now();
      tokens = Math.min(capacity, tokens + (Math.max(0, t - last) / 1000) * perSecond);
      last = t;
      if (tokens < Math.min(recipients, capacity)) return false;
      tokens -= recipients;
      return true;
    },
  };
}
