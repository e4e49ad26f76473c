import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const TEMPLATES_DIR = resolve(import.meta.dirname, '../../templates');
const cache = new Map<string, Record<string, string>>();

/**
 * A user-facing string from `templates/<lang>/<file>.json` with `{name}` placeholders
 * filled in. Unknown keys and missing values throw: a notice never shows a raw key.
 */
export const text = (file: string, key: string, vars: Record<string, string | number> = {}, lang = 'vi'): string => {
  const path = `${lang}/${file}`;
  let strings = cache.get(path);
  if (!strings) {
    strings = JSON.parse(readFileSync(resolve(TEMPLATES_DIR, lang, `${file}.json`), 'utf8')) as Record<string, string>;
    cache.set(path, strings);
  }
  const template = strings[key];
  if (template === undefined) throw new Error(`no text ${key} in templates/${path}.json`);
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new Error(`text ${key} needs {${name}}`);
    return String(v);
  });
};
