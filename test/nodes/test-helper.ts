/** node-red-node-test-helper (it ships no types), typed for what the node specs use. */
import type { NodeAPI } from '../../nodes/lib/node-red-types';

export interface HttpResponse {
    status: number;
    // JSON bodies of many shapes, asserted field by field in the specs.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    body: any;
}

export interface HttpTest extends PromiseLike<HttpResponse> {
    set(header: string, value: string): HttpTest;
    send(body: object): HttpTest;
    query(query: Record<string, string | number>): HttpTest;
}

type Method = (url: string) => HttpTest;
type NodeModule = ((RED: NodeAPI) => void) | unknown;

export interface TestHelper {
    init(runtimePath: string): void;
    settings(settings: Record<string, unknown>): void;
    startServer(): Promise<void>;
    stopServer(): Promise<void>;
    /** Credentials are keyed by node id. Node modules may be ours or core ones (untyped). */
    load(nodes: NodeModule | NodeModule[], flow: object[], credentials?: object): Promise<void>;
    unload(): Promise<void>;
    getNode<T = unknown>(id: string): T;
    request(): { get: Method; post: Method };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const helper = require('node-red-node-test-helper') as TestHelper;
