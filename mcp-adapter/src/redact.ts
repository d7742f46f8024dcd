/**
 * Secrets never reach a log: tokens in query strings (`/mcp?token=…`),
 * credentials in URLs (`mqtt://user:pass@host`) and bearer tokens in text.
 * Query values are all replaced, whatever their name: a log does not need them,
 * and a list of "secret" parameter names would always miss one.
 */
const MASK = '***';

/** An HTTP request target (`req.url`) safe to log: the path, and the query's names without values. */
export function redactRequestTarget(target: string | undefined): string {
    if (target === undefined) return '';
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    const cleanPath = path.replace(/[^\x21-\x7e]/g, '?').slice(0, 200); // no control characters in logs
    if (q < 0) return cleanPath;
    const names = target
        .slice(q + 1)
        .split('#')[0]
        .split('&')
        .filter((p) => p !== '')
        .map(
            (p) =>
                `${p
                    .split('=')[0]
                    .replace(/[^\w.-]/g, '?')
                    .slice(0, 40)}=${MASK}`,
        );
    return `${cleanPath}?${names.join('&')}`;
}

/** Any text with URL credentials, URL query values and bearer tokens masked. */
export function redactSecrets(text: string): string {
    return (
        text
            // scheme://user:password@host → scheme://***@host
            .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@?#"'<>]+@/gi, `$1${MASK}@`)
            // ?name=value / &name=value → name=***
            .replace(/([?&][^\s=&#?"'<>]{1,100}=)[^\s&#"'<>]*/g, `$1${MASK}`)
            // Authorization: Bearer <token> / Basic <credentials>
            .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${MASK}`)
    );
}
