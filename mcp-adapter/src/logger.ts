/**
 * Logging to stderr only: in stdio mode stdout carries nothing but JSON-RPC.
 * Callers never pass tokens; URLs go through redactUrl() first, and every line
 * passes redactSecrets() (URL credentials, query values, bearer tokens) on top.
 */
import { redactSecrets } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface Logger {
    debug(message: string): void;
    info(message: string): void;
    warn(message: string): void;
    error(message: string): void;
}

export function stderrLogger(minimum: LogLevel = 'info'): Logger {
    const log = (level: LogLevel) => (message: string) => {
        if (ORDER[level] >= ORDER[minimum])
            process.stderr.write(`[mcp-adapter] ${level}: ${redactSecrets(message)}\n`);
    };
    return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
