import fs from 'node:fs';
import path from 'node:path';

export const VECTORS_DIR = path.resolve(__dirname, '../../protocol/vectors');

export interface DecodeVector {
    file: string;
    name: string;
    topic: string;
    payload: string;
    /** Raw bytes for payloads JSON text cannot carry (invalid UTF-8). */
    payload_hex?: string;
    expect: { error?: string; field?: string; kind?: string } & Record<string, unknown>;
}

/** Every decode vector of protocol/vectors/*.json, tagged with its file. */
export function loadDecodeVectors(): DecodeVector[] {
    const all: DecodeVector[] = [];
    for (const name of fs
        .readdirSync(VECTORS_DIR)
        .filter((f) => f.endsWith('.json'))
        .sort()) {
        const doc = JSON.parse(fs.readFileSync(path.join(VECTORS_DIR, name), 'utf8')) as {
            type: string;
            cases: Omit<DecodeVector, 'file'>[];
        };
        if (doc.type !== 'decode') continue;
        for (const c of doc.cases) all.push({ ...c, file: name.replace(/\.json$/, '') });
    }
    return all;
}

export function payloadOf(v: DecodeVector): Buffer {
    return v.payload_hex !== undefined ? Buffer.from(v.payload_hex, 'hex') : Buffer.from(v.payload, 'utf8');
}
