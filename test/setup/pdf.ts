// Reads a PDF the way a person would read it: its text, page by page.
import { extractText, getDocumentProxy } from 'unpdf';

export async function pdfPages(bytes: Uint8Array): Promise<string[]> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  const { text } = await extractText(pdf, { mergePages: false });
  return text;
}

/** The first of `parts` not found in `text` after the previous one, or null when all occur in that order. */
export function firstMissingInOrder(text: string, parts: readonly string[]): string | null {
  let at = 0;
  for (const part of parts) {
    const found = text.indexOf(part, at);
    if (found < 0) return part;
    at = found + part.length;
  }
  return null;
}
