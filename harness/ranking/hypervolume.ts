/**
 * Exact hypervolume of a set of points under maximisation: the volume of the union of the boxes spanned by
 * each point and the reference point. Recursive slicing over the last objective with dominated points
 * dropped at each level; exact and fast for the few dozen points of a benchmark front.
 */

/**
 * Hypervolume dominated by `points` (rows: points, columns: objectives, larger is better) with respect to
 * `reference` (one value per objective). Coordinates at or below the reference add nothing.
 */
export function hypervolume(points: readonly (readonly number[])[], reference: readonly number[]): number {
  const d = reference.length;
  const shifted: number[][] = [];
  for (const p of points) {
    if (p.length !== d) throw new RangeError(`point has ${p.length} coordinates, reference has ${d}`);
    const q = p.map((v, k) => v - reference[k]!);
    if (q.every((v) => v > 0)) shifted.push(q);
  }
  return volume(shifted, d);
}

/** Volume of the union of boxes [0, p] for points with positive coordinates, in the first `d` dimensions. */
function volume(points: number[][], d: number): number {
  if (points.length === 0) return 0;
  if (d === 1) return Math.max(...points.map((p) => p[0]!));
  const front = nonDominated(points, d);
  if (d === 2) {
    front.sort((a, b) => b[1]! - a[1]!);
    let total = 0;
    let x = 0;
    for (const p of front) {
      if (p[0]! > x) {
        total += (p[0]! - x) * p[1]!;
        x = p[0]!;
      }
    }
    return total;
  }
  front.sort((a, b) => b[d - 1]! - a[d - 1]!);
  let total = 0;
  for (let i = 0; i < front.length; i++) {
    const height = front[i]![d - 1]! - (i + 1 < front.length ? front[i + 1]![d - 1]! : 0);
    if (height > 0) total += height * volume(front.slice(0, i + 1), d - 1);
  }
  return total;
}

/** Points not weakly dominated by another (first `d` coordinates); duplicates keep one copy. */
function nonDominated(points: number[][], d: number): number[][] {
  const kept: number[][] = [];
  outer: for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    for (let j = 0; j < points.length; j++) {
      if (i === j) continue;
      const q = points[j]!;
      let geq = true;
      let gt = false;
      for (let k = 0; k < d; k++) {
        if (q[k]! < p[k]!) {
          geq = false;
          break;
        }
        if (q[k]! > p[k]!) gt = true;
      }
      if (geq && (gt || j < i)) continue outer;
    }
    kept.push(p);
  }
  return kept;
}
