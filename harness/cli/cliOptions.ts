/** Option parsers the commands share: each names its flag and the value in its one-line error. */
import { InvalidArgumentError } from 'commander';

/** A positive integer. */
export function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} must be a positive integer, got "${value}"`);
    return n;
  };
}

/** A positive finite number. */
export function positiveNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${flag} must be a positive number, got "${value}"`);
    return n;
  };
}

/** A finite number ≥ 0. */
export function nonNegativeNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${flag} must be a number ≥ 0, got "${value}"`);
    return n;
  };
}

/** Whole numbers ≥ 0, comma-separated (`0,512,1024`). */
export function wholeNumberList(flag: string) {
  return (value: string): number[] => {
    const parts = value.split(',').map((part) => part.trim());
    return parts.map((part) => {
      const n = Number(part);
      if (part === '' || !Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${flag} takes whole numbers ≥ 0 separated by commas, got "${value}"`);
      return n;
    });
  };
}

/** A repeatable option's values, in order. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
