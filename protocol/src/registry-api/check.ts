/** Checks a value against a contract schema, naming the first offending field (a JSON pointer). */
import type { z } from 'zod';

export type Checked<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

export function checkAgainst<S extends z.ZodType>(schema: S, value: unknown): Checked<z.infer<S>> {
    const parsed = schema.safeParse(value);
    if (parsed.success) return { ok: true, value: parsed.data };
    const issue = parsed.error.issues[0];
    const field = `/${issue.path.map(String).join('/')}`;
    return { ok: false, field, message: `${field}: ${issue.message}` };
}
