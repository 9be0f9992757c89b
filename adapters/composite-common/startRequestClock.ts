/**
 * Wall-clock and CPU time of one request a composite model serves (`CompositeRequest.ms` and `cpuMs`).
 */

/** What {@link startRequestClock}'s stop function returns. */
export interface RequestTimes {
  /** Wall-clock milliseconds since the clock started (`performance.now()`). */
  ms: number;
  /** CPU milliseconds this process spent since the clock started (user + system, all threads). */
  cpuMs: number;
}

/** Starts a clock; the returned function reads the time elapsed since (it may be called more than once). */
export function startRequestClock(): () => RequestTimes {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { ms: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 };
  };
}
