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
    /** Devices the registry must know before the pipeline reports 'started' (ours). */
    registered: number;
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
