#!/usr/bin/env node
/**
 * mcpb-policy: the access policy's command line (docs/policy.md).
 *   mcpb-policy token                      a new MCP client token and its token_sha256
 *   mcpb-policy check --policy p.json      validate and summarise
 *   mcpb-policy broker --policy p.json --out dir [--device id]... [--registry-url url]
 *                                          Mosquitto password file + ACL for the devices and the server
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { DEVICE_PAGE } from '@mcp-mqtt-bridge/protocol';
import { RegistryClient, redactUrl } from '../registry-client';
import { generateBrokerFiles } from './broker';
import { loadPolicy, tokenSha256 } from './policy';

async function registryDevices(url: string, registryId: string): Promise<string[]> {
    const registry = new RegistryClient({
        baseUrl: url,
        registryId,
        token: process.env.MCP_BRIDGE_REGISTRY_TOKEN,
        timeoutMs: 10000,
    });
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 1000; page++) {
        const list = await registry.listDevices({ limit: DEVICE_PAGE.max, cursor });
        ids.push(...list.devices.map((d) => d.device_id));
        cursor = list.next_cursor;
        if (!cursor) break;
    }
    return ids;
}

/** uid and gid of a system user (id -u / id -g). */
function systemUser(name: string): { uid: number; gid: number } {
    try {
        const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
        return { uid: id('-u'), gid: id('-g') };
    } catch {
        throw new Error(`--broker-user: no system user "${name}"`);
    }
}

function program(): Command {
    const cmd = new Command('mcpb-policy').description(
        'Access policy of the MCP-MQTT Bridge: MCP client tokens and scopes, Mosquitto accounts and ACL',
    );
    cmd.command('token')
        .description('print a new random MCP client token and the token_sha256 to put in the policy')
        .action(() => {
            const token = randomBytes(32).toString('base64url');
            process.stdout.write(
                `token (give it to the client; shown once, not stored): ${token}\n` +
                    `policy entry: "token_sha256": "${tokenSha256(token)}"\n`,
            );
        });
    cmd.command('check')
        .description('validate a policy file and summarise it')
        .requiredOption('--policy <file>', 'policy file (JSON)')
        .action((o: { policy: string }) => {
            const policy = loadPolicy(o.policy);
            const lines = [`${o.policy}: valid policy`];
            for (const c of policy.mcp_clients) {
                lines.push(
                    `  MCP client ${c.name}: reads ${c.read.length} + controls ${c.control.length} selector(s)` +
                        `${c.control.length === 0 ? ' (read-only)' : ''}`,
                );
            }
            lines.push(
                `  broker: server account(s) ${policy.broker.server_users.join(', ')}; ${policy.broker.devices.length} device(s) listed`,
            );
            process.stdout.write(`${lines.join('\n')}\n`);
        });
    cmd.command('broker')
        .description(
            'write Mosquitto password file, ACL and client credentials for the server and the devices',
        )
        .requiredOption('--policy <file>', 'policy file (JSON)')
        .requiredOption(
            '--out <dir>',
            'directory for acl, passwd, credentials.json, esphome-secrets.yaml, mosquitto.conf',
        )
        .option(
            '--device <id>',
            "a device besides the policy's broker.devices (repeatable)",
            (v: string, all: string[]) => [...all, v],
            [],
        )
        .option(
            '--registry-url <url>',
            'also every device of the registry at this Node-RED admin URL (token: env MCP_BRIDGE_REGISTRY_TOKEN)',
        )
        .option('--registry-id <id>', 'registry node id', 'default')
        .option('--rotate', 'new passwords for every account (default: keep those in credentials.json)')
        .option('--mosquitto-passwd <path>', 'mosquitto_passwd executable', 'mosquitto_passwd')
        .option(
            '--broker-user <user>',
            'hand passwd and acl to the system user Mosquitto runs as (e.g. mosquitto; needs root)',
        )
        .action(
            async (o: {
                policy: string;
                out: string;
                device: string[];
                registryUrl?: string;
                registryId: string;
                rotate?: boolean;
                mosquittoPasswd: string;
                brokerUser?: string;
            }) => {
                const policy = loadPolicy(o.policy);
                const fromRegistry = o.registryUrl ? await registryDevices(o.registryUrl, o.registryId) : [];
                const result = await generateBrokerFiles({
                    policy,
                    policySource: o.policy,
                    extraDevices: [...o.device, ...fromRegistry],
                    outDir: o.out,
                    rotate: o.rotate,
                    mosquittoPasswd: o.mosquittoPasswd,
                    brokerUser: o.brokerUser ? systemUser(o.brokerUser) : undefined,
                });
                const { accounts, files, created } = result;
                process.stdout.write(
                    [
                        `${accounts.servers.length} server account(s) (${accounts.servers.join(', ')}), ` +
                            `${accounts.devices.length} device account(s)` +
                            (o.registryUrl
                                ? ` (${fromRegistry.length} from ${redactUrl(o.registryUrl)})`
                                : ''),
                        `new passwords: ${created.length === 0 ? 'none (all kept)' : created.join(', ')}`,
                        `ACL:                 ${files.acl}`,
                        `password file:       ${files.passwd} (hashed by mosquitto_passwd)`,
                        `passwords in clear:  ${files.credentials} (0600: keep it private)`,
                        `ESPHome secrets:     ${files.esphomeSecrets} (0600)`,
                        `broker settings:     ${files.conf} (include it in mosquitto.conf)`,
                        '',
                    ].join('\n'),
                );
            },
        );
    return cmd;
}

program()
    .parseAsync()
    .catch((e: unknown) => {
        process.stderr.write(`mcpb-policy: ${(e as Error).message}\n`);
        process.exit(1);
    });
