import { describe, expect, it } from 'vitest';
import { sizeLegendValues } from '../../reports/html/charts/sizeLegendValues.js';

describe('sizeLegendValues', () => {
  it('keeps every value inside the data range (outside it the size scale extrapolates to a negative area)', () => {
    // The peak RSS of a real run whose legend once read 110 MiB, below its smallest point.
    expect(sizeLegendValues([114.3125, 139.56640625, 132.203125])).toEqual([120, 130]);
    expect(sizeLegendValues([0.5, 3000])).toEqual([0.5, 1500, 3000]);
    // A narrow range takes more digits.
    expect(sizeLegendValues([114.31, 114.38])).toEqual([114.31, 114.35, 114.38]);
    expect(sizeLegendValues([7, 7])).toEqual([7]);
  });
});
