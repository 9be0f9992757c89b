/**
 * Escapes text for HTML element content and quoted attribute values: `& < > " '` become entities, so a
 * string from a result (a model name, generated text, an error message) is shown literally and can never
 * open a tag or leave an attribute.
 */
export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
