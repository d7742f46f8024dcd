/**
 * Line input for mcpb-chat: the REPL's prompts and the confirmation questions
 * share one reader. Lines typed (or piped) before a question is asked wait in
 * order; at end of input every pending and later question gets `undefined`.
 */
import readline from 'node:readline';
import type { Output } from './redactor';

export class Terminal {
    private readonly buffered: string[] = [];
    private readonly waiting: ((line: string | undefined) => void)[] = [];
    private closed = false;
    private rl: readline.Interface | undefined;
    /** Questions are asked one at a time (parallel tool calls may each need a confirmation). */
    private turn: Promise<unknown> = Promise.resolve();

    constructor(
        private readonly output: Output,
        private readonly input: NodeJS.ReadableStream = process.stdin,
    ) {}

    private open(): void {
        if (this.rl || this.closed) return;
        this.rl = readline.createInterface({ input: this.input, terminal: false });
        this.rl.on('line', (line) => {
            const next = this.waiting.shift();
            if (next) next(line);
            else this.buffered.push(line);
        });
        this.rl.on('close', () => {
            this.closed = true;
            for (const next of this.waiting.splice(0)) next(undefined);
        });
    }

    /** The next line, or undefined at end of input. */
    readLine(prompt = ''): Promise<string | undefined> {
        const asked = this.turn.then(() => {
            this.open();
            if (prompt) this.output.err(prompt);
            const line = this.buffered.shift();
            if (line !== undefined) return line;
            if (this.closed) return undefined;
            return new Promise<string | undefined>((resolve) => this.waiting.push(resolve));
        });
        this.turn = asked.catch(() => undefined);
        return asked;
    }

    close(): void {
        this.rl?.close();
        this.closed = true;
    }
}
