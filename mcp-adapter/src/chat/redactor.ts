/**
 * Keeps secrets out of everything mcpb-chat prints: the API key (and any other
 * secret given) is replaced wherever it appears, even inside an error body a
 * server echoed back.
 */
import { redactSecrets } from '../redact';

export class Redactor {
    private readonly secrets: string[];

    constructor(secrets: (string | undefined)[]) {
        // Very short "keys" (placeholders like "x") would mangle ordinary text.
        this.secrets = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
    }

    redact(text: string): string {
        let out = text;
        for (const secret of this.secrets) out = out.split(secret).join('[redacted]');
        return out;
    }
}

/** Where mcpb-chat writes: the answer on `out`, everything else on `err`. Both redacted. */
export interface Output {
    /** Answer text (stdout). */
    out(text: string): void;
    /** Progress, tool activity, errors (stderr). */
    err(text: string): void;
}

export function redactedOutput(
    redactor: Redactor,
    stdout: NodeJS.WritableStream = process.stdout,
    stderr: NodeJS.WritableStream = process.stderr,
): Output {
    return {
        out: (text) => void stdout.write(redactor.redact(text)),
        // Diagnostics also lose URL credentials and query values (e.g. an API key in --llm-base-url).
        err: (text) => void stderr.write(redactSecrets(redactor.redact(text))),
    };
}
