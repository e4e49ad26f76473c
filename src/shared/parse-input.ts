import type { z } from 'zod';
import { AppError } from './app-error.ts';

/**
 * Parses operator input with a zod schema. A bad field becomes an AppError naming it,
 * one line per field, so the CLI prints clean messages instead of a ZodError dump.
 */
export const parseInput = <S extends z.ZodType>(schema: S, input: unknown): z.output<S> => {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const message = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('\n');
  throw new AppError('VALIDATION_FAILED', message, { details });
};
