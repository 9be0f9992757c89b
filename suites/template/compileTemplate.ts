/**
 * Compiles templates and expressions (see `parseTemplate.ts` for the language) into renderers. Syntax
 * errors and unknown filters are found at compile time (when a task file is loaded); missing fields and
 * type errors when a row is rendered, with the row's own field names in the message.
 */
import { closestMatch } from '../../harness/util/closestMatch.js';
import { TaskDefinitionError, TemplateError } from '../errors.js';
import { parseExpression, parseTemplate, TemplateSyntaxError, type Expression, type PathStep, type TemplatePart } from './parseTemplate.js';
import { describeValue, templateFilters } from './templateFilters.js';

/** A compiled template. */
export interface Template {
  /** The template's source text. */
  readonly source: string;
  /** Root field names the template reads (for checking against a dataset's fields). */
  readonly fields: readonly string[];
  /**
   * Renders the template for a row as text. Throws TemplateError whose message starts with `where()`
   * (for example `task.yaml: prompt: row 12 of data.jsonl`).
   */
  render(row: Record<string, unknown>, where: () => string): string;
  /**
   * The template's value: when the whole template is one `{{ expression }}`, the expression's value as it
   * is (a list stays a list); otherwise the rendered text.
   */
  value(row: Record<string, unknown>, where: () => string): unknown;
}

/** Compiles a template; `where` names it in errors (`suites/tasks/arc.yaml: prompt`). */
export function compileTemplate(source: string, where: string): Template {
  let parts: TemplatePart[];
  try {
    parts = parseTemplate(source);
  } catch (error) {
    throw syntaxError(error, source, where);
  }
  for (const part of parts) if (part.kind === 'expression') checkFilters(part.expression, where);
  const fields = [...new Set(parts.flatMap((p) => (p.kind === 'expression' ? rootField(p.expression) : [])))];
  const only = parts.length === 1 ? parts[0] : undefined;
  const single = only?.kind === 'expression' ? only.expression : null;
  const render = (row: Record<string, unknown>, whereRow: () => string): string => {
    let out = '';
    for (const part of parts) {
      if (part.kind === 'text') out += part.text;
      else out += toText(evaluate(part.expression, row, whereRow), part.expression, whereRow);
    }
    return out;
  };
  return {
    source,
    fields,
    render,
    value: (row, whereRow) => (single ? evaluate(single, row, whereRow) : render(row, whereRow)),
  };
}

/** A compiled bare expression (dataset field mappings: `question.choices[*].text`). */
export interface CompiledExpression {
  readonly source: string;
  /** The expression's value for a row; throws TemplateError naming `where()`. */
  evaluate(row: Record<string, unknown>, where: () => string): unknown;
}

/** Compiles a bare expression; `where` names it in errors. */
export function compileExpression(source: string, where: string): CompiledExpression {
  let expression: Expression;
  try {
    expression = parseExpression(source);
  } catch (error) {
    throw syntaxError(error, source, where);
  }
  checkFilters(expression, where);
  return { source, evaluate: (row, whereRow) => evaluate(expression, row, whereRow) };
}

function syntaxError(error: unknown, source: string, where: string): TaskDefinitionError {
  if (error instanceof TemplateSyntaxError) {
    return new TaskDefinitionError(`${where}: template error at character ${error.offset + 1} of ${JSON.stringify(source)}: ${error.message}`);
  }
  throw error;
}

function checkFilters(expression: Expression, where: string): void {
  for (const filter of expression.filters) {
    const spec = templateFilters[filter.name];
    if (!spec) {
      const suggestion = closestMatch(filter.name, Object.keys(templateFilters));
      throw new TaskDefinitionError(
        `${where}: unknown template filter "${filter.name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; filters: ${Object.keys(templateFilters).join(', ')}`,
      );
    }
    if (!spec.arity.includes(filter.args.length)) {
      throw new TaskDefinitionError(`${where}: filter ${filter.name} takes ${spec.arity.join(' or ')} argument(s), got ${filter.args.length}`);
    }
    filter.args.forEach((arg, i) => {
      const kind = spec.kinds?.[i];
      if (kind && typeof arg !== kind) throw new TaskDefinitionError(`${where}: argument ${i + 1} of ${filter.name} must be a ${kind === 'string' ? 'string' : 'integer'}`);
    });
  }
}

function rootField(expression: Expression): string[] {
  const first = expression.head.kind === 'path' ? expression.head.steps[0] : undefined;
  return first?.kind === 'key' ? [first.key] : [];
}

function evaluate(expression: Expression, row: Record<string, unknown>, where: () => string): unknown {
  let value: unknown;
  if (expression.head.kind === 'literal') value = expression.head.value;
  else value = resolvePath(row, expression.head.steps, expression.source, where);
  for (const filter of expression.filters) {
    try {
      value = templateFilters[filter.name]!.apply(value, filter.args);
    } catch (error) {
      throw new TemplateError(`${where()}: {{ ${expression.source} }}: ${(error as Error).message}`);
    }
  }
  return value;
}

function resolvePath(row: Record<string, unknown>, steps: readonly PathStep[], source: string, where: () => string): unknown {
  const walk = (value: unknown, from: number, shown: string): unknown => {
    for (let i = from; i < steps.length; i++) {
      const step = steps[i]!;
      if (step.kind === 'key') {
        const name = shown ? `${shown}.${step.key}` : step.key;
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          throw new TemplateError(`${where()}: field "${name}" is missing: "${shown}" is ${describeValue(value)}, not an object`);
        }
        const record = value as Record<string, unknown>;
        if (!(step.key in record) || record[step.key] === undefined) {
          const keys = Object.keys(record);
          const suggestion = closestMatch(step.key, keys);
          throw new TemplateError(
            `${where()}: field "${name}" is missing${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; ${shown ? `"${shown}"` : 'the row'} has: ${keys.join(', ') || 'no fields'}`,
          );
        }
        value = record[step.key];
        shown = name;
      } else if (step.kind === 'index') {
        if (!Array.isArray(value)) throw new TemplateError(`${where()}: field "${shown}" is ${describeValue(value)}, not a list, in {{ ${source} }}`);
        const index = step.index < 0 ? value.length + step.index : step.index;
        if (index < 0 || index >= value.length) {
          throw new TemplateError(`${where()}: field "${shown}[${step.index}]" is missing: "${shown}" has ${value.length} elements`);
        }
        value = value[index];
        shown = `${shown}[${step.index}]`;
      } else {
        if (!Array.isArray(value)) throw new TemplateError(`${where()}: field "${shown}" is ${describeValue(value)}, not a list, in {{ ${source} }}`);
        return value.map((element, index) => walk(element, i + 1, `${shown}[${index}]`));
      }
    }
    return value;
  };
  return walk(row, 0, '');
}

function toText(value: unknown, expression: Expression, where: () => string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  const hint = Array.isArray(value) ? ' (use | join(", ") or | first)' : '';
  throw new TemplateError(`${where()}: {{ ${expression.source} }} is ${describeValue(value)}, not text${hint}`);
}
