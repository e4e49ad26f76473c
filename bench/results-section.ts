import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Puts one benchmark's section (from its `# heading` line to the next top-level heading)
 * into bench/results.md in place of the one there, the others kept; appended when absent.
 */
export const writeResultsSection = (file: string, heading: string, md: string): void => {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // no results yet
  }
  const found = text.startsWith(`${heading}\n`) ? 0 : text.indexOf(`\n${heading}\n`);
  if (found < 0) {
    writeFileSync(file, `${text.trimEnd()}${text ? '\n\n' : ''}${md.trimEnd()}\n`);
    return;
  }
  const start = found === 0 ? 0 : found + 1;
  const next = text.indexOf('\n# ', start + heading.length);
  const after = next < 0 ? '' : `\n${text.slice(next + 1)}`;
  writeFileSync(file, `${text.slice(0, start)}${md.trimEnd()}\n${after}`);
};
