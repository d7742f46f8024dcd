/** Counts events per second over a sliding window (the last 60 s by default) without a timer. */
export class RateWindow {
    private readonly buckets: Float64Array;
    private readonly seconds: Float64Array;

    constructor(private readonly windowS = 60) {
        this.buckets = new Float64Array(windowS);
        this.seconds = new Float64Array(windowS).fill(-1);
    }

    add(nowMs: number, n = 1): void {
        const second = Math.floor(nowMs / 1000);
        const i = second % this.windowS;
        if (this.seconds[i] !== second) {
            this.seconds[i] = second;
            this.buckets[i] = 0;
        }
        this.buckets[i] += n;
    }

    /** Events per second over the complete seconds of the window. */
    perSecond(nowMs: number): number {
        const now = Math.floor(nowMs / 1000);
        let total = 0;
        for (let i = 0; i < this.windowS; i++) {
            const age = now - this.seconds[i];
            if (age >= 1 && age <= this.windowS) total += this.buckets[i];
        }
        return total / this.windowS;
    }
}
