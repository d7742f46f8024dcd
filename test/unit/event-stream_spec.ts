import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { DeviceRegistry } from '../../nodes/lib/registry/device-registry';
import { EventStream } from '../../nodes/lib/registry/event-stream';
import { fakeTimers, reading, status } from './support/wire';

const T0 = 1_700_000_000_000;

/** Just enough of a ServerResponse: records the head and what is written. */
class FakeResponse extends EventEmitter {
    head: [number, Record<string, string>] | undefined;
    written = '';
    ended = false;
    writeHead(code: number, headers: Record<string, string>): this {
        this.head = [code, headers];
        return this;
    }
    write(text: string): boolean {
        this.written += text;
        return true;
    }
    end(): this {
        this.ended = true;
        this.emit('close');
        return this;
    }
    /** The device events written so far. */
    events(): { device_id: string; change: string }[] {
        return [...this.written.matchAll(/^event: device\ndata: (.*)$/gm)].map(
            (m) => JSON.parse(m[1] as string) as { device_id: string; change: string },
        );
    }
}

const asResponse = (r: FakeResponse) => r as unknown as ServerResponse;

describe('unit: EventStream', () => {
    let clock: ReturnType<typeof fakeTimers>;
    beforeEach(() => {
        clock = fakeTimers();
    });
    afterEach(() => clock.restore());

    it('listens to the registry only while a client is connected', () => {
        const reg = new DeviceRegistry();
        const stream = new EventStream(reg);
        assert.equal(reg.listenerCount('change'), 0);
        const a = new FakeResponse();
        const b = new FakeResponse();
        stream.add(asResponse(a));
        stream.add(asResponse(b));
        assert.equal(reg.listenerCount('change'), 1);
        assert.equal(stream.size, 2);
        a.emit('close');
        assert.equal(reg.listenerCount('change'), 1);
        b.emit('close');
        assert.equal(reg.listenerCount('change'), 0);
        assert.equal(stream.size, 0);
    });

    it('opens an event stream and sends other changes at once', () => {
        const reg = new DeviceRegistry();
        const stream = new EventStream(reg);
        const res = new FakeResponse();
        stream.add(asResponse(res));
        assert.equal(res.head?.[0], 200);
        assert.equal(res.head?.[1]['Content-Type'], 'text/event-stream');
        reg.ingest(status('d1', true), false, T0);
        assert.deepEqual(res.events(), [
            { device_id: 'd1', change: 'added' },
            { device_id: 'd1', change: 'online' },
        ]);
        stream.close();
    });

    it('coalesces readings to one event per device per second', () => {
        const reg = new DeviceRegistry();
        reg.ingest(status('d1', true), false, T0);
        reg.ingest(status('d2', true), false, T0);
        const stream = new EventStream(reg);
        const res = new FakeResponse();
        stream.add(asResponse(res));
        for (let seq = 1; seq <= 5; seq++) reg.ingest(reading('d1', 't', seq, seq), false, T0);
        reg.ingest(reading('d2', 't', 1, 1), false, T0);
        assert.deepEqual(res.events(), []);
        clock.tick(1000);
        assert.deepEqual(res.events(), [
            { device_id: 'd1', change: 'reading' },
            { device_id: 'd2', change: 'reading' },
        ]);
        clock.tick(1000);
        assert.equal(res.events().length, 2, 'nothing new, nothing sent');
        stream.close();
    });

    it('keeps the connection alive and ends every client on close()', () => {
        const reg = new DeviceRegistry();
        const stream = new EventStream(reg);
        const res = new FakeResponse();
        stream.add(asResponse(res));
        clock.tick(25000);
        assert.match(res.written, /: keepalive\n\n$/);
        stream.close();
        assert.equal(res.ended, true);
        assert.equal(stream.size, 0);
        assert.equal(reg.listenerCount('change'), 0);
        reg.ingest(status('d1', true), false, T0);
        clock.tick(60000);
        assert.deepEqual(res.events(), []);
    });
});
