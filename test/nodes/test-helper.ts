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

export interface TestHelper {
    init(runtimePath: string): void;
    settings(settings: Record<string, unknown>): void;
    startServer(): Promise<void>;
    stopServer(): Promise<void>;
    load(nodes: ((RED: NodeAPI) => void) | ((RED: NodeAPI) => void)[], flow: object[]): Promise<void>;
    unload(): Promise<void>;
    getNode(id: string): unknown;
    request(): { get: Method; post: Method };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const helper = require('node-red-node-test-helper') as TestHelper;
