/** A header and rows as tab-separated lines: readable at the console, easy to cut and awk. */
export const tsv = (header: string[], rows: string[][]): string[] => [header, ...rows].map((cells) => cells.join('\t'));
