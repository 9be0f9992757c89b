/**
 * NSGA-II crowding distance of the members of one front, over normalised objective values.
 */

/**
 * Crowding distance of each point (rows: points, columns: objectives, values normalised so that the
 * objective's range over the whole ranked set is [0, 1]). For each objective, the distance adds
 * (next − previous) ÷ (max − min over the front), where previous and next are the nearest values strictly
 * below and above the point's own: tied points share the same gap, so the result does not depend on input
 * order. A point holding the front's minimum or maximum on an objective whose values differ within the
 * front is a boundary point: its distance is `Infinity`. An objective on which the whole front is equal
 * adds nothing. Fronts of one or two points are all boundary.
 */
export function crowdingDistance(points: readonly (readonly number[])[]): number[] {
  const n = points.length;
  if (n <= 2) return points.map(() => Infinity);
  const distance = new Array<number>(n).fill(0);
  const m = points[0]!.length;
  for (let k = 0; k < m; k++) {
    const values = points.map((p) => p[k]!);
    const distinct = [...new Set(values)].sort((a, b) => a - b);
    const min = distinct[0]!;
    const max = distinct[distinct.length - 1]!;
    const range = max - min;
    if (range === 0) continue;
    const position = new Map(distinct.map((v, i) => [v, i]));
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (v === min || v === max) {
        distance[i] = Infinity;
        continue;
      }
      const at = position.get(v)!;
      distance[i]! += (distinct[at + 1]! - distinct[at - 1]!) / range;
    }
  }
  return distance;
}
