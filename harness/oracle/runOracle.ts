/**
 * The oracle bound of a routing model (a cascade) on its accuracy tasks: after the routed run, every route
 * (stage) answers every task alone, and {@link oracleRouting} compares them row by row with what the
 * routed model answered. Costs one more run of the tasks per stage (not timed: accuracy only). Tasks
 * without per-row scores (perplexity) or that were skipped give no oracle.
 */
import type { LoadedModel } from '../../adapters/types.js';
import { sampleScore } from '../../suites/metrics/sampleScore.js';
import type { ResolvedTask } from '../../suites/resolveTask.js';
import type { TaskSample } from '../../suites/runTask.js';
import { runQualityTasks } from '../runner/runQualityTasks.js';
import { oracleRouting, type RouteOracle } from './oracleRouting.js';

/** A row the routed model answered, and the route that answered it (null when it could not say). */
export interface RoutedSample {
  sample: TaskSample;
  route: number | null;
}

/** Per task: row index → score, with the per-row metric. */
type TaskScores = Map<string, { metric: string; scores: Map<number, number> }>;

function collect(into: TaskScores, sample: TaskSample): void {
  const scored = sampleScore(sample);
  if (!scored) return;
  const task = into.get(sample.taskId) ?? { metric: scored.metric, scores: new Map<number, number>() };
  into.set(sample.taskId, task);
  task.scores.set(sample.row, scored.score);
}

/**
 * @param routes the routes in order (stage 0 first)
 * @param routed the routed run's rows, in order, with the answering route
 * @param onTask progress: called as each route's run of a task begins
 */
export async function runOracle(
  routes: ReadonlyArray<{ name: string; model: LoadedModel }>,
  tasks: readonly ResolvedTask[],
  routed: readonly RoutedSample[],
  onTask: (label: string) => Promise<void> | void = () => undefined,
): Promise<RouteOracle[]> {
  if (routes.length < 2) return [];
  const routedRows = new Map<string, { metric: string; rows: Map<number, { score: number; stage: number }> }>();
  for (const { sample, route } of routed) {
    const scored = sampleScore(sample);
    if (!scored || route === null) continue;
    const task = routedRows.get(sample.taskId) ?? { metric: scored.metric, rows: new Map() };
    routedRows.set(sample.taskId, task);
    task.rows.set(sample.row, { score: scored.score, stage: route });
  }
  const wanted = tasks.filter((t) => routedRows.has(t.definition.id));
  if (wanted.length === 0) return [];
  const perRoute: TaskScores[] = [];
  for (const route of routes) {
    const scores: TaskScores = new Map();
    await runQualityTasks(route.model, wanted, null, (task) => onTask(`${task} · ${route.name} alone (oracle)`), (sample) => collect(scores, sample));
    perRoute.push(scores);
  }
  return wanted.map((task) => {
    const id = task.definition.id;
    const mine = routedRows.get(id)!;
    return oracleRouting(
      id,
      mine.metric,
      routes.map((route, k) => ({ name: route.name, scores: perRoute[k]!.get(id)?.scores ?? new Map() })),
      mine.rows,
    );
  });
}
