#!/usr/bin/env node
/** mcpb-chat: natural-language control of the devices from a terminal. */
import { runChat } from './chat-session';
import { parseChatOptions, UsageError, type ChatOptions } from './options';
import { Redactor, redactedOutput } from './redactor';

function main(): void {
    // Whatever happens, the key never reaches the terminal.
    const redactor = new Redactor([
        process.env.OPENAI_API_KEY,
        process.env.MCP_BRIDGE_TOKEN,
        ...keysInArgv(),
    ]);
    const output = redactedOutput(redactor);
    let options: ChatOptions;
    try {
        options = parseChatOptions();
    } catch (e) {
        output.err(`mcpb-chat: ${(e as Error).message}\nSee mcpb-chat --help.\n`);
        process.exit(e instanceof UsageError ? 2 : 1);
    }
    runChat(options, output).then(
        (code) => process.exit(code),
        (e: unknown) => {
            output.err(`mcpb-chat: ${(e as Error).message}\n`);
            process.exit(1);
        },
    );
}

/** Secrets given on the command line, found before parsing so that even a usage error cannot echo them. */
function keysInArgv(argv: string[] = process.argv): string[] {
    const secrets: string[] = [];
    argv.forEach((arg, i) => {
        for (const flag of ['--api-key', '--mcp-token']) {
            if (arg === flag && argv[i + 1] !== undefined) secrets.push(argv[i + 1] as string);
            else if (arg.startsWith(`${flag}=`)) secrets.push(arg.slice(flag.length + 1));
        }
    });
    return secrets;
}

main();
