/**
 * When a round's requests arrive, in ms after the round starts: all at 0 for a burst, or a Poisson process
 * of `rate` requests per second (exponential gaps, the first request at 0 so a round never waits idle
 * before its first arrival). The gaps come from the statistics' seeded generator, one stream per round,
 * so a round's arrivals are the same in every run and on every backend.
 */
import { seededRandom } from '../../stats/seededRandom.js';

/** Seed of the arrival streams. */
export const ARRIVAL_SEED = 20_261_208;

export function arrivalOffsets(requests: number, arrival: { rate: number } | null | undefined, round: number): number[] {
  if (!arrival) return Array.from({ length: requests }, () => 0);
  const random = seededRandom(ARRIVAL_SEED, round);
  const offsets = [0];
  for (let i = 1; i < requests; i++) offsets.push(offsets[i - 1]! - (Math.log(1 - random()) / arrival.rate) * 1000);
  return offsets;
}
