/**
 * The one Markdown escaper. `text` (the default) is for anything a report renders: HTML-significant
 * characters become entities (GitHub renders inline HTML), Markdown punctuation is backslash-escaped, `|`
 * cannot split a cell and line breaks become spaces, so a string from a result is shown literally.
 * `cell` escapes only what would break a table row (backslashes, `|`, line breaks) and leaves the rest as
 * written: the gate's and compare's summaries, whose entry labels readers copy back into rules and flags.
 */
export function escapeMarkdown(text: unknown, scope: 'text' | 'cell' = 'text'): string {
  const flat = String(text ?? '').replace(/\r?\n|\r/g, ' ');
  if (scope === 'cell') return flat.replace(/([\\|])/g, '\\$1');
  return flat
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1');
}
