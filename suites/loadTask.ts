/**
 * Reads a task file (YAML or JSON), validates it and compiles its templates. Every error is one line
 * naming the file, the path inside it (`metrics[1].extract.regex`, `choices[2]`) and what was expected;
 * a template that reads a field the dataset mapping does not produce is refused here, before any row is
 * read.
 */
import { dirname, resolve } from 'node:path';
import { closestMatch } from '../harness/util/closestMatch.js';
import { TaskDefinitionError } from './errors.js';
import { displayPath } from './loaders/loadDataset.js';
import { describeZodIssue, zodMessages } from '../harness/util/describeZodIssue.js';
import { readDataFile } from '../harness/util/readDataFile.js';
import { taskSchema, type TaskDefinition } from './schema/taskSchema.js';
import { compileTemplate, type Template } from './template/compileTemplate.js';

/** The gold-answer templates of a multiple-choice task. */
export interface CompiledGold {
  value: Template;
  map?: Record<string, number>;
  indexIn?: Template;
}

/** A task's compiled templates (only those its type uses are present). */
export interface CompiledTemplates {
  preamble?: Template;
  prompt?: Template;
  choices?: Template | Template[];
  contexts?: Template | Template[];
  continuation?: Template;
  gold?: CompiledGold;
  target?: Template;
  text?: Template;
}

/** A validated task file. */
export interface LoadedTask {
  /** Absolute path of the file (or the name given to `parseTask`). */
  file: string;
  /** The file as shown in messages. */
  shownFile: string;
  /** Folder that relative dataset paths resolve against. */
  baseDir: string;
  definition: TaskDefinition;
  templates: CompiledTemplates;
}

/** Reads, validates and compiles a task file. */
export function loadTask(file: string): LoadedTask {
  const absolute = resolve(file);
  return parseTask(readTaskDataFile(absolute, displayPath(absolute), 'task'), absolute, dirname(absolute));
}

/** Reads a task or suite file, YAML or JSON by its extension; errors name the file (as `shown`). */
export function readTaskDataFile(file: string, shown: string, kind: 'task' | 'suite'): unknown {
  return readDataFile(file, { what: `${kind} file`, shown, error: (problem, where) => new TaskDefinitionError(`${where}: ${problem}`) });
}

/** Validates task data; `file` names it in messages and `baseDir` resolves relative dataset paths. */
export function parseTask(data: unknown, file: string, baseDir: string): LoadedTask {
  const shown = displayPath(file);
  const result = taskSchema.safeParse(data, { error: zodMessages });
  if (!result.success) throw new TaskDefinitionError(`${shown}: ${describeZodIssue(result.error.issues)}`);
  const definition = result.data;
  const templates = compileTemplates(definition, shown);
  checkFieldReferences(definition, templates, shown);
  return { file, shownFile: shown, baseDir, definition, templates };
}

function compileTemplates(task: TaskDefinition, shown: string): CompiledTemplates {
  const one = (source: string, path: string): Template => compileTemplate(source, `${shown}: ${path}`);
  const many = (source: string | string[], path: string): Template | Template[] =>
    typeof source === 'string' ? one(source, path) : source.map((s, i) => one(s, `${path}[${i}]`));
  const out: CompiledTemplates = {};
  if (task.preamble !== undefined) out.preamble = one(task.preamble, 'preamble');
  switch (task.type) {
    case 'multiple_choice': {
      if (task.prompt !== undefined) out.prompt = one(task.prompt, 'prompt');
      if (task.choices !== undefined) out.choices = many(task.choices, 'choices');
      if (task.contexts !== undefined) out.contexts = many(task.contexts, 'contexts');
      if (task.continuation !== undefined) out.continuation = one(task.continuation, 'continuation');
      const gold = task.gold;
      out.gold =
        typeof gold === 'string'
          ? { value: one(gold, 'gold') }
          : {
              value: one(gold.value, 'gold.value'),
              ...(gold.map ? { map: gold.map } : {}),
              ...(gold.indexIn !== undefined ? { indexIn: one(gold.indexIn, 'gold.indexIn') } : {}),
            };
      break;
    }
    case 'generate':
    case 'loglikelihood':
      out.prompt = one(task.prompt, 'prompt');
      out.target = one(task.target, 'target');
      if (task.type === 'generate') {
        const names = new Set<string>();
        task.metrics.forEach((m, i) => {
          const name = m.name ?? m.metric;
          if (names.has(name)) throw new TaskDefinitionError(`${shown}: metrics[${i}].name: "${name}" is used twice: give each metric a distinct name`);
          names.add(name);
          if (m.extract) {
            try {
              new RegExp(m.extract.regex, m.extract.flags);
            } catch (error) {
              throw new TaskDefinitionError(`${shown}: metrics[${i}].extract.regex: ${(error as Error).message}`);
            }
          }
          m.normalize?.regexesToIgnore?.forEach((pattern, k) => {
            try {
              new RegExp(pattern);
            } catch (error) {
              throw new TaskDefinitionError(`${shown}: metrics[${i}].normalize.regexesToIgnore[${k}]: ${(error as Error).message}`);
            }
          });
        });
      }
      break;
    case 'perplexity':
      out.text = one(task.text, 'text');
      if (task.fewshot?.k) throw new TaskDefinitionError(`${shown}: fewshot: a perplexity task takes no few-shot examples`);
      break;
  }
  return out;
}

/** With a `dataset.fields` mapping, the rows have exactly those fields: templates may read no others. */
function checkFieldReferences(task: TaskDefinition, templates: CompiledTemplates, shown: string): void {
  const mappings = [task.dataset.fields, task.fewshot?.source ? task.fewshot.source.fields : undefined].filter(
    (m): m is Record<string, string> => m !== undefined,
  );
  if (mappings.length === 0) return;
  const entries: [string, Template][] = [];
  const add = (path: string, t: Template | Template[] | undefined): void => {
    if (!t) return;
    if (Array.isArray(t)) t.forEach((x, i) => entries.push([`${path}[${i}]`, x]));
    else entries.push([path, t]);
  };
  add('preamble', templates.preamble);
  add('prompt', templates.prompt);
  add('choices', templates.choices);
  add('contexts', templates.contexts);
  add('continuation', templates.continuation);
  add('gold', templates.gold?.value);
  add('gold.indexIn', templates.gold?.indexIn);
  add('target', templates.target);
  add('text', templates.text);
  for (const mapping of mappings) {
    const known = Object.keys(mapping);
    for (const [path, t] of entries) {
      for (const field of t.fields) {
        if (!known.includes(field)) {
          const suggestion = closestMatch(field, known);
          throw new TaskDefinitionError(
            `${shown}: ${path}: field "${field}" is not produced by dataset.fields${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; fields: ${known.join(', ')}`,
          );
        }
      }
    }
  }
}
