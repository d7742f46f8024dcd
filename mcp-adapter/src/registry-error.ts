/**
 * A failure talking to the registry, classified so that tools can tell the
 * model what to do next instead of passing on a raw HTTP or socket error.
 */
export type RegistryErrorKind =
    | 'unreachable' // no connection (registry/Node-RED down, wrong URL)
    | 'timeout' // connected, but no answer within the request timeout
    | 'cancelled' // the MCP client cancelled the request
    | 'unauthorized' // 401/403: token missing or wrong (Node-RED adminAuth)
    | 'not_found' // 404: unknown registry, device or sensor (see code)
    | 'bad_request' // 400: the registry refused the parameters
    | 'server' // anything else (5xx, answer that is not JSON)
    | 'bad_answer'; // an answer the registry API contract does not allow (version skew or a bug)

export class RegistryError extends Error {
    constructor(
        readonly kind: RegistryErrorKind,
        /** The registry's error code when it sent one (UNKNOWN_DEVICE, UNKNOWN_SENSOR, ...). */
        readonly code: string | undefined,
        message: string,
        readonly status?: number,
    ) {
        super(message);
        this.name = 'RegistryError';
    }
}

export function isRegistryError(e: unknown): e is RegistryError {
    return e instanceof RegistryError;
}
