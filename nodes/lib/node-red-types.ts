/**
 * The small part of Node-RED's runtime API this pack uses, typed by hand
 * (@types/node-red is old and not installed). Shapes follow Node-RED 4.x/5.x.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface NodeMessage {
    _msgid?: string;
    topic?: string;
    payload?: unknown;
    [key: string]: unknown;
}

export interface NodeStatus {
    fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
    shape?: 'dot' | 'ring';
    text?: string;
}

export type SendFunction = (msg: NodeMessage | (NodeMessage | null)[]) => void;
export type DoneFunction = (err?: Error) => void;

/** Properties every node definition carries (the editor's saved fields come on top). */
export interface NodeDef {
    id: string;
    type: string;
    name?: string;
    z?: string;
    /** Ids of the nodes wired to each output (absent on config nodes). */
    wires?: string[][];
}

export interface Node {
    readonly id: string;
    readonly type: string;
    name?: string;
    on(event: 'input', listener: (msg: NodeMessage, send: SendFunction, done: DoneFunction) => void): void;
    on(event: 'close', listener: (removed: boolean, done: () => void) => void): void;
    send(msg: NodeMessage | (NodeMessage | null)[]): void;
    status(status: NodeStatus): void;
    error(err: unknown, msg?: NodeMessage): void;
    warn(message: unknown): void;
    log(message: unknown): void;
}

/** An Express-style request as Node-RED's admin app hands it over (body parsed as JSON). */
export interface AdminRequest extends IncomingMessage {
    params: Record<string, string>;
    query: Record<string, unknown>;
    body: unknown;
    /** The authenticated admin user (Node-RED sets it when adminAuth is on). */
    user?: { username?: unknown };
}

export interface AdminResponse extends ServerResponse {
    status(code: number): AdminResponse;
    json(body: unknown): AdminResponse;
}

export type AdminHandler = (req: AdminRequest, res: AdminResponse, next: (err?: unknown) => void) => void;

export interface AdminApp {
    get(path: string, ...handlers: AdminHandler[]): void;
    post(path: string, ...handlers: AdminHandler[]): void;
    delete(path: string, ...handlers: AdminHandler[]): void;
}

export interface NodeAPI {
    nodes: {
        createNode(node: Node, def: NodeDef): void;
        registerType<T extends Node, D extends NodeDef>(
            type: string,
            constructor: (this: T, def: D) => void,
            options?: object,
        ): void;
        getNode(id: string): Node | null;
    };
    settings: { userDir?: string } & Record<string, unknown>;
    httpAdmin: AdminApp;
    auth: { needsPermission(permission: string): AdminHandler };
    util: { generateId(): string };
    log: { info(m: unknown): void; warn(m: unknown): void; error(m: unknown): void };
    _(key: string, substitutions?: Record<string, unknown>): string;
}
