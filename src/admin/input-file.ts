import { ZodError } from 'zod';
import { AppError } from '../shared/app-error.ts';

const FS_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
};

const isFsError = (err: unknown): err is NodeJS.ErrnoException =>
  err instanceof Error && typeof (err as NodeJS.ErrnoException).syscall === 'string';

/**
 * Runs `read` on a file the operator named and puts the file's name into whatever goes
 * wrong: it cannot be read, it is not JSON, or its content fails its schema.
 */
export const readInputFile = <T>(file: string, read: (file: string) => T): T => {
  try {
    return read(file);
  } catch (err) {
    if (isFsError(err)) {
      throw new AppError('INVALID_INPUT', `cannot read ${file}: ${FS_REASONS[err.code ?? ''] ?? err.message}`, { cause: err });
    }
    if (err instanceof SyntaxError) throw new AppError('INVALID_INPUT', `${file}: ${err.message}`, { cause: err });
    if (err instanceof ZodError) {
      const lines = err.issues.map((i) => `${file}: ${i.path.join('.') || 'file'}: ${i.message}`);
      throw new AppError('VALIDATION_FAILED', lines.join('\n'), { cause: err });
    }
    throw err;
  }
};
