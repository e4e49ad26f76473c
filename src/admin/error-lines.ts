import { ZodError } from 'zod';

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);

/**
 * What the operator reads of a failure: one line per problem, no stack. AppError messages
 * already hold one problem per line; other errors (database down, a bug) show their
 * message only, since a stack trace helps nobody at the console.
 */
export const errorLines = (err: unknown): string[] => {
  if (err instanceof ZodError) return err.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`);
  if (!(err instanceof Error)) return [String(err)];
  // Prisma puts a source excerpt of the failing call before the reason, which comes last.
  if (err.name.startsWith('PrismaClient')) return [`database: ${lines(err.message).at(-1) ?? err.name}`];
  const all = lines(err.message);
  return all.length > 0 ? all : [err.name];
};
