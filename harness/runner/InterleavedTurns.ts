/**
 * Turn-taking between sweeps that run side by side in one job (an A/B gate): each sweep asks for a turn
 * before it launches a worker process and gives it back when the process has ended, so exactly one
 * process measures at a time and the sides alternate. The order comes in pairs: each pair is one
 * launch of every side, in an order drawn from a seeded generator (ABBA…), so the machine's drift
 * falls on both sides alike and no side is always first. The first turn is given only when every side
 * has asked (or finished), so no side's setup (planning, forging, probing the device) runs beside a
 * measured process of the other. A side that has finished (or failed) gives its remaining turns to the
 * others. Every launch is recorded in order.
 */
import { seededUniform } from '../stats/seededUniform.js';

/** One launch as recorded. */
export interface TurnRecord {
  /** The side's name. */
  side: string;
  /** Entry id. */
  entry: string;
  /** Process index within the entry (0-based). */
  process: number;
}

/** What a sweep holds to take turns: ask before each launch, release after it; finish when done. */
export interface LaunchTurns {
  /** Waits for this side's turn; the returned function ends the turn. */
  take(entry: string, process: number): Promise<() => void>;
}

/** A side of {@link InterleavedTurns}: its {@link LaunchTurns} and its end. */
export interface TurnSide extends LaunchTurns {
  /** This side launches nothing more (call it however the side ends). */
  finish(): void;
}

export class InterleavedTurns {
  readonly seed: number;
  /** Every launch so far, in order. */
  readonly launches: TurnRecord[] = [];
  private readonly names: string[];
  private readonly uniform: () => number;
  private readonly waiting = new Map<number, { entry: string; process: number; grant: (release: () => void) => void }>();
  private readonly finished = new Set<number>();
  private order: number[] = [];
  private busy = false;
  private started = false;

  /** @param names the sides, e.g. `['baseline', 'current']` @param seed seed of the order (integer) */
  constructor(names: readonly string[], seed: number) {
    if (names.length < 1) throw new RangeError('interleaving needs at least one side');
    this.names = [...names];
    this.seed = seed;
    this.uniform = seededUniform(seed);
  }

  /** The handle of side `index` (in the order of the names). */
  side(index: number): TurnSide {
    if (!(index >= 0 && index < this.names.length)) throw new RangeError(`no side ${index}`);
    return {
      take: (entry, process) =>
        new Promise<() => void>((grant) => {
          if (this.finished.has(index)) throw new Error(`side ${this.names[index]} asked for a turn after it finished`);
          this.waiting.set(index, { entry, process, grant });
          this.pump();
        }),
      finish: () => {
        this.finished.add(index);
        this.waiting.delete(index);
        this.pump();
      },
    };
  }

  /** Gives the next turn when no process runs and the side whose turn it is has asked. */
  private pump(): void {
    if (this.busy) return;
    const live = this.names.map((_, i) => i).filter((i) => !this.finished.has(i));
    if (live.length === 0) return;
    if (!this.started) {
      if (!live.every((i) => this.waiting.has(i))) return;
      this.started = true;
    }
    // Skip the turns of sides that have finished, in this pair and in the pairs drawn after it.
    for (;;) {
      while (this.order.length > 0 && this.finished.has(this.order[0]!)) this.order.shift();
      if (this.order.length > 0) break;
      this.order = this.drawPair();
    }
    const next = this.order[0]!;
    const request = this.waiting.get(next);
    if (!request) return; // its side is between launches: wait for it to ask (or finish)
    this.order.shift();
    this.waiting.delete(next);
    this.busy = true;
    this.launches.push({ side: this.names[next]!, entry: request.entry, process: request.process });
    let released = false;
    request.grant(() => {
      if (released) return;
      released = true;
      this.busy = false;
      this.pump();
    });
  }

  /** One turn of every side, shuffled (Fisher-Yates on the seeded generator). */
  private drawPair(): number[] {
    const pair = this.names.map((_, i) => i);
    for (let i = pair.length - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      [pair[i], pair[j]] = [pair[j]!, pair[i]!];
    }
    return pair;
  }
}
