/** Makes text safe inside a Markdown table cell: pipes and backslashes escaped, line breaks as spaces. */
export function escapeMarkdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
