/** The template language: fields, paths, filters, and errors that name where they are. */
import { describe, expect, it } from 'vitest';
import { compileExpression, compileTemplate } from '../../suites/template/compileTemplate.js';

const row = {
  question: { stem: 'Why?', choices: [{ text: 'a', label: 'A' }, { text: 'b', label: 'B' }] },
  sentence: 'Sarah helped Maria so _ got the easy cases.',
  text: 'he said I do not care about signs',
  n: 3,
  flag: false,
};
const at = () => 'task.yaml: prompt: data.jsonl line 4';

describe('templates', () => {
  it('interpolates fields and paths', () => {
    expect(compileTemplate('Question: {{question.stem}}\nAnswer:', 'x').render(row, at)).toBe('Question: Why?\nAnswer:');
    expect(compileTemplate('{{ question.choices[1].text }}{{n}}{{flag}}', 'x').render(row, at)).toBe('b3false');
    expect(compileTemplate('{{ question.choices[-1].label }}', 'x').render(row, at)).toBe('B');
    expect(compileTemplate('{{ question["stem"] }}', 'x').render(row, at)).toBe('Why?');
  });
  it('a lone expression keeps its value: lists stay lists', () => {
    expect(compileTemplate('{{question.choices[*].text}}', 'x').value(row, at)).toEqual(['a', 'b']);
    expect(compileTemplate('{{n}}', 'x').value(row, at)).toBe(3);
    expect(compileTemplate('n={{n}}', 'x').value(row, at)).toBe('n=3');
    expect(compileTemplate('{{question.choices[*].text}}', 'x').fields).toEqual(['question']);
  });
  it('applies filters', () => {
    const r = (source: string) => compileTemplate(source, 'x').render(row, at);
    expect(r("{{ sentence | before('_') }}Maria")).toBe('Sarah helped Maria so Maria');
    expect(r("{{ sentence | after('_') | trim }}")).toBe('got the easy cases.');
    expect(r("{{ text | split(' ') | slice(0, -1) | join(' ') }}")).toBe('he said I do not care about');
    expect(r("{{ text | split(' ') | last | prepend(' ') }}")).toBe(' signs');
    expect(r("{{ 'a [step] b  c' | regex_replace('\\[.*?\\]', '') | replace('  ', ' ') }}")).toBe('a b c');
    expect(r("{{ 'roof. he is' | capitalize_after_last('. ') }}")).toBe('roof. He is');
    expect(r("{{ 'hELLO wORLD' | capitalize }}{{ 'x' | upper }}{{ 'Y' | lower }}")).toBe('Hello worldXy');
    expect(r('{{ question.choices[*].label | join(", ") }} {{ question.choices | length }}')).toBe('A, B 2');
    expect(r("{{ 'a\\tb' }}")).toBe('a\tb');
  });
  it('names the missing field, the place and a suggestion', () => {
    expect(() => compileTemplate('{{questoin.stem}}', 'x').render(row, at)).toThrow(
      'task.yaml: prompt: data.jsonl line 4: field "questoin" is missing (did you mean "question"?); the row has: question, sentence, text, n, flag',
    );
    expect(() => compileTemplate('{{question.stm}}', 'x').render(row, at)).toThrow(/field "question.stm" is missing \(did you mean "stem"\?\)/);
    expect(() => compileTemplate('{{question.choices[5].text}}', 'x').render(row, at)).toThrow(/field "question.choices\[5\]" is missing: "question.choices" has 2 elements/);
    expect(() => compileTemplate('{{question.choices}}!', 'x').render(row, at)).toThrow(/is a list of 2, not text \(use \| join/);
    expect(() => compileTemplate("{{ sentence | before('#') }}", 'x').render(row, at)).toThrow(/data.jsonl line 4: \{\{ sentence \| before\('#'\) \}\}: before\("#"\): "#" does not occur/);
  });
  it('refuses bad syntax and unknown filters when compiled, naming the file and place', () => {
    expect(() => compileTemplate('Q: {{ question ', 't.yaml: prompt')).toThrow(/^t.yaml: prompt: template error at character 16 of "Q: \{\{ question ": unclosed "\{\{"/);
    expect(() => compileTemplate('{{ x | uper }}', 't.yaml: prompt')).toThrow('t.yaml: prompt: unknown template filter "uper" (did you mean "upper"?)');
    expect(() => compileTemplate("{{ x | split }}", 't.yaml: prompt')).toThrow('t.yaml: prompt: filter split takes 1 argument(s), got 0');
    expect(() => compileTemplate('a }} b', 't.yaml: prompt')).toThrow(/"\}\}" without a matching "\{\{"/);
    expect(() => compileTemplate('{{ x.1 }}', 't.yaml: prompt')).toThrow(/expected a field name after "\."/);
  });
  it('compiles bare expressions for field mappings', () => {
    expect(compileExpression('question.choices[*].label', 'm').evaluate(row, at)).toEqual(['A', 'B']);
    expect(compileExpression("n | string | prepend('#')", 'm').evaluate(row, at)).toBe('#3');
  });
});
