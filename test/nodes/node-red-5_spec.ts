/** The 5.x runs of the node specs really load Node-RED 5 (the `node-red-5` alias), not 4.1 twice. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { nodeRed } from './fixtures';

describe('Node-RED runtimes under test', () => {
    it('resolves 4.1.x and 5.0.x to different installations', () => {
        const version = (runtime: string) =>
            (
                JSON.parse(
                    fs.readFileSync(path.join(path.dirname(runtime), '..', 'package.json'), 'utf8'),
                ) as {
                    version: string;
                }
            ).version;
        assert.match(version(nodeRed(4).runtime), /^4\.1\./);
        assert.match(version(nodeRed(5).runtime), /^5\.0\./);
    });
});
