/** Messages between the benchmark and a pipeline running in its own child process. */

export type PipelineName = 'bare' | 'handwritten' | 'stock' | 'ours' | 'oursStore';

export interface PipelineConfig {
    pipeline: PipelineName;
    mqttUrl: string;
    influxUrl: string;
    database: string;
    /** messages the pipeline should see */
    expected: number;
    batchSize: number;
    /**
     * Drain mode: connect with this client id to the persistent session (clean
     * false) that already holds the messages, and report 'started' without
     * waiting for the connection (the broker is paused meanwhile).
     */
    drainClientId?: string;
}

export type ToChild =
    { type: 'start'; config: PipelineConfig } | { type: 'mark' } | { type: 'stats' } | { type: 'count' };

export interface ChildStats {
    cpuUserMs: number;
    cpuSystemMs: number;
    peakRssMb: number;
}

export type FromChild =
    | { type: 'started' }
    | { type: 'marked' }
    | { type: 'received'; count: number; at: number }
    | { type: 'stats'; stats: ChildStats }
    | { type: 'failed'; error: string };
