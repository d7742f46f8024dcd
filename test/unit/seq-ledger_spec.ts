/** Loss merged over the instances of a share group (protocol/src/seq-ledger.ts, adapter fleet-client.ts). */
import assert from 'node:assert/strict';
import { SeqLedger, mergedLoss, newDeviceCounters } from '@mcp-mqtt-bridge/protocol';
import { mergeCounters } from '../../mcp-adapter/src/fleet-client';

/** Deals seqs from..to round robin over `n` ledgers, leaving out `missing`; capabilities at `from` (control). */
function dealt(n: number, from: number, to: number, missing: number[] = []): SeqLedger[] {
    const ledgers = Array.from({ length: n }, () => new SeqLedger());
    for (const l of ledgers) l.capabilities('d', `${from}@1`, from, false);
    let i = 0;
    for (let seq = from + 1; seq <= to; seq++) {
        if (!missing.includes(seq)) ledgers[i++ % n].count('d', seq, false);
    }
    return ledgers;
}

describe('seq ledger (share group loss)', function () {
    it('counts nothing lost when the stream is split over instances', function () {
        for (const n of [1, 2, 3]) assert.equal(mergedLoss(dealt(n, 0, 999).map((l) => l.epochsOf('d'))), 0);
    });

    it('counts exactly the messages no instance received, across a wrap of the counter', function () {
        // count() takes seqs modulo 2^32, as devices send them.
        const wrapped = Array.from({ length: 3 }, () => new SeqLedger());
        for (const l of wrapped) l.capabilities('d', 'x@1', 2 ** 32 - 10, false);
        let i = 0;
        for (let s = 2 ** 32 - 9; s <= 2 ** 32 + 10; s++) {
            if (s !== 2 ** 32 - 3 && s !== 2 ** 32 + 4) wrapped[i++ % 3].count('d', s % 2 ** 32, false);
        }
        assert.equal(mergedLoss(wrapped.map((l) => l.epochsOf('d'))), 2);
    });

    it('counts control-plane messages (heard by every instance) once', function () {
        const [a, b] = dealt(2, 0, 100);
        for (const l of [a, b]) l.count('d', 101, true);
        a.count('d', 102, false);
        assert.equal(mergedLoss([a.epochsOf('d'), b.epochsOf('d')]), 0);
    });

    it('keeps epochs apart: a reboot restarts the span', function () {
        const [a, b] = dealt(2, 0, 50);
        for (const l of [a, b]) l.capabilities('d', '0@2', 0, false);
        a.count('d', 1, false);
        b.count('d', 3, false);
        assert.equal(mergedLoss([a.epochsOf('d'), b.epochsOf('d')]), 1);
    });

    it('names an epoch first seen without capabilities once the retained ones arrive', function () {
        const a = new SeqLedger();
        a.count('d', 7, false);
        a.capabilities('d', '0@1', 0, true);
        assert.equal(a.epochsOf('d')?.[0].epoch, '0@1');
        assert.equal(a.epochsOf('d')?.[0].first, 7);
    });

    it('leaves out a seq far from the span instead of counting thousands lost', function () {
        const [a] = dealt(1, 0, 10);
        assert.equal(a.count('d', 2 ** 31, false), false);
        assert.equal(mergedLoss([a.epochsOf('d')]), 0);
    });

    it('sums counters, control-plane messages once, loss from the ledgers', function () {
        const [a, b] = dealt(2, 0, 9, [5]);
        const base = newDeviceCounters();
        const merged = mergeCounters([
            { ...base, messages: 6, control_messages: 2, seq_epochs: a.epochsOf('d') },
            { ...base, messages: 5, control_messages: 2, seq_epochs: b.epochsOf('d') },
        ]);
        assert.equal(merged.messages, 9);
        assert.equal(merged.lost, 1);
    });
});
