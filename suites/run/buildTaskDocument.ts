/**
 * Renders one dataset row into what the model is asked, for each task type, with the preamble and
 * few-shot examples in front, as lm-evaluation-harness builds its requests:
 * `preamble + (example + fewshotDelimiter)* + prompt`, where a multiple-choice example is
 * `prompt + targetDelimiter + gold choice`, and a generation example `prompt + targetDelimiter + target`.
 * Errors name the task file, the template and the row.
 */
import { TemplateError } from '../errors.js';
import type { LoadedTask } from '../loadTask.js';
import type { DatasetRow } from '../loaders/loadDataset.js';
import type { Template } from '../template/compileTemplate.js';
import { describeValue } from '../template/templateFilters.js';

/** A multiple-choice item: one request per choice. */
export interface MultipleChoiceDocument {
  type: 'multiple_choice';
  requests: { context: string; continuation: string }[];
  /** The text each choice's length normalisation uses (the choice, or the shared continuation). */
  choiceTexts: string[];
  gold: number;
}

/** A generation item. */
export interface GenerateDocument {
  type: 'generate';
  prompt: string;
  references: string[];
}

/** A log-likelihood item. */
export interface LoglikelihoodDocument {
  type: 'loglikelihood';
  context: string;
  continuation: string;
}

/** A perplexity document. */
export interface PerplexityDocument {
  type: 'perplexity';
  text: string;
}

export type TaskDocument = MultipleChoiceDocument | GenerateDocument | LoglikelihoodDocument | PerplexityDocument;

/** Builds the document of `row`, with `examples` (already chosen rows) as few-shot examples. */
export function buildTaskDocument(task: LoadedTask, row: DatasetRow, examples: readonly DatasetRow[]): TaskDocument {
  const t = task.templates;
  const def = task.definition;
  const where = (path: string, r: DatasetRow) => () => `${task.shownFile}: ${path}: ${r.location}`;
  const delimiter = def.fewshot?.delimiter ?? '\n\n';
  const prefix = (t.preamble ? t.preamble.render(row.fields, where('preamble', row)) : '') + examples.map((ex) => exampleText(task, ex) + delimiter).join('');
  switch (def.type) {
    case 'multiple_choice': {
      const gold = goldIndex(task, row);
      if (t.contexts) {
        const contexts = listOf(t.contexts, row, where('contexts', row));
        checkGold(task, row, gold, contexts.length);
        const continuation = def.targetDelimiter + t.continuation!.render(row.fields, where('continuation', row));
        return { type: 'multiple_choice', requests: contexts.map((c) => ({ context: prefix + c, continuation })), choiceTexts: contexts.map(() => continuation.slice(def.targetDelimiter.length)), gold };
      }
      const context = prefix + t.prompt!.render(row.fields, where('prompt', row));
      const choices = listOf(t.choices!, row, where('choices', row));
      checkGold(task, row, gold, choices.length);
      return { type: 'multiple_choice', requests: choices.map((c) => ({ context, continuation: def.targetDelimiter + c })), choiceTexts: choices, gold };
    }
    case 'generate':
      return { type: 'generate', prompt: prefix + t.prompt!.render(row.fields, where('prompt', row)), references: references(t.target!, row, where('target', row)) };
    case 'loglikelihood':
      return { type: 'loglikelihood', context: prefix + t.prompt!.render(row.fields, where('prompt', row)), continuation: t.target!.render(row.fields, where('target', row)) };
    case 'perplexity': {
      const text = t.text!.render(row.fields, where('text', row));
      if (text.length === 0) throw new TemplateError(`${task.shownFile}: text: ${row.location}: the document is empty`);
      return { type: 'perplexity', text };
    }
  }
}

/** The solved form of a row, as a few-shot example. */
export function exampleText(task: LoadedTask, row: DatasetRow): string {
  const t = task.templates;
  const def = task.definition;
  const where = (path: string) => () => `${task.shownFile}: fewshot example ${path}: ${row.location}`;
  switch (def.type) {
    case 'multiple_choice': {
      const gold = goldIndex(task, row);
      if (t.contexts) {
        const contexts = listOf(t.contexts, row, where('contexts'));
        checkGold(task, row, gold, contexts.length);
        return contexts[gold]! + def.targetDelimiter + t.continuation!.render(row.fields, where('continuation'));
      }
      const choices = listOf(t.choices!, row, where('choices'));
      checkGold(task, row, gold, choices.length);
      return t.prompt!.render(row.fields, where('prompt')) + def.targetDelimiter + choices[gold]!;
    }
    case 'generate':
      return t.prompt!.render(row.fields, where('prompt')) + def.targetDelimiter + references(t.target!, row, where('target'))[0]!;
    case 'loglikelihood':
      return t.prompt!.render(row.fields, where('prompt')) + t.target!.render(row.fields, where('target'));
    case 'perplexity':
      return t.text!.render(row.fields, where('text'));
  }
}

/** The gold choice index of a multiple-choice row. */
export function goldIndex(task: LoadedTask, row: DatasetRow): number {
  const gold = task.templates.gold!;
  const where = () => `${task.shownFile}: gold: ${row.location}`;
  const value = gold.value.value(row.fields, where);
  if (gold.map) {
    const key = scalarText(value, where);
    const index = gold.map[key];
    if (index === undefined) throw new TemplateError(`${where()}: gold value ${JSON.stringify(key)} is not in gold.map (${Object.keys(gold.map).join(', ')})`);
    return index;
  }
  if (gold.indexIn) {
    const key = scalarText(value, where);
    const list = gold.indexIn.value(row.fields, () => `${task.shownFile}: gold.indexIn: ${row.location}`);
    if (!Array.isArray(list)) throw new TemplateError(`${task.shownFile}: gold.indexIn: ${row.location}: expected a list, got ${describeValue(list)}`);
    const index = list.findIndex((x) => scalarText(x, where) === key);
    if (index < 0) throw new TemplateError(`${where()}: gold value ${JSON.stringify(key)} is not among ${JSON.stringify(list)}`);
    return index;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return Number(value);
  throw new TemplateError(`${where()}: the gold answer must be a choice index (0, 1, …), got ${describeValue(value)}: use gold.map or gold.indexIn to turn labels into indices`);
}

function checkGold(task: LoadedTask, row: DatasetRow, gold: number, choices: number): void {
  if (gold >= choices) throw new TemplateError(`${task.shownFile}: gold: ${row.location}: index ${gold} but the row has ${choices} choices`);
}

function listOf(source: Template | Template[], row: DatasetRow, where: () => string): string[] {
  if (Array.isArray(source)) return source.map((t) => t.render(row.fields, where));
  const value = source.value(row.fields, where);
  if (!Array.isArray(value)) throw new TemplateError(`${where()}: expected a list of choices, got ${describeValue(value)}`);
  if (value.length === 0) throw new TemplateError(`${where()}: the list of choices is empty`);
  return value.map((v) => scalarText(v, where));
}

function references(target: Template, row: DatasetRow, where: () => string): string[] {
  const value = target.value(row.fields, where);
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new TemplateError(`${where()}: the list of references is empty`);
  return list.map((v) => scalarText(v, where));
}

function scalarText(value: unknown, where: () => string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  throw new TemplateError(`${where()}: expected text, got ${describeValue(value)}`);
}
