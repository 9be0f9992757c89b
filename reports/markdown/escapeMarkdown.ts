/**
 * Escapes text for a Markdown table cell or paragraph: HTML-significant characters become entities (GitHub
 * renders inline HTML), Markdown punctuation is backslash-escaped, `|` cannot split a cell and line
 * breaks become spaces. A string from a result is shown literally.
 */
export function escapeMarkdown(text: unknown): string {
  return String(text ?? '')
    .replace(/\r?\n|\r/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1');
}
