/**
 * Waits until the benchmark's own services (InfluxDB, Mosquitto) are idle
 * before a measured run. InfluxDB compacts and deletes the previous runs'
 * data in the background for seconds after they end; on a 2-core machine that
 * work would land in the next run's window and slow whichever pipeline comes
 * next, so every run starts from the same quiet state.
 */
import fs from 'node:fs';

/** Linux reports process CPU time in clock ticks of 1/100 s (USER_HZ). */
const TICKS_PER_SECOND = 100;
const WINDOW_MS = 500;

function cpuTicks(pid: number): number {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
}

/**
 * Resolves once the processes together used at most `maxShare` of one core in
 * two windows of 500 ms running, or after `timeoutMs` (returning false: the
 * caller reports it; a busy machine must not stop the benchmark).
 */
export async function quiet(pids: number[], maxShare = 0.05, timeoutMs = 30_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let calm = 0;
    let before = pids.reduce((sum, pid) => sum + cpuTicks(pid), 0);
    while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, WINDOW_MS));
        const now = pids.reduce((sum, pid) => sum + cpuTicks(pid), 0);
        const share = (now - before) / TICKS_PER_SECOND / (WINDOW_MS / 1000);
        before = now;
        calm = share <= maxShare ? calm + 1 : 0;
        if (calm >= 2) return true;
    }
    return false;
}
